import { context, propagation, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, ParentBasedSampler, SimpleSpanProcessor, TraceIdRatioBasedSampler, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { AllowListSpanProcessor } from './allow-list-processor';
import type { TelemetryOptions } from './config';
import { createExporter } from './exporter';
import { TraceContextOnlyPropagator } from './propagator';
import { readableWorkflowSpan, type WorkflowSpanData } from './workflow-spans';

export interface Telemetry {
  /** false with exporter `none`: nothing was registered and every span is a no-op */
  readonly enabled: boolean;
  /** spans made in Temporal workflow isolates, through the same allow-list and exporter */
  exportWorkflowSpans(spans: WorkflowSpanData[]): void;
  forceFlush(): Promise<void>;
  /** flushes, then unregisters the globals so a later start (a test) can register again */
  shutdown(): Promise<void>;
}

const OFF: Telemetry = { enabled: false, exportWorkflowSpans: () => undefined, forceFlush: async () => undefined, shutdown: async () => undefined };

/**
 * Registers the tracer provider that the services' `@opentelemetry/api` calls reach: W3C trace
 * context only, AsyncLocalStorage context, and every span through the attribute allow-list.
 * @param spanExporter tests: export here (synchronously, unbatched) whatever `opts.exporter` says
 */
export function startTelemetry(opts: TelemetryOptions, spanExporter?: SpanExporter): Telemetry {
  const exporter = spanExporter ?? createExporter(opts);
  if (!exporter) return OFF;
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: opts.serviceName });
  const inner: SpanProcessor = spanExporter ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter);
  const processor = new AllowListSpanProcessor(inner);
  const provider = new NodeTracerProvider({
    resource,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(opts.sampleRatio ?? 1) }),
    spanProcessors: [processor],
  });
  // contextManager left to the default: AsyncLocalStorage
  provider.register({ propagator: new TraceContextOnlyPropagator() });
  return {
    enabled: true,
    exportWorkflowSpans: (spans) => {
      for (const s of spans) processor.onEnd(readableWorkflowSpan(s, resource));
    },
    forceFlush: () => provider.forceFlush(),
    shutdown: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
