/**
 * Spans through `@opentelemetry/api` only: with no provider registered (exporter `none`, the
 * default) every call here is a no-op. Attribute names are the ones on the telemetry package's
 * allow-list; values are pseudonymous or non-personal (council ids, types, stores, counts).
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link, type Span } from '@opentelemetry/api';
import type { StoredEvent } from './ports';

export const TRACER_NAME = '@custodian/core';
const tracer = () => trace.getTracer(TRACER_NAME);

export type TraceContext = { traceparent: string; tracestate?: string | undefined };

/** a batch of 10,000 events need not carry 10,000 links: the first distinct ones are enough to follow */
export const MAX_LINKS = 32;

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** default: the active context */
  parent?: Context;
}

/**
 * Runs `fn` in a new active span. A failure marks the span with the error's class only: messages
 * (a connector's, a store's) may quote data, and are never recorded.
 */
export function inSpan<T>(name: string, opts: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = opts.parent ?? context.active();
  return tracer().startActiveSpan(name, { kind: opts.kind ?? SpanKind.INTERNAL, attributes: opts.attributes ?? {}, links: opts.links ?? [] }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute('error.type', e instanceof Error ? e.name : 'unknown');
      throw e;
    } finally {
      span.end();
    }
  });
}

/** the active context as W3C trace context, when a valid span is active and a propagator is registered */
export function currentTraceContext(ctx: Context = context.active()): TraceContext | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  if (!carrier.traceparent) return undefined;
  return carrier.tracestate ? { traceparent: carrier.traceparent, tracestate: carrier.tracestate } : { traceparent: carrier.traceparent };
}

/** the span context a W3C trace context (an event's, a message's) names, as a parent context */
export function contextFromTrace(t: TraceContext | undefined | null): Context | undefined {
  if (!t?.traceparent) return undefined;
  const ctx = propagation.extract(ROOT_CONTEXT, t);
  return trace.getSpanContext(ctx) ? ctx : undefined;
}

/** reads `trace` off a raw, not yet validated event */
export function rawTrace(raw: unknown): TraceContext | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const t = (raw as { trace?: unknown }).trace;
  if (!t || typeof t !== 'object') return undefined;
  const { traceparent, tracestate } = t as Record<string, unknown>;
  if (typeof traceparent !== 'string' || traceparent.length > 64) return undefined;
  return typeof tracestate === 'string' && tracestate.length <= 512 ? { traceparent, tracestate } : { traceparent };
}

/**
 * Where a span over a batch of messages belongs: links to each distinct message context and, when
 * they all continue one trace (one request's events, the usual case) and nothing is active, that
 * trace as the parent. Messages from several traces get a new trace of their own, linked to each.
 */
export function batchPlacement(traces: Array<TraceContext | undefined | null>): { parent: Context; links: Link[] } {
  const links: Link[] = [];
  const seen = new Set<string>();
  const traceIds = new Set<string>();
  let first: Context | undefined;
  for (const t of traces) {
    if (!t || seen.has(t.traceparent)) continue;
    seen.add(t.traceparent);
    const ctx = contextFromTrace(t);
    const sc = ctx && trace.getSpanContext(ctx);
    if (!ctx || !sc) continue;
    first ??= ctx;
    traceIds.add(sc.traceId);
    if (links.length < MAX_LINKS) links.push({ context: sc });
  }
  const active = context.active();
  if (trace.getSpanContext(active)) return { parent: active, links };
  return { parent: first && traceIds.size === 1 ? first : ROOT_CONTEXT, links };
}

/**
 * Publishes `events` inside a producer span and stamps each with that span's context, replacing the
 * context the council system sent (already a link of the ingest span): consumers continue this
 * trace from the message headers (Kafka) or the stored event (the embedded log). With tracing off
 * the events go as they came.
 */
export function publishing<T>(attributes: Attributes, name: string, events: StoredEvent[], send: (stamped: StoredEvent[]) => Promise<T>): Promise<T> {
  return inSpan(name, { kind: SpanKind.PRODUCER, attributes: { 'messaging.operation.type': 'send', 'messaging.batch.message_count': events.length, ...attributes } }, async () => {
    const here = currentTraceContext();
    return send(here ? events.map((e) => ({ ...e, trace: here })) : events);
  });
}

/** handles a batch of consumed events inside a consumer span placed by `batchPlacement` */
export function consuming<T>(attributes: Attributes, name: string, events: StoredEvent[], handle: () => Promise<T>): Promise<T> {
  const { parent, links } = batchPlacement(events.map((e) => e.trace));
  return inSpan(name, { kind: SpanKind.CONSUMER, parent, links, attributes: { 'messaging.operation.type': 'process', 'messaging.batch.message_count': events.length, ...attributes } }, handle);
}

/** the one value all of `values` share, for a batch attribute (a council id), else undefined */
export function sole<T>(values: Iterable<T>): T | undefined {
  let only: T | undefined;
  let n = 0;
  for (const v of values) {
    if (n === 0) only = v;
    else if (v !== only) return undefined;
    n++;
  }
  return only;
}

/**
 * Wraps every method of an adapter in a client span named `<system> <adapter>.<method>` (one span
 * per call, nothing of its arguments): the MongoDB stores use it. Calls the adapter makes to itself
 * go to the unwrapped object and make no span of their own.
 */
export function tracedAdapter<T extends object>(target: T, system: string, adapter: string): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(t, prop, receiver) {
      const v = Reflect.get(t, prop, receiver);
      if (typeof v !== 'function' || typeof prop !== 'string' || prop === 'constructor') return v;
      let w = wrapped.get(prop);
      if (!w) {
        const fn = v as (...a: unknown[]) => unknown;
        const name = `${system} ${adapter}.${prop}`;
        const attributes = { 'db.system.name': system, 'db.operation.name': `${adapter}.${prop}` };
        w = (...args: unknown[]) =>
          tracer().startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, (span) => {
            const fail = (e: unknown) => {
              span.setStatus({ code: SpanStatusCode.ERROR });
              span.setAttribute('error.type', e instanceof Error ? e.name : 'unknown');
              span.end();
              throw e;
            };
            let out: unknown;
            try {
              out = fn.apply(t, args);
            } catch (e) {
              fail(e);
            }
            if (!(out instanceof Promise)) {
              span.end();
              return out;
            }
            return out.then((r) => {
              span.end();
              return r;
            }, fail);
          });
        wrapped.set(prop, w);
      }
      return w;
    },
  });
}
