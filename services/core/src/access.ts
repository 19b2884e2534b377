import { FREE_TEXT_FIELDS, LAWFUL_BASIS_NAMES, THIRD_PARTY_FIELDS, type EventType, type SubjectIdentifier } from '@custodian/contracts';
import type { RecordState } from '@custodian/workflows';
import { KeyShreddedError, type Sealer } from './crypto';
import type { EventBus } from './ports';
import type { PolicyBook } from './policy-packs';

/** What a subject access request returns: everything held, decrypted, with other people's data withheld. */
export interface AccessPackage {
  requestId: string;
  controller: string;
  council: string;
  subjectRef: string;
  generatedAt: string;
  records: AccessRecord[];
  /** fields withheld because they name someone else */
  withheld: Array<{ recordId: string; eventId: string; path: string; reason: string }>;
  /** free text exported as it is, for the DPO to read for other people's data before release */
  review: Array<{ recordId: string; eventId: string; path: string }>;
}

export interface AccessRecord {
  recordId: string;
  category: string;
  description: string;
  status: RecordState['status'];
  lawfulBasis: string;
  purposes: string[];
  retention: string;
  dueAt: string | null;
  /** the systems holding a copy, by name (Art 15(1)(c): recipients and where it is kept) */
  heldIn: string[];
  events: Array<{ eventId: string; type: string; occurredAt: string; identifiers: SubjectIdentifier[] | '[erased]'; data: unknown }>;
}

const WITHHELD = '[withheld: names another person]';

function withhold(payload: Record<string, unknown>, paths: readonly string[]): { data: Record<string, unknown>; hit: string[] } {
  const data = { ...payload };
  const hit: string[] = [];
  for (const p of paths) {
    if (data[p] !== undefined) {
      data[p] = WITHHELD;
      hit.push(`payload.${p}`);
    }
  }
  return { data, hit };
}

/** Builds the package from the registry's records and the log's sealed events (the embedded log keeps every event). */
export async function buildAccessPackage(
  d: { book: PolicyBook; sealer: Sealer; bus: Pick<EventBus, 'eventsOfRecord'> },
  req: { id: string; controller: string; subjectRef: string },
  records: RecordState[],
  nowIso: string,
): Promise<AccessPackage> {
  const pack = d.book.packs.find((p) => p.pack.id === req.controller)!.pack;
  const storeName = new Map(pack.stores.map((s) => [s.id, s.name]));
  const out: AccessPackage = { requestId: req.id, controller: req.controller, council: pack.council, subjectRef: req.subjectRef, generatedAt: nowIso, records: [], withheld: [], review: [] };
  for (const r of records.filter((x) => x.controller === req.controller)) {
    const policy = d.book.category(r.controller, r.category);
    const rec: AccessRecord = {
      recordId: r.id,
      category: r.category,
      description: policy?.description ?? r.category,
      status: r.status,
      lawfulBasis: `${r.lawfulBasis} ${LAWFUL_BASIS_NAMES[r.lawfulBasis]}`,
      purposes: policy?.purposes ?? [],
      retention: `${r.retention.duration} ${r.retention.trigger === 'closed' ? 'from closure' : r.retention.trigger === 'occurred' ? 'from when it was recorded' : r.retention.trigger === 'last-activity' ? 'from the last activity' : 'from the end of the financial year'}`,
      dueAt: r.dueAt,
      heldIn: [...new Set(r.locations.map((l) => storeName.get(l.store) ?? l.store))],
      events: [],
    };
    for (const e of await d.bus.eventsOfRecord(r.id)) {
      if (!e.sealed) {
        rec.events.push({ eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, identifiers: '[erased]', data: '[erased]' });
        continue;
      }
      let opened: { identifiers: SubjectIdentifier[]; payload: Record<string, unknown> };
      try {
        opened = await d.sealer.open(e.sealed, e.eventId);
      } catch (err) {
        if (!(err instanceof KeyShreddedError)) throw err;
        rec.events.push({ eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, identifiers: '[erased]', data: '[erased]' });
        continue;
      }
      const { data, hit } = withhold(opened.payload, THIRD_PARTY_FIELDS[e.type as EventType] ?? []);
      for (const path of hit) out.withheld.push({ recordId: r.id, eventId: e.eventId, path, reason: 'names another person (Art 15(4); DPA 2018 Sch 2 para 16)' });
      for (const f of FREE_TEXT_FIELDS[e.type as EventType] ?? []) if (typeof data[f] === 'string') out.review.push({ recordId: r.id, eventId: e.eventId, path: `payload.${f}` });
      rec.events.push({ eventId: e.eventId, type: e.type, occurredAt: e.occurredAt, identifiers: opened.identifiers, data });
    }
    out.records.push(rec);
  }
  return out;
}
