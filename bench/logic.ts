/**
 * The platform's own work per event with no storage at all: what ingest and the projector compute
 * for each event, calling the same functions they call (the contract and policy check, the PAN
 * scan, the blind-index and record-id HMACs, a data key made and wrapped for each new subject, the
 * seal, the retention decision, the JSON the store would write, and the audit entry's hash). It is
 * CPU only, so it says how many cores the logic needs at a given rate, whatever the storage.
 */
import { lifecycleFacts, type EventEnvelope } from '@custodian/contracts';
import { IngestService, MasterKey, PolicyBook, Sealer, chain, packSealed, random, storedEvent, type AuditInput, type IngestDeps, type KeyVault, type LoadedPack } from '@custodian/core';
import { applyEvent, linkingKeys, type RecordState } from '@custodian/workflows';
import { nowNs, secondsSince } from './util';

const NO_VAULT: KeyVault = {
  putIfAbsent: async () => new Map(),
  get: async () => new Map(),
  destroy: async () => false,
};

/** seconds of one core to do the platform's per-event logic for `events`, in batches of `batch` */
export function logicOnly(events: readonly unknown[], packs: LoadedPack[], batch: number): number {
  const book = new PolicyBook(packs);
  const master = new MasterKey(Buffer.alloc(32, 1));
  const sealer = new Sealer(master, NO_VAULT);
  // check() reads only the policy book: the other ports are never reached
  const ingest = new IngestService({ book } as unknown as IngestDeps);
  const subjects = new Map<string, { ref: string; key: Buffer }>();
  // states kept as the text the registry stores, read back as it reads them: the platform holds no registry in memory
  const records = new Map<string, string>();
  let head: { seq: number; hash: string } | null = null;
  let offset = 0;
  let bytes = 0;
  const now = '2026-01-05T09:00:00.000Z';
  const t0 = nowNs();
  const changed = new Map<string, RecordState>();
  const audit: AuditInput[] = [];
  const parse = (text: string | undefined) => (text === undefined ? undefined : (JSON.parse(text) as RecordState));
  for (let from = 0; from < events.length; from += batch) {
    for (const raw of events.slice(from, from + batch)) {
      const c = ingest.check(raw);
      if (!c.ok) throw new Error(`logic bench: event rejected: ${JSON.stringify(c.reasons)}`);
      const e: EventEnvelope = c.event;
      const category = book.category(e.controller, e.category)!;
      const scope = category.segregated ? `${e.controller}#${e.category}` : e.controller;
      const hashes = linkingKeys(e.subject.identifiers).map((k) => master.blindIndex(scope, k));
      const memo = `${scope}|${hashes.join(',')}`;
      let subject = subjects.get(memo);
      if (!subject) {
        const ref = `subj_${random(12).toString('base64url')}`;
        const key = random(32);
        master.wrap(`subj:${ref}`, key);
        subject = { ref, key };
        subjects.set(memo, subject);
      }
      const facts = lifecycleFacts(e);
      const stored = storedEvent(e, {
        receivedAt: now,
        subjectRef: subject.ref,
        recordId: master.recordId(e.controller, e.category, facts.recordKey),
        facts,
        cardData: c.cardData,
        policyVersion: c.policyVersion,
        sealed: sealer.sealWith(`subj:${subject.ref}`, subject.key, { identifiers: e.subject.identifiers, payload: e.payload }, e.eventId),
      });
      const { sealed, ...meta } = stored;
      bytes += JSON.stringify(meta).length + packSealed(sealed!).length;
      // the projector's half: the retention decision; a record changed twice in a batch is stored once
      const loaded = book.pack(e.controller)!;
      const prev = changed.get(stored.recordId) ?? parse(records.get(stored.recordId));
      const decision = applyEvent(prev, { ...stored, offset: ++offset }, { packId: loaded.pack.id, packVersion: loaded.pack.version, category });
      if (decision.kind === 'ignored') continue;
      const r = decision.record;
      r.id = stored.recordId;
      changed.set(r.id, r);
      // an audit entry where the projector makes one: a registration, or a due time that moved
      if (decision.kind === 'registered' || decision.dueChanged) {
        audit.push({ actor: 'lifecycle', action: decision.kind === 'registered' ? 'record.registered' : 'record.due-changed', target: { kind: 'record', id: r.id }, reason: r.dueReason, policyVersion: r.policyVersion, details: { dueAt: r.dueAt, eventId: e.eventId } });
      }
    }
    for (const r of changed.values()) {
      const text = JSON.stringify(r);
      records.set(r.id, text);
      bytes += text.length;
    }
    const entries = chain(head, audit, now);
    for (const entry of entries) bytes += JSON.stringify(entry).length;
    if (entries.length) head = { seq: entries[entries.length - 1]!.seq, hash: entries[entries.length - 1]!.hash };
    changed.clear();
    audit.length = 0;
  }
  const s = secondsSince(t0);
  // keeps the serialisation from being optimised away
  if (bytes <= 0) throw new Error('logic bench serialised nothing');
  return s;
}
