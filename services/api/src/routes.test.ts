import { ClockNotSimulatedError } from '@custodian/core';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './server';
import { fakeWithTokens, sampleEvent, type FakePlatform } from './test-support/fake-platform';

let app: FastifyInstance;
let platform: FakePlatform;
let tokens: Awaited<ReturnType<typeof fakeWithTokens>>['tokens'];
const as = (t: string) => ({ authorization: `Bearer ${t}` });

async function setUp(simulatedClock: boolean) {
  const f = await fakeWithTokens({ simulatedClock });
  platform = f.platform;
  tokens = f.tokens;
  app = buildServer(platform);
}
afterEach(() => app.close());

describe('POST /v1/events', () => {
  beforeEach(() => setUp(false));

  it('passes per-event results through in order, with totals', async () => {
    const good = sampleEvent();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: as(tokens.service),
      payload: [good, { ...good }, { ...sampleEvent(), category: 'payment' }, 'not an event'],
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ accepted: 1, duplicates: 1, rejected: 2 });
    expect(body.results.map((r: { index: number; status: string }) => [r.index, r.status])).toEqual([
      [0, 'accepted'],
      [1, 'duplicate'],
      [2, 'rejected'],
      [3, 'rejected'],
    ]);
    expect(body.results[0]).toEqual({
      index: 0,
      eventId: good.eventId,
      status: 'accepted',
      subjectRef: expect.any(String),
      recordId: expect.any(String),
      cardData: [],
    });
    expect(body.results[2].reasons).toEqual([{ path: 'category', message: expect.stringContaining('cannot be carried by contact.received') }]);
    // the rejected events really reached the dead-letter store
    expect(await platform.deadLetter(body.results[2].deadLetterId)).toBeDefined();
    expect(await platform.deadLetter(body.results[3].deadLetterId)).toBeDefined();
  });

  it('accepts a single envelope as well as an array', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers: as(tokens.service), payload: sampleEvent() });
    expect(res.json()).toMatchObject({ accepted: 1, results: [{ index: 0, status: 'accepted' }] });
  });

  it('still answers 200 when every event is rejected: the per-event results are the contract', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers: as(tokens.service), payload: [{}, { type: 'call.recorded' }] });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ accepted: 0, duplicates: 0, rejected: 2 });
  });

  it('turns away a batch over 10,000 events, naming the limit', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/events', headers: as(tokens.service), payload: new Array(10_001).fill({}) });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid-request', message: expect.stringContaining('at most 10000 events per request') });
  });

  it('answers malformed JSON with a JSON error', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...as(tokens.service), 'content-type': 'application/json' },
      payload: '[{"eventId": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'bad-request', message: expect.any(String) });
  });
});

describe('records and subjects', () => {
  beforeEach(() => setUp(false));

  it('answers 404 with a clear message for an unknown record', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/records/rec-missing', headers: as(tokens.dpo) });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not-found', message: 'no record with id "rec-missing"' });
  });

  it('shows a record with its explanation, and lists a subject’s records', async () => {
    const ingest = await app.inject({ method: 'POST', url: '/v1/events', headers: as(tokens.service), payload: [sampleEvent()] });
    const { recordId, subjectRef } = ingest.json().results[0];
    const rec = await app.inject({ method: 'GET', url: `/v1/records/${recordId}`, headers: as(tokens.auditor) });
    expect(rec.statusCode).toBe(200);
    expect(rec.json()).toMatchObject({ record: { id: recordId, subjectRef, status: 'active' }, explanation: { due: false }, tasks: [] });
    const subj = await app.inject({ method: 'GET', url: `/v1/subjects/${subjectRef}/records`, headers: as(tokens.dpo) });
    expect(subj.json()).toEqual({ subjectRef, records: [expect.objectContaining({ id: recordId })] });
  });
});

describe('dead letters', () => {
  beforeEach(() => setUp(false));

  it('lists, filters, shows and reprocesses with a corrected event', async () => {
    const bad = { ...sampleEvent(), controller: 'Not A Council' };
    const ingest = await app.inject({ method: 'POST', url: '/v1/events', headers: as(tokens.service), payload: [bad] });
    const id: string = ingest.json().results[0].deadLetterId;

    const list = await app.inject({ method: 'GET', url: '/v1/dlq?status=open&limit=10', headers: as(tokens.operator) });
    expect(list.json().deadLetters.map((d: { id: string }) => d.id)).toEqual([id]);

    const show = await app.inject({ method: 'GET', url: `/v1/dlq/${id}`, headers: as(tokens.dpo) });
    expect(show.json()).toMatchObject({ id, status: 'open', original: { controller: 'Not A Council' } });

    const fixed = await app.inject({
      method: 'POST',
      url: `/v1/dlq/${id}/reprocess`,
      headers: as(tokens.operator),
      payload: { event: { ...bad, controller: 'newark-sherwood' } },
    });
    expect(fixed.statusCode).toBe(200);
    expect(fixed.json().result).toMatchObject({ status: 'accepted', eventId: bad.eventId });
    const open = await app.inject({ method: 'GET', url: '/v1/dlq?status=open', headers: as(tokens.operator) });
    expect(open.json().deadLetters).toEqual([]);
  });

  it('reprocesses without a body, and 404s an unknown dead letter', async () => {
    const ingest = await app.inject({ method: 'POST', url: '/v1/events', headers: as(tokens.service), payload: [{}] });
    const id: string = ingest.json().results[0].deadLetterId;
    const again = await app.inject({ method: 'POST', url: `/v1/dlq/${id}/reprocess`, headers: as(tokens.operator) });
    expect(again.statusCode).toBe(200);
    expect(again.json().result).toMatchObject({ status: 'rejected', deadLetterId: id });
    const missing = await app.inject({ method: 'POST', url: '/v1/dlq/dl-nope/reprocess', headers: as(tokens.operator) });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe('no dead letter with id "dl-nope"');
  });

  it('rejects a reprocess body with fields other than `event`', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/dlq/dl-1/reprocess', headers: as(tokens.operator), payload: { evnt: {} } });
    expect(res.statusCode).toBe(400);
  });

  it('validates query parameters, naming the field', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/dlq?status=closed&limit=0', headers: as(tokens.operator) });
    expect(res.statusCode).toBe(400);
    expect(res.json().details.map((d: { path: string }) => d.path).sort()).toEqual(['limit', 'status']);
  });
});

describe('audit', () => {
  beforeEach(() => setUp(false));

  it('pages entries and verifies the chain, reporting a tampered entry', async () => {
    await app.inject({ method: 'POST', url: '/v1/events', headers: as(tokens.service), payload: [sampleEvent(), sampleEvent(), sampleEvent()] });
    const page = await app.inject({ method: 'GET', url: '/v1/audit?afterSeq=1&limit=1', headers: as(tokens.auditor) });
    expect(page.json().entries).toEqual([expect.objectContaining({ seq: 2, actor: 'crm-connector', hash: expect.any(String) })]);

    const ok = await app.inject({ method: 'POST', url: '/v1/audit/verify', headers: as(tokens.auditor) });
    expect(ok.json()).toMatchObject({ ok: true, entries: 3 });
    platform.tamperAudit(2, 'nothing to see');
    const bad = await app.inject({ method: 'POST', url: '/v1/audit/verify', headers: as(tokens.dpo) });
    expect(bad.json()).toMatchObject({ ok: false, firstBad: { seq: 2 } });
  });
});

describe('clock and sweep, clock not simulated', () => {
  beforeEach(() => setUp(false));

  it('reports the clock', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/clock', headers: as(tokens.auditor) });
    expect(res.json()).toEqual({ now: platform.clock.now().toISOString(), simulated: false });
  });

  it('answers 409 with the platform’s message when advancing a real clock', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/clock/advance', headers: as(tokens.operator), payload: { by: 'P40D' } });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toEqual({ error: 'clock-not-simulated', message: new ClockNotSimulatedError().message });
  });

  it('sweeps on demand', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/sweep', headers: as(tokens.operator) });
    expect(res.json()).toMatchObject({ disposed: 0, at: platform.clock.now().toISOString() });
  });

  it('lists processes newest first, by kind, through the platform', async () => {
    platform.sweeps.push(
      { id: 'retention-sweep-2', kind: 'retention-sweep', status: 'running', startedAt: '2026-04-10T09:15:00.000Z', closedAt: null },
      { id: 'retention-sweep-1', kind: 'retention-sweep', status: 'completed', startedAt: '2026-04-10T09:00:00.000Z', closedAt: '2026-04-10T09:00:02.000Z', summary: { disposed: 3 } },
    );
    const res = await app.inject({ method: 'GET', url: '/v1/processes?kind=retention-sweep&limit=1', headers: as(tokens.dpo) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ processes: [{ id: 'retention-sweep-2', kind: 'retention-sweep', status: 'running', startedAt: '2026-04-10T09:15:00.000Z', closedAt: null }] });
    const bad = await app.inject({ method: 'GET', url: '/v1/processes?kind=Robert%27)%3B', headers: as(tokens.dpo) });
    expect(bad.statusCode).toBe(400);
  });

  it('replays from an offset for an operator, and wants exactly one starting point', async () => {
    await app.inject({ method: 'POST', url: '/v1/events', headers: as(tokens.service), payload: [sampleEvent(), sampleEvent()] });
    const ok = await app.inject({ method: 'POST', url: '/v1/replay', headers: as(tokens.operator), payload: { fromOffset: 1 } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ fromOffset: 1, replayed: 2, head: 2 });
    const both = await app.inject({ method: 'POST', url: '/v1/replay', headers: as(tokens.operator), payload: { fromOffset: 1, fromTime: '2026-01-01T00:00:00Z' } });
    expect(both.statusCode).toBe(400);
    expect(JSON.stringify(both.json())).toContain('exactly one of fromOffset or fromTime');
    const dpo = await app.inject({ method: 'POST', url: '/v1/replay', headers: as(tokens.dpo), payload: { fromOffset: 1 } });
    expect(dpo.statusCode).toBe(403);
  });
});

describe('clock, simulated', () => {
  beforeEach(() => setUp(true));

  it('advances and sweeps what fell due', async () => {
    await app.inject({ method: 'POST', url: '/v1/events', headers: as(tokens.service), payload: [sampleEvent()] });
    const before = platform.clock.now();
    const res = await app.inject({ method: 'POST', url: '/v1/clock/advance', headers: as(tokens.dpo), payload: { by: 'P40D' } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Date.parse(body.now) - before.getTime()).toBe(40 * 86_400_000);
    // the fake keeps everything 30 days
    expect(body.sweep).toMatchObject({ disposed: 1 });
  });

  it.each([
    [{ by: '40 days' }, 'by'],
    [{ by: 'P40' }, 'by'],
    [{ by: 'P200Y' }, 'by'],
    [{}, 'by'],
  ])('rejects %j with a validation error naming `%s`', async (payload, field) => {
    const res = await app.inject({ method: 'POST', url: '/v1/clock/advance', headers: as(tokens.operator), payload });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error).toBe('invalid-request');
    expect(body.details).toEqual([{ path: field, message: expect.any(String) }]);
    expect(body.message).toMatch(/^invalid body: by: /);
  });

  it('rejects unknown fields in the advance body', async () => {
    const res = await app.inject({ method: 'POST', url: '/v1/clock/advance', headers: as(tokens.operator), payload: { by: 'P1D', force: true } });
    expect(res.statusCode).toBe(400);
  });
});

describe('errors that are not the client’s', () => {
  it('answers 500 without details when the platform throws', async () => {
    await setUp(false);
    platform.sweep = async () => {
      throw new Error('database is locked at /var/lib/custodian.db');
    };
    const res = await app.inject({ method: 'POST', url: '/v1/sweep', headers: as(tokens.operator) });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal', message: 'internal error; the server log has the details' });
  });
});

describe('subject-rights requests', () => {
  beforeEach(() => setUp(true));

  it('logs a request waiting for identity with its clock paused, confirms it, and lists it', async () => {
    const post = await app.inject({
      method: 'POST',
      url: '/v1/requests',
      headers: as(tokens.dpo),
      payload: { controller: 'fake-pack', kind: 'access', subjectRef: 'subj_abcdefgh1234', identityVerified: false, receivedAt: '2026-01-02T10:00:00Z' },
    });
    expect(post.statusCode).toBe(201);
    const r = post.json();
    expect(r).toMatchObject({ status: 'awaiting-identity', clock: { receivedOn: '2026-01-02', pauses: [{ reason: 'identity', from: '2026-01-02', to: null }] }, reading: { clock: { state: 'paused' } } });
    const ok = await app.inject({ method: 'POST', url: `/v1/requests/${r.id}/identity-confirmed`, headers: as(tokens.dpo) });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().status).toBe('open');
    const again = await app.inject({ method: 'POST', url: `/v1/requests/${r.id}/identity-confirmed`, headers: as(tokens.dpo) });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: 'request-state', message: expect.stringMatching(/not waiting for identity/) });
    const list = await app.inject({ method: 'GET', url: '/v1/requests?status=open', headers: as(tokens.auditor) });
    expect(list.json().requests.map((x: { id: string }) => x.id)).toEqual([r.id]);
  });

  it('refuses an extension after the first month with the date it had to be by', async () => {
    const r = (await app.inject({ method: 'POST', url: '/v1/requests', headers: as(tokens.dpo), payload: { controller: 'fake-pack', kind: 'erasure', subjectRef: 'subj_abcdefgh1234', identityVerified: true, receivedAt: '2025-11-03T10:00:00Z' } })).json();
    const res = await app.inject({ method: 'POST', url: `/v1/requests/${r.id}/extend`, headers: as(tokens.dpo), payload: { months: 2, reason: 'complex' } });
    expect(res.statusCode).toBe(409);
    expect(res.json().message).toMatch(/within the first month \(by 2025-12-03\)/);
  });

  it('wants exactly one of identifiers or subjectRef, and the dpo role to log one', async () => {
    const both = await app.inject({ method: 'POST', url: '/v1/requests', headers: as(tokens.dpo), payload: { controller: 'fake-pack', kind: 'erasure', identityVerified: true } });
    expect(both.statusCode).toBe(400);
    expect(both.json().message).toMatch(/exactly one of identifiers or subjectRef/);
    const op = await app.inject({ method: 'POST', url: '/v1/requests', headers: as(tokens.operator), payload: { controller: 'fake-pack', kind: 'erasure', subjectRef: 'subj_abcdefgh1234', identityVerified: true } });
    expect(op.statusCode).toBe(403);
  });
});

describe('access exports', () => {
  beforeEach(() => setUp(true));

  it('gives the dpo the export as JSON and as a readable document, and nobody else', async () => {
    const r = (await app.inject({ method: 'POST', url: '/v1/requests', headers: as(tokens.dpo), payload: { controller: 'fake-pack', kind: 'access', subjectRef: 'subj_abcdefgh1234', identityVerified: true } })).json();
    const json = await app.inject({ method: 'GET', url: `/v1/requests/${r.id}/export`, headers: as(tokens.dpo) });
    expect(json.statusCode).toBe(200);
    expect(json.headers['cache-control']).toBe('no-store');
    expect(json.json()).toMatchObject({ requestId: r.id, council: 'Fake District Council', records: [], withheld: [], notPortable: [] });
    const html = await app.inject({ method: 'GET', url: `/v1/requests/${r.id}/document`, headers: as(tokens.dpo) });
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.body).toContain('<h1>Your personal data — Fake District Council</h1>');
    expect(html.body).toContain(`Request ${r.id}`);
    for (const t of [tokens.auditor, tokens.operator]) expect((await app.inject({ method: 'GET', url: `/v1/requests/${r.id}/export`, headers: as(t) })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/requests/req_nope/document', headers: as(tokens.dpo) })).statusCode).toBe(404);
    const done = await app.inject({ method: 'POST', url: `/v1/requests/${r.id}/complete`, headers: as(tokens.dpo), payload: { outcome: 'sent by post' } });
    expect(done.json()).toMatchObject({ status: 'completed', outcome: 'sent by post' });
  });
});

describe('erasure commands', () => {
  beforeEach(() => setUp(false));

  it('lets a system poll and acknowledge with its service token, and says which field of an acknowledgement is wrong', async () => {
    const list = await app.inject({ method: 'GET', url: '/v1/erasure-commands?controller=fake-pack&store=portal', headers: as(tokens.service) });
    expect(list.statusCode).toBe(200);
    expect(list.json()).toEqual({ commands: [] });
    expect((await app.inject({ method: 'GET', url: '/v1/erasure-commands?controller=fake-pack&store=portal', headers: as(tokens.auditor) })).statusCode).toBe(403);
    const bad = await app.inject({ method: 'POST', url: '/v1/erasure-commands/acks', headers: as(tokens.service), payload: { acks: [{ commandId: 'task_1', recordId: 'rec_1', store: 'portal', outcome: 'gone', detail: 'x' }] } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([expect.objectContaining({ path: 'acks[0].outcome' })]);
    const ok = await app.inject({ method: 'POST', url: '/v1/erasure-commands/acks', headers: as(tokens.service), payload: { acks: [{ commandId: 'task_1', recordId: 'rec_1', store: 'portal', outcome: 'deleted', detail: 'removed' }] } });
    expect(ok.json()).toEqual({ results: [{ commandId: 'task_1', status: 'rejected', reason: 'no such command' }] });
  });
});

describe('operations and holds by role', () => {
  beforeEach(() => setUp(false));
  const hold = (reason: string) => ({ controller: 'fake-pack', scope: { kind: 'subject', subjectRef: 'subj_abcdefgh1234' }, reason, reviewEvery: 'P7D' });

  it('an operator may pause deletions, never place or lift a legal hold; the DPO may do both', async () => {
    const legal = await app.inject({ method: 'POST', url: '/v1/holds', headers: as(tokens.operator), payload: hold('legal-claim') });
    expect(legal.statusCode).toBe(403);
    expect(legal.json().message).toMatch(/the DPO's to place and review; operators may only pause deletions \(reason "operational-pause"\)/);
    const pause = await app.inject({ method: 'POST', url: '/v1/holds', headers: as(tokens.operator), payload: hold('operational-pause') });
    expect(pause.statusCode).toBe(201);
    const dpoHold = (await app.inject({ method: 'POST', url: '/v1/holds', headers: as(tokens.dpo), payload: hold('legal-claim') })).json();
    const lift = await app.inject({ method: 'POST', url: `/v1/holds/${dpoHold.id}/review`, headers: as(tokens.operator), payload: { decision: 'release', note: 'not mine to lift' } });
    expect(lift.statusCode).toBe(403);
    const ok = await app.inject({ method: 'POST', url: `/v1/holds/${pause.json().id}/review`, headers: as(tokens.operator), payload: { decision: 'release', note: 'change done' } });
    expect(ok.statusCode).toBe(200);
    expect((await app.inject({ method: 'POST', url: '/v1/holds/dry-run', headers: as(tokens.operator), payload: hold('operational-pause') })).json()).toEqual({ records: 0 });
  });

  it('retrying escalated deletions takes an explicit dry-run flag', async () => {
    const missing = await app.inject({ method: 'POST', url: '/v1/operations/retry-failed', headers: as(tokens.operator), payload: {} });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().details).toEqual([expect.objectContaining({ path: 'dryRun' })]);
    const dry = await app.inject({ method: 'POST', url: '/v1/operations/retry-failed', headers: as(tokens.operator), payload: { dryRun: true, store: '8x8' } });
    expect(dry.json()).toEqual({ matched: 0, retried: 0, records: 0 });
    expect((await app.inject({ method: 'POST', url: '/v1/operations/retry-failed', headers: as(tokens.auditor), payload: { dryRun: true } })).statusCode).toBe(403);
  });
});
