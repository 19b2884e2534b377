import type { ActivityInterceptorsFactory, InjectedSinks, WorkerInterceptors } from '@temporalio/worker';
import {
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
  type OpenTelemetrySinks,
  type SerializableSpan,
} from '@temporalio/interceptors-opentelemetry';

/**
 * The workflow-side interceptors, bundled into the workflow code: they continue the caller's trace
 * from the workflow's headers and pass it on to each activity. Bundled always (and by the
 * ahead-of-time bundle script), so a bundle does not depend on whether tracing is on.
 */
export const WORKFLOW_INTERCEPTOR_MODULES: readonly string[] = [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')];

/** where workflow spans go: the telemetry package's exporter (its allow-list applies), or nowhere */
export interface WorkflowSpanSink {
  exportWorkflowSpans(spans: SerializableSpan[]): void;
}

/**
 * Worker interceptors: activities continue the workflow's trace; the workflow interceptor module
 * is part of the bundle. Spans are made through `@opentelemetry/api`: no-ops unless telemetry
 * registered a provider.
 */
export function workerInterceptors(): WorkerInterceptors {
  const activity: ActivityInterceptorsFactory = (ctx) => ({
    inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
    outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
  });
  return { workflowModules: [...WORKFLOW_INTERCEPTOR_MODULES], activity: [activity] };
}

/**
 * The sink the workflow interceptors export their spans through (the isolate has no network). It
 * must exist even with tracing off, or every workflow task would report a missing sink. The
 * workflow info the SDK's own helper copies into every span's attributes is left out: it holds
 * memo and search attributes.
 */
export function workflowSpanSinks(sink?: WorkflowSpanSink): InjectedSinks<OpenTelemetrySinks> {
  return { exporter: { export: { fn: (_info, spans) => sink?.exportWorkflowSpans(spans) } } };
}

/** client interceptors: starting a workflow passes the caller's trace context in its headers */
export function clientInterceptors() {
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor()] };
}
