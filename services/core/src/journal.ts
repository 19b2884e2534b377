import type { AuditInput, Clock, ErasureJournal, EventBus, KeyVault, Registry, SubjectIndex } from './ports';
import type { Sealer } from './crypto';
import { disposedRecord } from '@custodian/workflows';

/** the erased record ids, read once from the journal and kept current as erasures finish */
export class ErasedRecords {
  private ids: Promise<Set<string>> | null = null;
  constructor(private readonly journal: ErasureJournal) {}
  get(): Promise<ReadonlySet<string>> {
    this.ids ??= this.journal.entries().then((es) => new Set(es.flatMap((e) => e.recordIds)));
    return this.ids;
  }
  async add(recordIds: string[]): Promise<void> {
    const s = await this.get();
    for (const id of recordIds) (s as Set<string>).add(id);
  }
}

export interface RestoreOutcome {
  /** records the registry had (again) as not disposed, marked disposed */
  records: number;
  /** log events whose sealed section was back, purged */
  events: number;
  /** subject keys back in the vault, destroyed again */
  keys: number;
}

/**
 * Applies the erasure journal to the stores, as after a restore from a backup older than some
 * erasures: every erased record is disposed again (the registry keeps non-personal proof), its
 * copies in the log are purged, and every destroyed key is destroyed again. Idempotent: on a
 * store that lost nothing it changes nothing.
 */
export async function reapplyErasureJournal(
  d: { clock: Clock; journal: ErasureJournal; registry: Registry; vault: Pick<KeyVault, 'destroy' | 'get'>; subjects: Pick<SubjectIndex, 'forget'>; sealer: Sealer; bus?: Pick<EventBus, 'purgeRecords'> },
  actor = 'erasure-journal',
): Promise<RestoreOutcome> {
  const out: RestoreOutcome = { records: 0, events: 0, keys: 0 };
  const entries = await d.journal.entries();
  if (!entries.length) return out;
  const now = d.clock.now().toISOString();
  const audit: AuditInput[] = [];
  for (const e of entries) {
    const found = await d.registry.get(e.recordIds);
    const back = [...found.values()].filter((r) => r.status !== 'disposed');
    if (back.length) {
      await d.registry.save(
        back.map((r) => disposedRecord({ ...r, disposal: { startedAt: r.disposal?.startedAt ?? e.at, completedAt: null, receipts: [], cause: { kind: 'erasure', requestId: e.requestId, article: 'journal' } } }, r.disposal?.receipts ?? [], e.at)),
        [],
        now,
      );
      out.records += back.length;
    }
    if (d.bus) out.events += [...(await d.bus.purgeRecords(e.recordIds)).values()].reduce((a, b) => a + b, 0);
    if (e.keyDestroyed) {
      const kid = `subj:${e.subjectRef}`;
      const held = (await d.vault.get([kid])).get(kid);
      if (held) {
        await d.vault.destroy(kid);
        d.sealer.forget(kid);
        await d.subjects.forget(e.subjectRef);
        out.keys++;
      }
    }
  }
  if (out.records || out.events || out.keys) {
    audit.push({ actor, action: 'erasure.journal-reapplied', target: { kind: 'system', id: 'erasure-journal' }, reason: 'erasures the stores had lost (a restore from an older backup) applied again', details: { ...out, entries: entries.length } });
    await d.registry.save([], audit, now);
  }
  return out;
}
