import { z } from 'zod';
import type { StoredEvent } from '@custodian/core';

/**
 * The wire form of an accepted event. Key: the subject's pseudonymous ref (a subject's events stay
 * ordered). Headers carry only pseudonymous or non-personal values: schema, record id (a keyed
 * hash), council id and the W3C trace context. The value is the stored event: lifecycle facts in
 * clear, identifiers and payload sealed under the subject's data key.
 */
export const HEADER = {
  schema: 'custodian-schema',
  record: 'custodian-record',
  controller: 'custodian-controller',
  traceparent: 'traceparent',
  tracestate: 'tracestate',
  originTopic: 'custodian-origin-topic',
  originPartition: 'custodian-origin-partition',
  originOffset: 'custodian-origin-offset',
  error: 'custodian-error',
  attempts: 'custodian-attempts',
} as const;

export const SCHEMA_HEADER_VALUE = 'stored-event/1';

export interface WireMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

const sealed = z.strictObject({ v: z.literal(1), kid: z.string().min(1), iv: z.string(), tag: z.string(), ct: z.string() });
const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'is not a date-time');
const WireEvent = z.looseObject({
  eventId: z.string().min(1),
  type: z.string().min(1),
  version: z.number().int(),
  source: z.looseObject({ system: z.string() }),
  controller: z.string().min(1),
  category: z.string().min(1),
  occurredAt: iso,
  receivedAt: iso,
  subjectRef: z.string().min(1),
  recordId: z.string().min(1),
  facts: z.looseObject({ recordKey: z.string().min(1) }),
  locations: z.array(z.looseObject({ store: z.string(), locator: z.string() })),
  cardData: z.array(z.unknown()),
  policyVersion: z.string().min(1),
  sealed: sealed.nullable(),
});

export function encodeEvent(e: StoredEvent): WireMessage {
  const { offset: _offset, ...rest } = e;
  const headers: Record<string, string> = { [HEADER.schema]: SCHEMA_HEADER_VALUE, [HEADER.record]: e.recordId, [HEADER.controller]: e.controller };
  if (e.trace) {
    headers[HEADER.traceparent] = e.trace.traceparent;
    if (e.trace.tracestate) headers[HEADER.tracestate] = e.trace.tracestate;
  }
  return { key: e.subjectRef, value: JSON.stringify(rest), headers };
}

export class UndecodableMessage extends Error {
  override readonly name = 'UndecodableMessage';
}

/** Never echoes the value: a message that fails here may hold anything, personal data included. */
export function decodeEvent(value: Buffer | null, headers: Record<string, unknown> | undefined, offset: number): StoredEvent {
  const schema = headerString(headers?.[HEADER.schema]);
  if (schema !== SCHEMA_HEADER_VALUE) throw new UndecodableMessage(`header ${HEADER.schema} is ${schema === undefined ? 'missing' : `"${schema.slice(0, 40)}"`}, expected "${SCHEMA_HEADER_VALUE}"`);
  if (!value) throw new UndecodableMessage('the message has no value (a tombstone)');
  let raw: unknown;
  try {
    raw = JSON.parse(value.toString('utf8'));
  } catch {
    throw new UndecodableMessage('the value is not JSON');
  }
  const parsed = WireEvent.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new UndecodableMessage(`the value is not a stored event: ${where.join('; ')}`);
  }
  return { ...(parsed.data as unknown as StoredEvent), offset };
}

export function headerString(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return headerString(v[0]);
  return undefined;
}

/** a message the consumer could not take, as it goes to the dead-letter topic: the original bytes, where it came from, and why */
export interface DeadLetterOut {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  error: string;
  attempts: number;
}

export function deadLetterMessage(d: DeadLetterOut): { key: Buffer | null; value: Buffer | null; headers: Record<string, string> } {
  return {
    key: d.key,
    value: d.value,
    headers: {
      [HEADER.originTopic]: d.topic,
      [HEADER.originPartition]: String(d.partition),
      [HEADER.originOffset]: d.offset,
      [HEADER.error]: d.error,
      [HEADER.attempts]: String(d.attempts),
    },
  };
}
