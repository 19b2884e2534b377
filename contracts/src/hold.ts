import { z } from 'zod';
import { CouncilId, DataCategory, ExternalRef, IsoDuration, Timestamp } from './common';

/**
 * Why a legal hold keeps data past its retention: the seeds keep recordings and case data while a
 * complaint is investigated, for crime or fraud (and staff protection: abusive callers), for legal
 * claims and the Ombudsman, and nothing covered by an open subject access request may be purged.
 */
export const HOLD_REASONS = ['complaint-investigation', 'crime-or-fraud', 'staff-protection', 'legal-claim', 'ombudsman', 'subject-access-request', 'restriction', 'objection', 'operational-pause'] as const;
export const HoldReason = z.enum(HOLD_REASONS);
export type HoldReason = z.infer<typeof HoldReason>;

export const HOLD_REASON_NAMES: Record<HoldReason, string> = {
  'complaint-investigation': 'complaint investigation',
  'crime-or-fraud': 'prevention or detection of crime or fraud',
  'staff-protection': 'staff protection',
  'legal-claim': 'legal claim',
  ombudsman: 'Ombudsman investigation',
  'subject-access-request': 'open subject access request',
  // the person's own requests: storage only while they stand (Art 18; Art 21 while the objection is assessed)
  restriction: 'processing restricted at the person\'s request (Art 18)',
  objection: 'objection being assessed (Art 18(1)(d), Art 21)',
  // operations pause scheduled deletions (an incident, a store migration): a pause delays, it never refuses an erasure
  'operational-pause': 'deletions paused by operations',
};

/** the one reason an operator may place or lift a hold for; every other reason is the DPO's */
export const OPERATIONS_REASON: HoldReason = 'operational-pause';

const SubjectRef = z.string().regex(/^subj_[A-Za-z0-9_-]{8,64}$/, 'must be a pseudonymous subject reference (subj_…)');
const RecordId = z.string().regex(/^rec_[A-Za-z0-9_-]{8,64}$/, 'must be a record id (rec_…)');

/**
 * What a hold covers. Identifiers are pseudonymous or council references, never a person's name
 * or number: a hold is audited and shown to operators.
 */
export const HoldScope = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('record'), recordId: RecordId }),
  z.strictObject({ kind: z.literal('subject'), subjectRef: SubjectRef }),
  /** a council case (complaint, enquiry, …): the record with that reference and every recording linked to it */
  z.strictObject({ kind: z.literal('case'), caseRef: ExternalRef }),
  /** every record of one category that began in [from, to) */
  z
    .strictObject({ kind: z.literal('category'), category: DataCategory, from: Timestamp, to: Timestamp })
    .refine((s) => Date.parse(s.from) < Date.parse(s.to), { message: 'must end after it starts', path: ['to'] }),
]);
export type HoldScope = z.infer<typeof HoldScope>;

export const PlaceHoldRequest = z.strictObject({
  controller: CouncilId,
  scope: HoldScope,
  reason: HoldReason,
  /** the council's own reference for why (complaint number, police crime reference): not personal data */
  reference: ExternalRef.optional(),
  /** how often the hold must be reviewed; the seeds promise regular review */
  reviewEvery: IsoDuration,
});
export type PlaceHoldRequest = z.infer<typeof PlaceHoldRequest>;

export const ReviewHoldRequest = z.strictObject({
  /** keep: the hold is still needed, next review in `reviewEvery`; release: no longer needed */
  decision: z.enum(['keep', 'release']),
  /** what the reviewer considered, in words that name no one */
  note: z.string().min(3).max(500),
});
export type ReviewHoldRequest = z.infer<typeof ReviewHoldRequest>;
