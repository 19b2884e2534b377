import { z } from 'zod';
import { CouncilId, DataCategory, ExternalRef, Timestamp } from './common';
import { EVENT_TYPES, PAYLOADS, type EventType } from './payloads';

/** Identifiers of the data subject. Resolved at ingest to a pseudonymous subject reference. */
export const IDENTIFIER_KINDS = ['email', 'phone', 'name', 'date-of-birth', 'postcode', 'crm-customer-id', 'chat-session'] as const;
export const SubjectIdentifier = z.strictObject({
  kind: z.enum(IDENTIFIER_KINDS),
  value: z.string().min(1).max(254),
});
export type SubjectIdentifier = z.infer<typeof SubjectIdentifier>;

/** Where a copy of the record's data lives: a store declared in the controller's policy pack, and its locator there. */
export const DataLocation = z.strictObject({
  store: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a store id declared in the policy pack'),
  locator: z.string().min(1).max(1024),
});
export type DataLocation = z.infer<typeof DataLocation>;

export const TraceContext = z.strictObject({
  traceparent: z.string().regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, 'must be a W3C traceparent'),
  tracestate: z.string().max(512).optional(),
});

/** Which categories each event type may carry. */
export const CATEGORIES_BY_TYPE: Record<EventType, readonly DataCategory[]> = {
  'contact.received': ['enquiry'],
  'contact.updated': ['enquiry'],
  'contact.closed': ['enquiry'],
  'call.recorded': ['call-recording'],
  'webchat.recorded': ['webchat-recording'],
  'complaint.opened': ['complaint'],
  'complaint.updated': ['complaint'],
  'complaint.closed': ['complaint'],
  'complaint.escalated': ['complaint'],
  'payment.taken': ['payment'],
  'payment.refunded': ['payment'],
  'visitor.signed-in': ['visitor-log'],
  'crm.profile.registered': ['crm-profile'],
  'crm.profile.updated': ['crm-profile'],
  'crm.profile.closed': ['crm-profile'],
  'equalities.monitoring-submitted': ['equalities-monitoring'],
};

const envelopeFields = {
  /** Unique per event; the idempotency key. */
  eventId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{7,127}$/, 'must be 8–128 characters of letters, digits and . _ : -'),
  version: z.literal(1, { message: 'must be 1 (the only version of this event type)' }),
  source: z.strictObject({ system: z.string().min(1).max(100), instance: z.string().max(100).optional() }),
  controller: CouncilId,
  occurredAt: Timestamp,
  subject: z.strictObject({ identifiers: z.array(SubjectIdentifier).min(1).max(12) }),
  category: DataCategory,
  locations: z.array(DataLocation).max(20).default([]),
  trace: TraceContext.optional(),
};

function envelopeFor<T extends EventType>(type: T) {
  return z.strictObject({ ...envelopeFields, type: z.literal(type), payload: PAYLOADS[type] });
}

const variants = EVENT_TYPES.map((t) => envelopeFor(t)) as unknown as [
  ReturnType<typeof envelopeFor<EventType>>,
  ...ReturnType<typeof envelopeFor<EventType>>[],
];

export const EventEnvelope = z
  .discriminatedUnion('type', variants, { error: () => `must be one of: ${EVENT_TYPES.join(', ')}` })
  .superRefine((e, ctx) => {
    const allowed = CATEGORIES_BY_TYPE[e.type];
    if (!allowed.includes(e.category)) {
      ctx.addIssue({ code: 'custom', path: ['category'], message: `"${e.category}" cannot be carried by ${e.type}; expected ${allowed.join(' or ')}` });
    }
  });

type EnvelopeOf<T extends EventType> = z.infer<ReturnType<typeof envelopeFor<T>>>;
export type EventEnvelope = { [T in EventType]: EnvelopeOf<T> }[EventType];
export type EventEnvelopeInput = z.input<typeof EventEnvelope>;

/** A field-level reason for rejecting an event. */
export interface FieldError {
  path: string;
  message: string;
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({
    path: i.path.length ? i.path.map((p, n) => (typeof p === 'number' ? `[${p}]` : n === 0 ? String(p) : `.${String(p)}`)).join('') : '(event)',
    // "expected string, received undefined" is how zod says a field is missing: say so plainly
    message: i.code === 'invalid_type' && /received undefined$/.test(i.message) ? `is required (${i.expected})` : i.message,
  }));
}

/**
 * Lifecycle facts: the non-personal part of an event the lifecycle brain reasons on. They travel in
 * clear (log, topics, registry) while the payload and identifiers travel sealed.
 */
export interface LifecycleFacts {
  /** the council system's reference of the thing the event is about (one record per controller+category+key) */
  recordKey: string;
  transition: 'open' | 'update' | 'close' | 'reopen' | 'escalate';
  team?: string;
  callCentreLocation?: string;
  pauses?: number;
  paymentPauses?: number;
  /** the council case a recording belongs to: a hold on that case covers the recording too */
  linkedCaseRef?: string;
}

export function lifecycleFacts(e: EventEnvelope): LifecycleFacts {
  switch (e.type) {
    case 'contact.received':
      return { recordKey: e.payload.caseRef, transition: 'open' };
    case 'contact.updated':
      return { recordKey: e.payload.caseRef, transition: 'update' };
    case 'contact.closed':
      return { recordKey: e.payload.caseRef, transition: 'close' };
    case 'call.recorded':
    case 'webchat.recorded': {
      const p = e.payload;
      return {
        recordKey: 'recordingId' in p ? p.recordingId : p.chatId,
        transition: 'open',
        team: p.team,
        callCentreLocation: p.callCentreLocation,
        pauses: p.pauses.length,
        paymentPauses: p.pauses.filter((x) => x.reason === 'payment').length,
        ...(p.linkedCaseRef ? { linkedCaseRef: p.linkedCaseRef } : {}),
      };
    }
    case 'complaint.opened':
      return { recordKey: e.payload.complaintRef, transition: 'open' };
    case 'complaint.updated':
      return { recordKey: e.payload.complaintRef, transition: e.payload.reopened ? 'reopen' : 'update' };
    case 'complaint.closed':
      return { recordKey: e.payload.complaintRef, transition: 'close' };
    case 'complaint.escalated':
      return { recordKey: e.payload.complaintRef, transition: 'escalate' };
    case 'payment.taken':
      return { recordKey: e.payload.paymentRef, transition: 'open' };
    case 'payment.refunded':
      return { recordKey: e.payload.paymentRef, transition: 'update' };
    case 'visitor.signed-in':
      return { recordKey: e.payload.visitId, transition: 'open' };
    case 'crm.profile.registered':
      return { recordKey: e.payload.customerRef, transition: 'open' };
    case 'crm.profile.updated':
      return { recordKey: e.payload.customerRef, transition: 'update' };
    case 'crm.profile.closed':
      return { recordKey: e.payload.customerRef, transition: 'close' };
    case 'equalities.monitoring-submitted':
      return { recordKey: e.payload.responseId, transition: 'open' };
  }
}

export { ExternalRef };
