import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { filterAttributes } from './allow-list';

/**
 * Hands the exporting processor a copy of each finished span that holds only allowed attributes
 * (on the span, its events and its links). The status keeps its code and loses its message:
 * messages are error texts (the Temporal interceptors copy `err.message`), which may quote data.
 */
export function redactSpan(span: ReadableSpan): ReadableSpan {
  const attrs = filterAttributes(span.attributes);
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanContext ? { parentSpanContext: span.parentSpanContext } : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    status: { code: span.status.code },
    attributes: attrs.kept,
    links: span.links.map((l) => ({ context: l.context, attributes: filterAttributes(l.attributes).kept })),
    // exception events carry messages and stack traces: only their names and allowed attributes stay
    events: span.events.map((e) => ({ name: e.name, time: e.time, attributes: filterAttributes(e.attributes).kept, droppedAttributesCount: 0 })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount + attrs.dropped,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
  };
}

export class AllowListSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}
  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }
  onEnd(span: ReadableSpan): void {
    this.next.onEnd(redactSpan(span));
  }
  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
