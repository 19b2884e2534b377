import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RETRY } from '@custodian/workflows';
import type { ConnectorDirectory, DeletionConnector, DeletionRequest, DeletionResult } from '@custodian/core';
import { EmbeddedRuntime } from './runtime';

class MemoryConnector implements DeletionConnector {
  readonly kind = 'memory';
  readonly retry = DEFAULT_RETRY;
  readonly held = new Set<string>();
  readonly calls: DeletionRequest[] = [];
  async delete(reqs: DeletionRequest[]): Promise<DeletionResult[]> {
    return reqs.map((r) => {
      this.calls.push(r);
      return this.held.delete(r.locator) ? { outcome: 'deleted', detail: 'removed' } : { outcome: 'absent', detail: 'not there' };
    });
  }
}

const start = new Date('2026-03-01T10:00:00Z');
let dir: string;
let rt: EmbeddedRuntime;
let vendor: MemoryConnector;
let files: MemoryConnector;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'custodian-rt-'));
  vendor = new MemoryConnector();
  files = new MemoryConnector();
  const connectors: ConnectorDirectory = { find: (_c, store) => (store === '8x8' ? vendor : store === 'recordings-files' ? files : undefined) };
  rt = EmbeddedRuntime.open({ dataDir: dir, simulatedClock: true, frozenAt: start, connectors, masterKey: Buffer.alloc(32, 7) });
});
afterEach(async () => {
  await rt.stop();
  rmSync(dir, { recursive: true, force: true });
});

const recording = (id: string, over: Record<string, unknown> = {}) => ({
  eventId: `evt-${id}-0001`,
  type: 'call.recorded',
  version: 1,
  source: { system: '8x8-telephony' },
  controller: 'newark-sherwood',
  occurredAt: start.toISOString(),
  subject: { identifiers: [{ kind: 'phone', value: '01636 655555' }] },
  category: 'call-recording',
  locations: [
    { store: '8x8', locator: `rec-${id}` },
    { store: 'recordings-files', locator: `nsdc/2026/03/rec-${id}.wav` },
  ],
  payload: { recordingId: `rec-${id}`, direction: 'inbound', team: 'customer-services', callCentreLocation: 'castle-house', startedAt: start.toISOString(), durationSeconds: 300, pauses: [{ reason: 'payment', fromSecond: 60, toSecond: 120 }] },
  ...over,
});

test('a recording is registered with a due time 40 days on, and disposed at every store then, not before', async () => {
  vendor.held.add('rec-a');
  files.held.add('nsdc/2026/03/rec-a.wav');
  const [res] = await rt.platform.ingest([recording('a')], 'test');
  expect(res!.status).toBe('accepted');
  await rt.platform.project();
  const id = res!.status === 'accepted' ? res!.recordId : '';
  const view = await rt.platform.record(id);
  expect(view!.record.dueAt).toBe('2026-04-10T10:00:00.000Z');
  expect(view!.explanation.due).toBe(false);

  await rt.platform.advanceClock('P39D', 'test');
  expect((await rt.platform.record(id))!.record.status).toBe('active');
  expect(vendor.calls).toHaveLength(0);

  const { sweep } = await rt.platform.advanceClock('P1D', 'test');
  expect(sweep.disposed).toBe(1);
  const after = (await rt.platform.record(id))!;
  expect(after.record.status).toBe('disposed');
  expect(after.record.disposal!.receipts.map((r) => `${r.store}:${r.outcome}`)).toEqual(['8x8:deleted', 'custodian-event-log:deleted', 'recordings-files:deleted']);
  expect(vendor.held.size + files.held.size).toBe(0);
  expect((await rt.store.bus.eventsOfRecord(id))[0]!.sealed).toBeNull();
  expect((await rt.platform.verifyAudit()).ok).toBe(true);
});

test('a duplicate event has no second effect and a bad one is dead-lettered with its reason', async () => {
  const results = await rt.platform.ingest([recording('b'), recording('b'), { ...recording('c'), category: 'complaint' }], 'test');
  expect(results.map((r) => r.status)).toEqual(['accepted', 'duplicate', 'rejected']);
  const again = await rt.platform.ingest([recording('b')], 'test');
  expect(again[0]!.status).toBe('duplicate');
  expect(await rt.store.bus.head()).toBe(1);
  const rejected = results[2]!;
  expect(rejected.status === 'rejected' && rejected.reasons.map((r) => r.path)).toEqual(['category']);
});

describe('the running sweep wakes on its durable timers', () => {
  let live: EmbeddedRuntime;
  let liveDir: string;
  afterEach(async () => {
    await live.stop();
    rmSync(liveDir, { recursive: true, force: true });
  });

  test('a record falling due in 1.5 s is disposed then, long before the 60 s interval; a retry-after of 1 s is honoured', async () => {
    liveDir = mkdtempSync(join(tmpdir(), 'custodian-live-'));
    const flaky = new MemoryConnector();
    let refusals = 1;
    const original = flaky.delete.bind(flaky);
    flaky.delete = async (reqs) => (refusals-- > 0 ? reqs.map(() => ({ outcome: 'retry' as const, detail: 'HTTP 503', retryAfterMs: 1_000 })) : original(reqs));
    const connectors: ConnectorDirectory = { find: (_c, store) => (store === '8x8' ? flaky : store === 'recordings-files' ? files : undefined) };
    live = EmbeddedRuntime.open({ dataDir: liveDir, simulatedClock: true, connectors, masterKey: Buffer.alloc(32, 7), sweepIntervalMs: 60_000 });
    const occurred = new Date(Date.now() - 40 * 86_400_000 + 1_500).toISOString();
    const [res] = await live.platform.ingest([{ ...recording('w'), occurredAt: occurred }], 'test');
    const id = res!.status === 'accepted' ? res!.recordId : '';
    const t0 = Date.now();
    live.start();
    let status = '';
    while (Date.now() - t0 < 8_000) {
      status = (await live.platform.record(id))?.record.status ?? '';
      if (status === 'disposed') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const took = Date.now() - t0;
    expect(status).toBe('disposed');
    // due at ~1.5 s, then one refusal with Retry-After 1 s: about 2.5 s in all, nowhere near 60 s
    expect(took).toBeGreaterThanOrEqual(2_000);
    expect(took).toBeLessThan(6_000);
    expect(flaky.calls).toHaveLength(1);
  });
});

test('sealed sections are kept packed as bytes, and rows written as JSON text by earlier versions still open', async () => {
  const [res] = await rt.platform.ingest([recording('p')], 'test');
  const id = res!.status === 'accepted' ? res!.recordId : '';
  const row = rt.store.db.prepare(`SELECT offset, sealed FROM event_log WHERE record_id = ?`).get(id) as { offset: number; sealed: Buffer };
  expect(Buffer.isBuffer(row.sealed)).toBe(true);
  const [packed] = await rt.store.bus.eventsOfRecord(id);
  expect(packed!.sealed!.kid).toBe(`subj:${res!.status === 'accepted' ? res!.subjectRef : ''}`);

  rt.store.db.prepare(`UPDATE event_log SET sealed = ? WHERE offset = ?`).run(JSON.stringify(packed!.sealed), row.offset);
  const [legacy] = await rt.store.bus.eventsOfRecord(id);
  expect(legacy!.sealed).toEqual(packed!.sealed);
  expect(await rt.platform.ingestion['d'].sealer.open(legacy!.sealed!, legacy!.eventId)).toMatchObject({ payload: { recordingId: 'rec-p' } });
});
