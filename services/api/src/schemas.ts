/**
 * The HTTP API's request and response shapes as zod schemas: they validate requests, serialize
 * responses (zod strips any key not declared here, so nothing reaches a client by accident) and
 * generate the OpenAPI document.
 *
 * Response schemas mirror types owned by @custodian/core and @custodian/workflows. The `Same<>`
 * checks at the bottom turn any drift between the two into a compile error, so a field added to
 * RecordState cannot silently vanish from the API (or a field removed make every response a 500).
 */
import { Correction, CouncilId, DataCategory, EventEnvelope, HoldReason, HoldScope, IsoDuration, LawfulBasis, PlaceHoldRequest, RETENTION_TRIGGERS, ReviewHoldRequest, SubjectIdentifier } from '@custodian/contracts';
import type { AuditEntry, AuditVerification, DeadLetterView, DeletionTask, HoldView, IngestResult, LiftOutcome, RecordView, ReplayReport, RequestView, RetryOutcome, SweepReport } from '@custodian/core';
import { RIGHTS } from '@custodian/workflows';
import type { Explanation, RecordState } from '@custodian/workflows';
import { z } from 'zod';

/**
 * A registry of our own rather than zod's global one: registering contracts' EventEnvelope
 * globally would throw the day another module registers it under the same id, and descriptions
 * here are API documentation, not properties of the contract.
 */
export const apiRegistry = z.registry<{ id?: string; description?: string }>();

function component<T extends z.ZodType>(id: string, schema: T, description: string): T {
  apiRegistry.add(schema, { id, description });
  return schema;
}
function described<T extends z.ZodType>(schema: T, description: string): T {
  apiRegistry.add(schema, { description });
  return schema;
}

const iso = () => z.string();
const isoOrNull = () => z.string().nullable();

// ---------------------------------------------------------------- shared pieces

export const FieldErrorSchema = z.object({ path: z.string(), message: z.string() });
const PanFindingSchema = z.object({ path: z.string(), action: z.literal('truncated') });

export const ErrorBody = component(
  'Error',
  z.object({
    error: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
  'Every error: a stable `error` keyword, a message a person can act on, and for invalid input the field paths in `details`.',
);

// ---------------------------------------------------------------- events

export { EventEnvelope };
component('EventEnvelope', EventEnvelope, 'An event published by a council system. Personal fields are sealed at ingest.');

/** Documents the body; the route validates only the batch size (see server.ts). */
export const IngestBodyDoc = z.union([EventEnvelope, z.array(EventEnvelope).max(10_000)]);
described(
  IngestBodyDoc,
  'One event or an array of up to 10,000. Each event is validated on its own: an invalid event does not fail the request; it is dead-lettered with its reasons and reported in its result.',
);

export const MAX_BATCH = 10_000;
/** What the route really enforces: anything at all (the platform dead-letters what is invalid), in batches it can take. */
export const IngestBody = z.unknown().superRefine((v, ctx) => {
  if (Array.isArray(v) && v.length > MAX_BATCH) {
    ctx.addIssue({ code: 'custom', message: `at most ${MAX_BATCH} events per request (got ${v.length}); split the batch` });
  }
});

export const IngestResultSchema = component(
  'IngestResult',
  z.discriminatedUnion('status', [
    z.object({
      index: z.number().int(),
      eventId: z.string(),
      status: z.literal('accepted'),
      subjectRef: z.string(),
      recordId: z.string(),
      cardData: z.array(PanFindingSchema),
    }),
    z.object({ index: z.number().int(), eventId: z.string().nullable(), status: z.literal('duplicate') }),
    z.object({
      index: z.number().int(),
      eventId: z.string().nullable(),
      status: z.literal('rejected'),
      deadLetterId: z.string(),
      reasons: z.array(FieldErrorSchema),
      cardData: z.array(PanFindingSchema),
    }),
  ]),
  'The outcome for one input event, at the same index as in the request.',
);

export const IngestResponse = component(
  'IngestResponse',
  z.object({
    results: z.array(IngestResultSchema),
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
  }),
  'One result per input event, in order, plus totals. Per-event results are the contract: a request whose events were all rejected still answers 200.',
);

// ---------------------------------------------------------------- records

const ReceiptSchema = z.object({
  store: z.string(),
  outcome: z.enum(['deleted', 'absent']),
  at: iso(),
  detail: z.string(),
  reference: z.string().optional(),
});
const LocationSchema = z.object({ store: z.string(), locator: z.string() });

export const RecordStateSchema = component(
  'RecordState',
  z.object({
    id: z.string(),
    controller: z.string(),
    category: DataCategory,
    subjectRef: z.string(),
    status: z.enum(['active', 'held', 'disposing', 'disposed']),
    lawfulBasis: LawfulBasis,
    policyVersion: z.string(),
    retention: z.object({ duration: z.string(), trigger: z.enum(RETENTION_TRIGGERS), action: z.enum(['delete']) }),
    lifecycle: z.object({
      firstAt: iso(),
      lastAt: iso(),
      open: z.boolean(),
      closedAt: isoOrNull(),
      escalatedAt: isoOrNull(),
      events: z.number().int(),
      reopenedAt: isoOrNull(),
    }),
    clockStartedAt: isoOrNull(),
    dueAt: isoOrNull(),
    dueReason: z.string(),
    locations: z.array(LocationSchema),
    caseRefs: described(z.array(z.string()).optional(), 'the council references the record answers to (its own, and the case a recording is linked to)'),
    heldBy: described(z.array(z.string()).optional(), 'while held: the holds that kept it when it fell due'),
    team: z.string().nullable(),
    callCentreLocation: z.string().nullable(),
    registeredAt: iso(),
    updatedAt: iso(),
    lastOffset: z.number().int(),
    disposal: z
      .object({
        startedAt: iso(),
        completedAt: isoOrNull(),
        receipts: z.array(ReceiptSchema),
        cause: described(
          z.discriminatedUnion('kind', [z.object({ kind: z.literal('retention') }), z.object({ kind: z.literal('erasure'), requestId: z.string(), article: z.string() })]).optional(),
          'why it was disposed: its retention ended, or a subject erasure request (with the article it was granted under)',
        ),
      })
      .nullable(),
  }),
  'A registered record. Non-personal: the subject is a pseudonymous reference.',
);

const ExplanationSchema = z.object({
  status: z.enum(['active', 'held', 'disposing', 'disposed']),
  due: z.boolean(),
  dueAt: isoOrNull(),
  rule: z.string(),
  policyVersion: z.string(),
  holds: z.array(z.object({ id: z.string(), reason: HoldReason, reference: z.string().nullable(), nextReviewAt: iso(), review: z.enum(['ok', 'due-soon', 'overdue', 'closed']) })),
  because: z.array(z.string()),
});

const DeletionTaskSchema = z.object({
  taskId: z.string(),
  recordId: z.string(),
  controller: z.string(),
  store: z.string(),
  locator: z.string(),
  status: z.enum(['pending', 'paused', 'done', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: iso(),
  lastError: z.string().nullable(),
  receipt: ReceiptSchema.nullable(),
});

export const RecordViewSchema = component(
  'RecordView',
  z.object({ record: RecordStateSchema, explanation: ExplanationSchema, tasks: z.array(DeletionTaskSchema) }),
  'A record, why it is (or is not) being deleted, and its deletion tasks.',
);

export const SubjectRecords = z.object({ subjectRef: z.string(), records: z.array(RecordStateSchema) });

export const IdParams = z.object({ id: described(z.string().min(1).max(256), 'the id, as the platform returned it') });
export const SubjectParams = z.object({ ref: described(z.string().min(1).max(256), 'pseudonymous subject reference') });

// ---------------------------------------------------------------- dead letters

export const DeadLetterViewSchema = component(
  'DeadLetter',
  z.object({
    id: z.string(),
    receivedAt: iso(),
    eventId: z.string().nullable(),
    type: z.string().nullable(),
    controller: z.string().nullable(),
    reasons: z.array(FieldErrorSchema),
    cardData: z.array(PanFindingSchema),
    status: z.enum(['open', 'reprocessed']),
    attempts: z.number().int(),
    resolvedAt: isoOrNull(),
    resolvedEventId: z.string().nullable(),
    original: described(z.unknown(), 'the event as received, card numbers truncated; may hold personal data'),
  }),
  'An event the platform could not accept, with its reasons and the original for an operator to correct.',
);

const limit = (dflt: number) => described(z.coerce.number().int().min(1).max(1000).default(dflt), `page size, 1–1000 (default ${dflt})`);

export const DlqQuery = z.object({
  status: z.enum(['open', 'reprocessed']).optional(),
  limit: limit(50),
  afterId: described(z.string().min(1).max(256).optional(), 'the last id of the previous page'),
});
export const DlqList = z.object({ deadLetters: z.array(DeadLetterViewSchema) });

/** Documents the body; validation of the corrected event is the platform's job, as on ingest. */
export const ReprocessBodyDoc = z.object({ event: EventEnvelope }).optional();
described(ReprocessBodyDoc, 'Optional. `event` is the corrected envelope; without it the original is re-ingested as it is.');
/** Fastify hands a missing body over as null. */
export const ReprocessBody = z.strictObject({ event: z.unknown() }).nullish();

export const ReprocessResponse = z.object({ result: IngestResultSchema });

// ---------------------------------------------------------------- audit

export const AuditEntrySchema = component(
  'AuditEntry',
  z.object({
    seq: z.number().int(),
    at: iso(),
    actor: z.string(),
    action: z.string(),
    target: z
      .object({ kind: z.enum(['record', 'subject', 'event', 'dead-letter', 'clock', 'system', 'task', 'hold']), id: z.string() })
      .optional(),
    reason: z.string(),
    policyVersion: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
    prevHash: z.string(),
    hash: z.string(),
  }),
  'One link of the tamper-evident audit chain: `hash` covers the entry and `prevHash`.',
);

export const AuditQuery = z.object({
  afterSeq: described(z.coerce.number().int().min(0).optional(), 'entries after this sequence number'),
  limit: limit(100),
  targetId: described(z.string().min(1).max(256).optional(), 'only entries about this record, subject, event or dead letter'),
});
export const AuditList = z.object({ entries: z.array(AuditEntrySchema) });

export const AuditVerificationSchema = component(
  'AuditVerification',
  z.object({
    ok: z.boolean(),
    entries: z.number().int(),
    headHash: z.string().nullable(),
    firstBad: z.object({ seq: z.number().int(), problem: z.string() }).optional(),
  }),
  'The result of re-computing every hash of the audit chain.',
);

// ---------------------------------------------------------------- clock and sweep

export const SweepReportSchema = component(
  'SweepReport',
  z.object({
    at: iso(),
    started: z.number().int(),
    disposed: z.number().int(),
    tasksRun: z.number().int(),
    tasksFailed: z.number().int(),
  }),
  'What one sweep of due records did.',
);

export const ClockView = z.object({ now: iso(), simulated: z.boolean() });

export const ProcessesQuery = z.object({
  kind: described(z.string().regex(/^[a-z-]{1,64}$/).optional(), 'only processes of this kind, e.g. retention-sweep'),
  limit: limit(20),
});
export const ProcessViewSchema = component(
  'ProcessView',
  z.object({
    id: z.string(),
    kind: z.string(),
    status: z.enum(['running', 'completed', 'failed', 'cancelled', 'terminated', 'timed-out', 'continued']),
    startedAt: iso(),
    closedAt: iso().nullable(),
    summary: z.record(z.string(), z.number()).optional(),
  }),
  'A process the platform runs or ran: a retention sweep (later erasures and subject requests). Ids and counts only.',
);
export const ProcessList = z.object({ processes: z.array(ProcessViewSchema) });

export const ReplayBody = z
  .strictObject({
    fromOffset: described(z.number().int().min(1).optional(), 'replay from this log offset (1 = the beginning)'),
    fromTime: described(z.iso.datetime({ offset: true }).optional(), 'replay from the first event appended at or after this time'),
  })
  .refine((b) => (b.fromOffset === undefined) !== (b.fromTime === undefined), { message: 'give exactly one of fromOffset or fromTime', path: ['fromOffset'] });

export const ReplayReportSchema = component(
  'ReplayReport',
  z.object({ fromOffset: z.number().int(), replayed: z.number().int(), head: z.number().int() }),
  'What a replay of the event log into the registry re-read.',
);

/** A simulated clock goes forward in calendar units; a hundred years is beyond any retention period. */
const MAX_ADVANCE_DAYS = 100 * 366;
export const AdvanceBody = z.strictObject({
  by: described(
    IsoDuration.refine((d) => {
      const n = (unit: string) => Number(new RegExp(`(\\d+)${unit}`).exec(d)?.[1] ?? 0);
      return n('Y') * 366 + n('M') * 31 + n('W') * 7 + n('D') <= MAX_ADVANCE_DAYS;
    }, 'must be at most 100 years'),
    'ISO 8601 duration, e.g. P40D or P7Y',
  ),
});
export const AdvanceResponse = z.object({ now: iso(), sweep: SweepReportSchema });

export const Health = z.object({ status: z.literal('ok') });
export const StatusPageQuery = z.object({
  token: described(z.string().optional(), 'a token, exchanged once for an HttpOnly cookie; the page then redirects to drop it from the URL'),
});

// ---------------------------------------------------------------- legal holds

component('PlaceHoldRequest', PlaceHoldRequest, 'A legal hold to place: on a record, a subject, a council case, or a category within a date range.');
component('ReviewHoldRequest', ReviewHoldRequest, 'A review of a hold: keep it (the next review moves on) or release it.');
export { PlaceHoldRequest, ReviewHoldRequest };

export const HoldViewSchema = component(
  'Hold',
  z.object({
    id: z.string(),
    controller: z.string(),
    scope: HoldScope,
    reason: HoldReason,
    reference: z.string().nullable(),
    reviewEvery: z.string(),
    placedAt: iso(),
    placedBy: z.string(),
    nextReviewAt: iso(),
    reviews: z.array(z.object({ at: iso(), by: z.string(), decision: z.enum(['keep', 'release']), note: z.string() })),
    status: z.enum(['active', 'released']),
    releasedAt: isoOrNull(),
    releasedBy: z.string().nullable(),
    revision: z.number().int(),
    review: described(z.enum(['ok', 'due-soon', 'overdue', 'closed']), 'where the review stands now: due soon is within 7 days'),
  }),
  'A legal hold: it keeps what it covers past retention until released. Holds stack.',
);
export const HoldsQuery = z.object({
  status: z.enum(['active', 'released']).optional(),
  controller: described(z.string().min(1).max(64).optional(), 'only this council\'s holds'),
  limit: limit(100),
});
export const HoldList = z.object({ holds: z.array(HoldViewSchema) });
export const HoldDryRun = z.object({ records: described(z.number().int(), 'records not yet disposed that the hold would cover now') });
export const RetryFailedBody = z.strictObject({
  dryRun: described(z.boolean(), 'true: only count what would be retried'),
  controller: CouncilId.optional(),
  store: z.string().min(1).max(63).optional(),
  recordId: z.string().min(1).max(64).optional(),
});
export const RetryOutcomeSchema = component(
  'RetryOutcome',
  z.object({ matched: z.number().int(), retried: z.number().int(), records: z.number().int() }),
  'Escalated deletions matching the filter, how many were made pending again (0 in a dry run), and how many records they belong to.',
);
const LiftOutcomeSchema = z.object({ recordsUnheld: z.number().int(), tasksResumed: z.number().int() });
export const ReviewHoldResponse = z.object({
  hold: HoldViewSchema,
  lifted: described(LiftOutcomeSchema.nullable(), 'after a release: records no other hold covers (disposed at the next sweep) and deletions resumed'),
});

// ---------------------------------------------------------------- subject-rights requests

export const ReceiveRequestBody = component(
  'ReceiveRequest',
  z
    .strictObject({
      controller: CouncilId,
      kind: z.enum(RIGHTS),
      identifiers: described(z.array(SubjectIdentifier).min(1).max(12).optional(), 'the person as the council knows them; matched through the blind index and never stored'),
      subjectRef: described(z.string().regex(/^subj_[A-Za-z0-9_-]{8,64}$/).optional(), 'or the pseudonymous subject reference'),
      receivedAt: described(z.iso.datetime({ offset: true }).optional(), 'when the council received it (default now): the clock counts from that day'),
      identityVerified: described(z.boolean(), 'false: the clock stands still until the identity is confirmed'),
      corrections: described(z.array(Correction).min(1).max(10).optional(), 'rectification: the details that are wrong and their right values (sealed at once)'),
    })
    .refine((b) => (b.identifiers === undefined) !== (b.subjectRef === undefined), { message: 'give exactly one of identifiers or subjectRef', path: ['identifiers'] }),
  'A subject-rights request as the council logged it.',
);

const ErasureDecisionSchema = z.discriminatedUnion('decision', [
  z.object({ recordId: z.string(), category: z.string(), decision: z.literal('erase'), article: z.string(), reason: z.string() }),
  z.object({ recordId: z.string(), category: z.string(), decision: z.literal('refuse'), article: z.string(), reason: z.string(), until: isoOrNull(), holds: z.array(z.string()).optional() }),
  z.object({ recordId: z.string(), category: z.string(), decision: z.literal('already-gone'), article: z.null(), reason: z.string() }),
]);
const ClockReadingSchema = z.object({ dueOn: z.string(), state: z.enum(['running', 'paused', 'due-soon', 'overdue']), daysLeft: z.number().int(), pausedDays: z.number().int(), because: z.array(z.string()) });

export const RequestViewSchema = component(
  'SubjectRequest',
  z.object({
    id: z.string(),
    controller: z.string(),
    subjectRef: z.string(),
    kind: z.enum(RIGHTS),
    receivedAt: iso(),
    receivedBy: z.string(),
    clock: z.object({
      receivedOn: z.string(),
      pauses: z.array(z.object({ reason: z.enum(['identity', 'clarification', 'fee']), from: z.string(), to: z.string().nullable() })),
      extension: z.object({ months: z.union([z.literal(1), z.literal(2)]), notifiedOn: z.string(), reason: z.string() }).nullable(),
    }),
    status: z.enum(['awaiting-identity', 'open', 'in-progress', 'completed', 'withdrawn']),
    decisions: z.array(ErasureDecisionSchema),
    certificate: z
      .object({
        requestId: z.string(),
        controller: z.string(),
        subjectRef: z.string(),
        issuedAt: iso(),
        summary: z.string(),
        records: z.array(z.object({ recordId: z.string(), category: z.string(), decision: z.enum(['erase', 'refuse', 'already-gone']), article: z.string().nullable(), reason: z.string() })),
        stores: z.array(ReceiptSchema.extend({ recordId: z.string() })),
        failures: z.array(z.object({ recordId: z.string(), store: z.string(), lastError: z.string() })),
        keyDestroyedAt: isoOrNull(),
        deadLettersShredded: described(z.number().int().optional(), "the person's rejected events in the dead-letter queue, made unreadable"),
      })
      .nullable(),
    rectification: described(
      z
        .object({
          fields: z.array(z.string()),
          tasks: z.array(
            z.object({
              taskId: z.string(),
              recordId: z.string(),
              store: z.string(),
              status: z.enum(['pending', 'done', 'failed', 'not-applicable', 'manual']),
              attempts: z.number().int(),
              detail: z.string(),
              at: isoOrNull(),
              reference: z.string().optional(),
            }),
          ),
        })
        .optional(),
      'rectification: which details were wrong (names only) and each store\'s part',
    ),
    sealedCorrections: described(z.object({ v: z.literal(1), kid: z.string(), iv: z.string(), tag: z.string(), ct: z.string() }).optional(), 'the corrections, sealed under the subject\'s key'),
    holdId: described(z.string().optional(), 'access: the legal hold keeping the subject\'s data while the request is open'),
    outcome: z.string().nullable(),
    answeredAt: described(iso().optional(), 'when the council answered, where that is before the request ends (a restriction put in force)'),
    completedAt: isoOrNull(),
    history: z.array(z.object({ at: iso(), by: z.string(), action: z.string(), note: z.string().optional() })),
    revision: z.number().int(),
    reading: z.object({ clock: ClockReadingSchema.nullable(), timeliness: z.enum(['running', 'on-time', 'late']) }),
  }),
  'A subject-rights request with its statutory clock as it stands now; an erasure with its decision per record and, when complete, its certificate.',
);
export const RequestsQuery = z.object({
  status: z.enum(['awaiting-identity', 'open', 'in-progress', 'completed', 'withdrawn']).optional(),
  controller: described(z.string().min(1).max(64).optional(), "only this council's requests"),
  subjectRef: described(z.string().min(1).max(80).optional(), "only this subject's requests"),
  limit: limit(100),
});
export const RequestList = z.object({ requests: z.array(RequestViewSchema) });
export const AccessExportSchema = component(
  'AccessExport',
  z.object({
    requestId: z.string(),
    controller: z.string(),
    council: z.string(),
    subjectRef: z.string(),
    generatedAt: iso(),
    records: z.array(
      z.object({
        recordId: z.string(),
        category: z.string(),
        description: z.string(),
        status: z.enum(['active', 'held', 'disposing', 'disposed']),
        lawfulBasis: z.string(),
        purposes: z.array(z.string()),
        retention: z.string(),
        dueAt: isoOrNull(),
        heldIn: z.array(z.string()),
        events: z.array(z.object({ eventId: z.string(), type: z.string(), occurredAt: z.string(), identifiers: z.union([z.array(SubjectIdentifier), z.literal('[erased]')]), data: z.unknown() })),
      }),
    ),
    withheld: z.array(z.object({ recordId: z.string(), eventId: z.string(), path: z.string(), reason: z.string() })),
    review: z.array(z.object({ recordId: z.string(), eventId: z.string(), path: z.string() })),
    notPortable: z.array(z.object({ recordId: z.string(), category: z.string(), reason: z.string() })),
  }),
  'Everything held about the subject, decrypted; fields naming other people withheld; free text listed for review before release. Personal data: dpo only.',
);
export const CompleteBody = z.strictObject({ outcome: described(z.string().min(3).max(1000), 'what the council sent or did, in words that name no one') });
export const LiftRestrictionBody = z.strictObject({ toldBy: described(z.string().min(3).max(200), 'how and when the person was told, e.g. "letter of 3 June"') });
export const ObjectionDecisionBody = z.strictObject({ upheld: z.boolean(), reason: described(z.string().min(3).max(1000), 'the grounds weighed, naming no one') });
export const PauseBody = z.strictObject({ reason: z.enum(['identity', 'clarification', 'fee']) });
export const ExtendBody = z.strictObject({ months: z.union([z.literal(1), z.literal(2)]), reason: z.string().min(3).max(500) });

// ---------------------------------------------------------------- erasure commands (systems that delete their own data)

export const ErasureCommandSchema = component(
  'ErasureCommand',
  z.object({ commandId: z.string(), recordId: z.string(), controller: z.string(), store: z.string(), locator: z.string(), issuedAt: iso(), attempt: z.number().int() }),
  'Delete the data at `locator` in your system, then acknowledge with the same commandId. A command may come again (same id) until acknowledged.',
);
export const CommandsQuery = z.object({ controller: CouncilId, store: described(z.string().min(1).max(63), 'your store id in the council\'s policy pack'), limit: limit(100) });
export const CommandList = z.object({ commands: z.array(ErasureCommandSchema) });
export const ErasureAckSchema = component(
  'ErasureAck',
  z.strictObject({
    commandId: z.string().min(1).max(64),
    recordId: z.string().min(1).max(64),
    store: z.string().min(1).max(63),
    outcome: z.enum(['deleted', 'absent', 'failed']),
    detail: described(z.string().min(1).max(500), 'what your system did, naming no one'),
    reference: z.string().min(1).max(128).optional(),
  }),
  'Your system deleted the data (or found it already gone), or could not.',
);
export const AcksBody = z.strictObject({ acks: z.array(ErasureAckSchema).min(1).max(1000) });
export const AckResults = z.object({
  results: z.array(z.discriminatedUnion('status', [z.object({ commandId: z.string(), status: z.enum(['applied', 'duplicate']) }), z.object({ commandId: z.string(), status: z.literal('rejected'), reason: z.string() })])),
});

// ---------------------------------------------------------------- drift checks (compile time only)

/** Deep structural normalisation, so `A & B` and the equivalent flat object compare equal. */
type Flat<T> = T extends object ? { [K in keyof T]: Flat<T[K]> } : T;
type Same<A, B> = (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

export type DriftChecks = [
  Expect<Same<z.output<typeof RecordStateSchema>, RecordState>>,
  Expect<Same<z.output<typeof ExplanationSchema>, Explanation>>,
  Expect<Same<z.output<typeof DeletionTaskSchema>, DeletionTask>>,
  Expect<Same<z.output<typeof RecordViewSchema>, RecordView>>,
  Expect<Same<z.output<typeof IngestResultSchema>, IngestResult>>,
  // zod types an `unknown` key as optional; JSON cannot tell the difference, so only the other keys are compared
  Expect<Same<Omit<z.output<typeof DeadLetterViewSchema>, 'original'>, Omit<DeadLetterView, 'original'>>>,
  Expect<Same<keyof z.output<typeof DeadLetterViewSchema>, keyof DeadLetterView>>,
  Expect<Same<z.output<typeof AuditEntrySchema>, AuditEntry>>,
  Expect<Same<z.output<typeof AuditVerificationSchema>, AuditVerification>>,
  Expect<Same<z.output<typeof SweepReportSchema>, SweepReport>>,
  Expect<Same<z.output<typeof ReplayReportSchema>, ReplayReport>>,
  Expect<Same<z.output<typeof HoldViewSchema>, HoldView>>,
  Expect<Same<z.output<typeof LiftOutcomeSchema>, LiftOutcome>>,
  Expect<Same<z.output<typeof RequestViewSchema>, RequestView>>,
  Expect<Same<z.output<typeof RetryOutcomeSchema>, RetryOutcome>>,
];
