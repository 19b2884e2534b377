import { z } from 'zod';
import { CountryCode, CouncilId, DataCategory, IsoDate, IsoDuration, LawfulBasis } from './common';

/**
 * A council's policy pack: its privacy notice turned into validated data. Every value a notice leaves
 * to "our retention schedule" must point at an explicit assumption that cites
 * shared/knowledge/uk-data-protection.md.
 */

const Id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a lower-case kebab id');

/** Where a statement in the pack comes from. */
export const Provenance = z.strictObject({
  /**
   * "notice": the seed notice says it (quote it); "assumption": see `assumption`. A notice statement
   * may name an assumption too, for the part the notice leaves open (e.g. when a period starts).
   */
  source: z.enum(['notice', 'assumption']),
  quote: z.string().min(1).optional(),
  assumption: Id.optional(),
}).refine((p) => (p.source === 'notice' ? !!p.quote : !!p.assumption), {
  message: 'a notice statement needs a quote; an assumption needs the id of an entry in `assumptions`',
});

export const RETENTION_TRIGGERS = ['occurred', 'closed', 'last-activity', 'financial-year-end'] as const;
export const RetentionTrigger = z.enum(RETENTION_TRIGGERS);
export type RetentionTrigger = z.infer<typeof RetentionTrigger>;

export const RetentionRule = z.strictObject({
  /** how long after the trigger */
  duration: IsoDuration,
  /**
   * occurred: from the first event (recording made, visit, payment taken);
   * closed: from the closing event (complaint closed, enquiry closed, account closed) — no due time while open;
   * last-activity: from the latest event;
   * financial-year-end: from 31 March ending the UK financial year of the first event ("current year + N").
   */
  trigger: RetentionTrigger,
  action: z.enum(['delete']),
  provenance: Provenance,
});
export type RetentionRule = z.infer<typeof RetentionRule>;

export const CategoryPolicy = z.strictObject({
  id: DataCategory,
  description: z.string().min(1),
  personalData: z.array(z.string().min(1)).min(1),
  lawfulBasis: z.strictObject({
    /** the basis the lifecycle relies on when deciding rights (erasure, portability, objection) */
    primary: LawfulBasis,
    additional: z.array(LawfulBasis).default([]),
    /** Art 9 condition (and DPA 2018 Sch 1 paragraph) when special-category data may be present */
    specialCategory: z.strictObject({ condition: z.string().min(1), dpa2018: z.string().optional(), when: z.string().min(1) }).optional(),
    /** Art 10 + DPA 2018 Sch 1 condition when criminal-offence data may be present */
    criminalOffence: z.strictObject({ condition: z.string().min(1), when: z.string().min(1) }).optional(),
    provenance: Provenance,
  }),
  retention: RetentionRule,
  /** stores that hold this category's data (ids from `stores`) */
  stores: z.array(Id).min(1),
  /** kept apart from case data (equalities monitoring) */
  segregated: z.boolean().default(false),
  purposes: z.array(z.string().min(1)).min(1),
});
export type CategoryPolicy = z.infer<typeof CategoryPolicy>;

export const Store = z.strictObject({
  id: Id,
  name: z.string().min(1),
  /**
   * files: recordings as files; http: a vendor deletion API; command: a council system that deletes
   * its own data when sent an erasure command, and acknowledges it; mongodb: a collection of a
   * council database; platform: Custodian's own copies
   */
  kind: z.enum(['files', 'http', 'command', 'mongodb', 'platform']),
  /** the processor operating the store, if any (id from `processors`) */
  processor: Id.optional(),
  country: CountryCode,
});
export type Store = z.infer<typeof Store>;

export const Processor = z.strictObject({
  id: Id,
  name: z.string().min(1),
  role: z.enum(['processor', 'sub-processor']),
  service: z.string().min(1),
  country: CountryCode,
  provenance: Provenance,
});

export const Recipient = z.strictObject({
  id: Id,
  name: z.string().min(1),
  kind: z.enum(['internal', 'public-body', 'regulator', 'ombudsman', 'police', 'emergency-service', 'court', 'legal', 'insurer', 'partner', 'contractor', 'other-council']),
  country: CountryCode,
  when: z.string().min(1),
  categories: z.array(DataCategory).min(1),
  provenance: Provenance,
});

export const TransferStance = z.strictObject({
  /** none-outside-uk-eea: the notice promises no transfer outside the UK/EEA; with-safeguards: adequacy or IDTA/Addendum + TRA */
  stance: z.enum(['none-outside-uk-eea', 'with-safeguards']),
  provenance: Provenance,
});

export const RecordingRules = z.strictObject({
  channels: z.array(z.strictObject({
    channel: z.enum(['call', 'webchat']),
    from: IsoDate.optional(),
    teams: z.array(Id).min(1),
    provider: Id.optional(),
  })).min(1),
  /** recording stops during these (the seeds: payments, and on transfer away from a recorded team) */
  pausesDuring: z.array(z.enum(['payment', 'transfer'])),
  /** who may listen: authorised managers of the call-centre location that made the recording */
  access: z.enum(['authorised-managers-per-location', 'authorised-staff']),
  locations: z.array(Id).default([]),
  provenance: Provenance,
});

export const Assumption = z.strictObject({
  id: Id,
  text: z.string().min(1),
  /** e.g. "shared/knowledge/uk-data-protection.md#retention-periods-seen-in-councils-schedules-for-defaults-where-a-notice-defers-to-our-schedule" */
  cites: z.array(z.string().min(1)).min(1),
});

export const PolicyPack = z.strictObject({
  id: CouncilId,
  council: z.string().min(1),
  /** semantic version of the pack; records keep the version they were decided under */
  version: z.string().regex(/^\d+\.\d+\.\d+$/, 'must be a semantic version, e.g. 1.0.0'),
  notice: z.strictObject({ title: z.string().min(1), seed: z.string().min(1), lastUpdated: IsoDate.optional() }),
  icoRegistration: z.string().optional(),
  dpoContact: z.string().min(1),
  /** what ingest does with a card number found anywhere in an event: reject it, or keep a PCI truncation */
  cardData: z.strictObject({ onDetect: z.enum(['reject', 'truncate']), provenance: Provenance }),
  automatedDecisions: z.boolean(),
  transfers: TransferStance,
  stores: z.array(Store).min(1),
  processors: z.array(Processor).default([]),
  recipients: z.array(Recipient).default([]),
  recording: RecordingRules.optional(),
  categories: z.array(CategoryPolicy).min(1),
  assumptions: z.array(Assumption).default([]),
}).superRefine((p, ctx) => {
  const stores = new Set(p.stores.map((s) => s.id));
  const processors = new Set(p.processors.map((s) => s.id));
  const assumptions = new Set(p.assumptions.map((a) => a.id));
  const seen = new Set<string>();
  const checkProvenance = (prov: z.infer<typeof Provenance>, path: (string | number)[]) => {
    if (prov.assumption && !assumptions.has(prov.assumption)) {
      ctx.addIssue({ code: 'custom', path: [...path, 'assumption'], message: `assumption "${prov.assumption}" is not declared in assumptions` });
    }
  };
  p.categories.forEach((c, i) => {
    if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'id'], message: `category "${c.id}" is declared twice` });
    seen.add(c.id);
    c.stores.forEach((s, j) => {
      if (!stores.has(s)) ctx.addIssue({ code: 'custom', path: ['categories', i, 'stores', j], message: `store "${s}" is not declared in stores` });
    });
    checkProvenance(c.retention.provenance, ['categories', i, 'retention', 'provenance']);
    checkProvenance(c.lawfulBasis.provenance, ['categories', i, 'lawfulBasis', 'provenance']);
  });
  p.stores.forEach((s, i) => {
    if (s.processor && !processors.has(s.processor)) ctx.addIssue({ code: 'custom', path: ['stores', i, 'processor'], message: `processor "${s.processor}" is not declared in processors` });
  });
  checkProvenance(p.transfers.provenance, ['transfers', 'provenance']);
  p.processors.forEach((x, i) => checkProvenance(x.provenance, ['processors', i, 'provenance']));
  p.recipients.forEach((r, i) => checkProvenance(r.provenance, ['recipients', i, 'provenance']));
  if (p.recording) checkProvenance(p.recording.provenance, ['recording', 'provenance']);
  checkProvenance(p.cardData.provenance, ['cardData', 'provenance']);
});
export type PolicyPack = z.infer<typeof PolicyPack>;
export type PolicyPackInput = z.input<typeof PolicyPack>;
