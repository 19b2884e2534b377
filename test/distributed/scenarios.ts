import type { FastifyInstance } from 'fastify';
import type { Clock, DeletionConnector, DeletionRequest, DeletionResult } from '@custodian/core';
import type { RecordState } from '@custodian/workflows';
import { DEFAULT_RETRY } from '@custodian/workflows';
import { callRecorded, complaint, enquiry, payment } from '../support/events';

/** a council store that holds what the test put there and says what an HTTP vendor would */
export class HeldStore implements DeletionConnector {
  readonly kind = 'memory';
  readonly retry = DEFAULT_RETRY;
  readonly held = new Set<string>();
  async delete(reqs: DeletionRequest[]): Promise<DeletionResult[]> {
    return reqs.map((r) => (this.held.delete(r.locator) ? { outcome: 'deleted', detail: 'HTTP 204' } : { outcome: 'absent', detail: 'HTTP 404' }));
  }
}

/**
 * A distributed stack as the scenarios see it, whichever engines are under it: librdkafka's mock
 * cluster with in-memory stores here, or Kafka, MongoDB and Temporal in containers where Docker is.
 */
export interface Stack {
  app: FastifyInstance;
  clock: Clock;
  vendor: HeldStore;
  files: HeldStore;
  tokens: { service: string; operator: string };
  /** waits until the lifecycle consumers have registered the record (or its change) */
  record(id: string, until?: (r: RecordState) => boolean): Promise<RecordState>;
  /** every byte the stack stored, as text: stores, topics, workflow histories where there are any */
  dump(): Promise<string>;
  /**
   * lets the topics' retention pass: the platform's own copies of an event are gone only when Kafka
   * has dropped them, so a record fully disposed needs its latest event older than that
   */
  passTopicRetention(): Promise<void>;
}

const DAY = 86_400_000;
const ago = (clock: Clock, days: number) => new Date(clock.now().getTime() - days * DAY).toISOString();

async function post(s: Stack, body: unknown) {
  const r = await s.app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${s.tokens.service}` }, payload: body as object });
  if (r.statusCode !== 200) throw new Error(`POST /v1/events: ${r.statusCode} ${r.body}`);
  return r.json().results as Array<{ status: string; recordId?: string; deadLetterId?: string; reasons?: Array<{ path: string; message: string }>; cardData?: unknown[] }>;
}
async function sweep(s: Stack) {
  const r = await s.app.inject({ method: 'POST', url: '/v1/sweep', headers: { authorization: `Bearer ${s.tokens.operator}` } });
  if (r.statusCode !== 200) throw new Error(`POST /v1/sweep: ${r.statusCode} ${r.body}`);
  return r.json() as { started: number; disposed: number };
}

/** the foundation's end-to-end scenarios, over the distributed services; `tag` keeps runs apart */
export function distributedScenarios(stack: () => Stack, tag: string) {
  test('a Newark & Sherwood recording is deleted at the provider, the files store and the topics at 40 days, not at 39', async () => {
    const s = stack();
    const due = callRecorded('newark-sherwood', `${tag}-rec-old`, ago(s.clock, 40.5), [{ store: '8x8', locator: `${tag}-rec-old` }, { store: 'recordings-files', locator: `nsdc/${tag}-rec-old.wav` }]);
    const young = callRecorded('newark-sherwood', `${tag}-rec-new`, ago(s.clock, 39), [{ store: '8x8', locator: `${tag}-rec-new` }, { store: 'recordings-files', locator: `nsdc/${tag}-rec-new.wav` }]);
    for (const l of [`${tag}-rec-old`, `nsdc/${tag}-rec-old.wav`, `${tag}-rec-new`, `nsdc/${tag}-rec-new.wav`]) (l.endsWith('.wav') ? s.files : s.vendor).held.add(l);
    const [a, b] = await post(s, [due, young]);
    const oldRec = await s.record(a!.recordId!);
    await s.record(b!.recordId!);
    expect(Date.parse(oldRec.dueAt!)).toBeLessThanOrEqual(s.clock.now().getTime());
    await sweep(s);
    // deleted at the provider and the files store at once; the topics still hold the event appended just now
    const waiting = await s.record(a!.recordId!, (r) => r.status === 'disposing');
    expect(waiting.status).toBe('disposing');
    expect([...s.vendor.held, ...s.files.held].sort()).toEqual([`${tag}-rec-new`, `nsdc/${tag}-rec-new.wav`]);
    expect((await s.record(b!.recordId!)).status).toBe('active');
    await s.passTopicRetention();
    await sweep(s);
    const gone = await s.record(a!.recordId!, (r) => r.status === 'disposed');
    expect(gone.disposal!.receipts.map((r) => `${r.store}:${r.outcome}`).sort()).toEqual(['8x8:deleted', 'custodian-event-log:absent', 'recordings-files:deleted']);
    expect(gone.locations.every((l) => l.locator === '[disposed]')).toBe(true);
  });

  test('a North Kesteven complaint has no due time while open and is kept 7 years from its closure', async () => {
    const s = stack();
    const ref = `${tag}-CMP-1`;
    const [opened] = await post(s, complaint('opened', 'north-kesteven', ref, ago(s.clock, 30)));
    const open = await s.record(opened!.recordId!);
    expect(open.dueAt).toBeNull();
    const closedAt = ago(s.clock, 1);
    await post(s, complaint('closed', 'north-kesteven', ref, closedAt));
    const closed = await s.record(opened!.recordId!, (r) => r.dueAt !== null);
    expect(closed.dueAt!.slice(0, 10)).toBe(`${Number(closedAt.slice(0, 4)) + 7}${closedAt.slice(4, 10)}`);
  });

  test('an enquiry is disposed after 2 years; a duplicate has no second effect', async () => {
    const s = stack();
    const e = enquiry('derby', `${tag}-ENQ-1`, ago(s.clock, 2 * 366));
    const [first] = await post(s, e);
    expect(first!.status).toBe('accepted');
    const [again] = await post(s, e);
    expect(again!.status).toBe('duplicate');
    const r = await s.record(first!.recordId!);
    expect(r.lifecycle.events).toBe(1);
    await sweep(s);
    await s.passTopicRetention();
    await sweep(s);
    expect((await s.record(first!.recordId!, (x) => x.status === 'disposed')).status).toBe('disposed');
  });

  test('a card number is truncated (Derby) or rejected (Newark & Sherwood), and is nowhere in what the stack stored', async () => {
    const s = stack();
    const [derby] = await post(s, payment('derby', `${tag}-PAY-1`, ago(s.clock, 1), 'Paid by phone, card 4111 1111 1111 1111 exp 09/28'));
    expect(derby!.status).toBe('accepted');
    expect(derby!.cardData).toEqual([{ path: 'payload.reference', action: 'truncated' }]);
    const nsdc = callRecorded('newark-sherwood', `${tag}-rec-pan`, ago(s.clock, 1), [{ store: '8x8', locator: `${tag}-rec-pan` }], { payload: { recordingId: `${tag}-rec-pan`, direction: 'inbound', team: 't', callCentreLocation: 'castle-house', startedAt: ago(s.clock, 1), durationSeconds: 5, pauses: [], note: 'card 5555555555554444' } });
    const [rejected] = await post(s, nsdc);
    expect(rejected!.status).toBe('rejected');
    await s.record(derby!.recordId!);
    const all = (await s.dump()).replace(/[ -]/g, '');
    expect(all).not.toContain('4111111111111111');
    expect(all).not.toContain('5555555555554444');
  });

  test('a malformed event is dead-lettered with its reason and accepted once corrected', async () => {
    const s = stack();
    const bad = enquiry('derby', `${tag}-ENQ-BAD`, 'yesterday at noon');
    const [r] = await post(s, bad);
    expect(r!.status).toBe('rejected');
    expect(r!.reasons!.map((x) => x.path)).toEqual(['occurredAt']);
    const fixed = await s.app.inject({ method: 'POST', url: `/v1/dlq/${r!.deadLetterId}/reprocess`, headers: { authorization: `Bearer ${s.tokens.operator}` }, payload: { event: { ...bad, occurredAt: ago(s.clock, 3) } } });
    expect(fixed.statusCode).toBe(200);
    const out = (fixed.json() as { result: { status: string; recordId: string } }).result;
    expect(out.status).toBe('accepted');
    expect((await s.record(out.recordId)).status).toBe('active');
  });

  test('the audit chain verifies', async () => {
    const s = stack();
    const v = await s.app.inject({ method: 'POST', url: '/v1/audit/verify', headers: { authorization: `Bearer ${s.tokens.operator}` } });
    expect(v.statusCode).toBe(200);
    expect(v.json()).toMatchObject({ ok: true });
  });
}
