import { z } from 'zod';
import { ExternalRef, IsoDate, Timestamp } from './common';

/*
 * Payloads are strict: an unknown field is an error, so a council system cannot slip extra
 * personal data (or a card number field) past the contract without the contract changing.
 */

const Text = (max: number) => z.string().max(max);
const Phone = z.string().regex(/^\+?[0-9 ()-]{6,20}$/, 'must be a telephone number');
const Email = z.email({ message: 'must be an email address' }).max(254);

export const Address = z.strictObject({
  lines: z.array(Text(200)).min(1).max(6),
  postcode: z.string().regex(/^[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}$/, 'must be a UK postcode').optional(),
});

export const ContactDetails = z.strictObject({
  name: Text(200).optional(),
  email: Email.optional(),
  phone: Phone.optional(),
  address: Address.optional(),
  dateOfBirth: IsoDate.optional(),
});

export const Channel = z.enum(['phone', 'email', 'web-form', 'webchat', 'face-to-face', 'letter', 'social-media']);

/** Pauses in a recording: the seeds require recording to stop during payments and on transfer. */
export const RecordingPause = z.strictObject({
  reason: z.enum(['payment', 'transfer', 'agent']),
  fromSecond: z.number().int().nonnegative(),
  toSecond: z.number().int().nonnegative().optional(),
});

export const ContactReceived = z.strictObject({
  caseRef: ExternalRef,
  channel: Channel,
  service: Text(120).optional(),
  summary: Text(10_000).optional(),
  contact: ContactDetails.optional(),
});
export const ContactUpdated = z.strictObject({
  caseRef: ExternalRef,
  summary: Text(10_000).optional(),
  contact: ContactDetails.optional(),
});
export const ContactClosed = z.strictObject({
  caseRef: ExternalRef,
  outcome: Text(2_000).optional(),
});

const RecordingBase = {
  team: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be a team id, e.g. "customer-services"'),
  callCentreLocation: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be a call-centre location id, e.g. "castle-house"'),
  startedAt: Timestamp,
  durationSeconds: z.number().int().nonnegative().max(86_400),
  pauses: z.array(RecordingPause).max(100).default([]),
  linkedCaseRef: ExternalRef.optional(),
};
export const CallRecorded = z.strictObject({
  recordingId: ExternalRef,
  direction: z.enum(['inbound', 'outbound']),
  callerNumber: Phone.optional(),
  /** the call was transferred away from a recorded team: recording stops there */
  transferredAway: z.boolean().default(false),
  ...RecordingBase,
});
export const WebchatRecorded = z.strictObject({
  chatId: ExternalRef,
  provider: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a provider id, e.g. "click4assistance"'),
  transcriptExcerpt: Text(20_000).optional(),
  ...RecordingBase,
});

export const ComplaintOpened = z.strictObject({
  complaintRef: ExternalRef,
  kind: z.enum(['complaint', 'comment', 'compliment']).default('complaint'),
  service: Text(120),
  stage: z.number().int().min(1).max(3).default(1),
  summary: Text(20_000).optional(),
  contact: ContactDetails.optional(),
});
export const ComplaintUpdated = z.strictObject({
  complaintRef: ExternalRef,
  stage: z.number().int().min(1).max(3).optional(),
  note: Text(20_000).optional(),
  /** a closed complaint re-opened (e.g. after a late response): the retention clock stops again */
  reopened: z.boolean().optional(),
});
export const ComplaintClosed = z.strictObject({
  complaintRef: ExternalRef,
  outcome: z.enum(['upheld', 'partly-upheld', 'not-upheld', 'resolved', 'withdrawn']),
  note: Text(20_000).optional(),
});
export const ComplaintEscalated = z.strictObject({
  complaintRef: ExternalRef,
  to: z.enum(['local-government-and-social-care-ombudsman', 'housing-ombudsman']),
  ombudsmanRef: ExternalRef.optional(),
});

/** Card data is never accepted: only a processor token and the last four digits may be sent. */
export const CardReference = z.strictObject({
  token: z.string().regex(/^[A-Za-z0-9_-]{8,128}$/, 'must be a payment processor token').optional(),
  last4: z.string().regex(/^[0-9]{4}$/, 'must be exactly the last four digits').optional(),
  scheme: z.enum(['visa', 'mastercard', 'amex', 'maestro', 'other']).optional(),
});
export const PaymentTaken = z.strictObject({
  paymentRef: ExternalRef,
  amountPence: z.number().int().positive(),
  currency: z.literal('GBP').default('GBP'),
  service: Text(120),
  channel: Channel,
  reference: Text(500).optional(),
  card: CardReference.optional(),
  payer: ContactDetails.optional(),
});
export const PaymentRefunded = z.strictObject({
  paymentRef: ExternalRef,
  refundRef: ExternalRef,
  amountPence: z.number().int().positive(),
  reason: Text(2_000).optional(),
});

export const VisitorSignedIn = z.strictObject({
  visitId: ExternalRef,
  site: Text(120),
  visitorName: Text(200).optional(),
  company: Text(200).optional(),
  hostName: Text(200).optional(),
  vehicleRegistration: Text(16).optional(),
  signedOutAt: Timestamp.optional(),
});

export const CrmProfileRegistered = z.strictObject({
  customerRef: ExternalRef,
  profile: ContactDetails,
  channel: Channel.optional(),
});
export const CrmProfileUpdated = z.strictObject({
  customerRef: ExternalRef,
  profile: ContactDetails,
});
export const CrmProfileClosed = z.strictObject({
  customerRef: ExternalRef,
  reason: z.enum(['customer-request', 'inactive', 'deceased', 'duplicate', 'other']),
});

/**
 * Equalities monitoring is processed separately from case handling (Derby notice; DPA 2018
 * Sch 1 para 8): the payload deliberately has no case, complaint or customer reference.
 */
export const EqualitiesMonitoringSubmitted = z.strictObject({
  responseId: ExternalRef,
  service: Text(120).optional(),
  answers: z.record(z.string().regex(/^[a-z][a-z0-9-]{0,62}$/), Text(200)),
});

export const PAYLOADS = {
  'contact.received': ContactReceived,
  'contact.updated': ContactUpdated,
  'contact.closed': ContactClosed,
  'call.recorded': CallRecorded,
  'webchat.recorded': WebchatRecorded,
  'complaint.opened': ComplaintOpened,
  'complaint.updated': ComplaintUpdated,
  'complaint.closed': ComplaintClosed,
  'complaint.escalated': ComplaintEscalated,
  'payment.taken': PaymentTaken,
  'payment.refunded': PaymentRefunded,
  'visitor.signed-in': VisitorSignedIn,
  'crm.profile.registered': CrmProfileRegistered,
  'crm.profile.updated': CrmProfileUpdated,
  'crm.profile.closed': CrmProfileClosed,
  'equalities.monitoring-submitted': EqualitiesMonitoringSubmitted,
} as const;

export type EventType = keyof typeof PAYLOADS;
export const EVENT_TYPES = Object.keys(PAYLOADS) as EventType[];
export type Payload<T extends EventType> = z.infer<(typeof PAYLOADS)[T]>;

/**
 * Fields that name someone other than the data subject (a member of staff the visitor came to see):
 * a subject access export withholds them (UK GDPR Art 15(4); DPA 2018 Sch 2 para 16).
 */
export const THIRD_PARTY_FIELDS: Partial<Record<EventType, readonly string[]>> = {
  'visitor.signed-in': ['hostName'],
};

/** free text that may mention other people: exported, and listed for the DPO to review before release */
export const FREE_TEXT_FIELDS: Partial<Record<EventType, readonly string[]>> = {
  'contact.received': ['summary'],
  'contact.updated': ['summary'],
  'contact.closed': ['outcome'],
  'webchat.recorded': ['transcriptExcerpt'],
  'complaint.opened': ['summary'],
  'complaint.updated': ['note'],
  'complaint.closed': ['note'],
  'payment.taken': ['reference'],
  'payment.refunded': ['reason'],
};
