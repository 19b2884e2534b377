import { createTraceState, type Attributes, type HrTime, type Link, type SpanContext, type SpanKind, type SpanStatus } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';

/**
 * A span made inside a Temporal workflow isolate, as @temporalio/interceptors-opentelemetry sends
 * it out through its `exporter` sink (the SDK 1.x shape: `parentSpanId`, `instrumentationLibrary`).
 */
export interface WorkflowSpanData {
  name: string;
  kind: SpanKind;
  spanContext: Omit<SpanContext, 'traceState'> & { traceState?: string | undefined };
  parentSpanId?: string | undefined;
  startTime: HrTime;
  endTime: HrTime;
  status: SpanStatus;
  attributes: Attributes;
  links: Link[];
  events: TimedEvent[];
  duration: HrTime;
  ended: boolean;
  droppedAttributesCount: number;
  droppedEventsCount: number;
  droppedLinksCount: number;
  instrumentationLibrary?: { name: string; version?: string | undefined } | undefined;
}

/** the SDK 2.x ReadableSpan for a workflow span, so it goes through the same allow-list and exporter */
export function readableWorkflowSpan(s: WorkflowSpanData, resource: Resource): ReadableSpan {
  const { traceState, ...rest } = s.spanContext;
  const sc: SpanContext = { ...rest, ...(traceState ? { traceState: createTraceState(traceState) } : {}) };
  return {
    name: s.name,
    kind: s.kind,
    spanContext: () => sc,
    ...(s.parentSpanId ? { parentSpanContext: { traceId: sc.traceId, spanId: s.parentSpanId, traceFlags: sc.traceFlags } } : {}),
    startTime: s.startTime,
    endTime: s.endTime,
    status: s.status,
    attributes: s.attributes,
    links: s.links,
    events: s.events,
    duration: s.duration,
    ended: s.ended,
    resource,
    instrumentationScope: { name: s.instrumentationLibrary?.name ?? '@temporalio/interceptors-opentelemetry', ...(s.instrumentationLibrary?.version ? { version: s.instrumentationLibrary.version } : {}) },
    droppedAttributesCount: s.droppedAttributesCount,
    droppedEventsCount: s.droppedEventsCount,
    droppedLinksCount: s.droppedLinksCount,
  };
}
