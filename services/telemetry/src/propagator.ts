import { createTraceState, isSpanContextValid, trace, TraceFlags, type Context, type TextMapGetter, type TextMapPropagator, type TextMapSetter } from '@opentelemetry/api';

const TRACEPARENT = 'traceparent';
const TRACESTATE = 'tracestate';
const FORMAT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * W3C trace context, and only that. The SDK's default also propagates W3C baggage, which a caller
 * can fill with anything (an email address) and which would then travel on into Kafka headers and
 * Temporal workflow headers (kept in history): Custodian neither reads nor forwards baggage.
 */
export class TraceContextOnlyPropagator implements TextMapPropagator {
  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    const sc = trace.getSpanContext(context);
    if (!sc || !isSpanContextValid(sc)) return;
    setter.set(carrier, TRACEPARENT, `00-${sc.traceId}-${sc.spanId}-0${Number(sc.traceFlags & TraceFlags.SAMPLED)}`);
    const state = sc.traceState?.serialize();
    if (state) setter.set(carrier, TRACESTATE, state);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const raw = first(getter.get(carrier, TRACEPARENT));
    const m = raw ? FORMAT.exec(raw.trim()) : null;
    // version ff is forbidden; version 00 has exactly four fields
    if (!m || m[1] === 'ff' || (m[1] === '00' && m[5] !== undefined)) return context;
    const state = first(getter.get(carrier, TRACESTATE));
    const sc = { traceId: m[2]!, spanId: m[3]!, traceFlags: parseInt(m[4]!, 16) & TraceFlags.SAMPLED, isRemote: true, ...(state ? { traceState: createTraceState(state) } : {}) };
    return isSpanContextValid(sc) ? trace.setSpanContext(context, sc) : context;
  }

  fields(): string[] {
    return [TRACEPARENT, TRACESTATE];
  }
}

function first(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}
