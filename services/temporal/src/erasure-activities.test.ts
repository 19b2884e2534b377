import { RequestService, type SimulatedClock } from '@custodian/core';
import { FakeConnectorDirectory, ScriptedConnector, ev, testPlatform } from '@custodian/core/src/test-support/memory-ports';
import { createErasureActivities } from './erasure-activities';

const NK = 'north-kesteven';
const FAST = { maxAttempts: 5, baseDelayMs: 60_000, maxDelayMs: 60_000 };

/** a North Kesteven enquiry (consent) whose erasure the request service has begun; the CRM answers as scripted */
async function begun(crmAnswers: (call: number) => 'ok' | 'down') {
  const dir = new FakeConnectorDirectory();
  const crm = new ScriptedConnector(FAST, (_r, call) => (crmAnswers(call) === 'ok' ? { outcome: 'deleted', detail: 'HTTP 204' } : { outcome: 'retry', detail: 'HTTP 503', retryAfterMs: 60_000 }));
  dir.bind(NK, 'crm', crm);
  const t = testPlatform({ connectors: dir, start: '2026-03-10T10:00:00.000Z' });
  const [r] = await t.platform.ingest([ev.enquiry(NK, 'ENQ-T-1', '2026-03-01T09:00:00Z')], 'svc');
  if (r?.status !== 'accepted') throw new Error(JSON.stringify(r));
  await t.platform.project();
  const deps = { clock: t.clock, book: t.book, master: t.master, sealer: t.sealer, subjects: t.ports.subjects, registry: t.ports.registry, tasks: t.ports.tasks, holds: t.ports.holds, requests: t.ports.requests, vault: t.ports.vault, journal: t.ports.journal, connectors: dir, bus: t.ports.bus };
  // the request service alone (the API's part): decided and begun, nothing run yet
  const req = await new RequestService(deps).receive({ controller: NK, kind: 'erasure', subjectRef: r.subjectRef, identityVerified: true }, 'dpo');
  expect(req.status).toBe('in-progress');
  const acts = createErasureActivities(deps, { heartbeat: () => undefined });
  return { t, acts, req, recordId: r.recordId, subjectRef: r.subjectRef, crm };
}

describe('erasure activities', () => {
  it('run the request\'s deletions, complete its record and finish with a certificate and the key destroyed', async () => {
    const { t, acts, req, recordId, subjectRef } = await begun(() => 'ok');
    const now = t.clock.now().toISOString();
    const run = await acts.runErasureDeletions({ requestId: req.id, now });
    expect(run).toEqual({ touched: [recordId], tasksRun: 2, tasksFailed: 0 });
    expect(await acts.completeErasureRecords({ recordIds: run.touched, now })).toEqual({ disposed: [recordId] });
    expect(await acts.finishErasure({ requestId: req.id, now })).toEqual({ status: 'completed', waiting: 0, escalated: 0, nextAttemptAt: null });
    const done = (await t.ports.requests.get(req.id))!;
    expect(done.status).toBe('completed');
    expect(done.certificate!.keyDestroyedAt).toBe(now);
    expect(await t.ports.vault.get([`subj:${subjectRef}`])).toEqual(new Map([[`subj:${subjectRef}`, null]]));
    // idempotent: a retried activity after the result was lost changes nothing
    expect(await acts.runErasureDeletions({ requestId: req.id, now })).toEqual({ touched: [], tasksRun: 0, tasksFailed: 0 });
    expect(await acts.finishErasure({ requestId: req.id, now })).toMatchObject({ status: 'completed' });
  });

  it('a store that is down: the request waits, with the next retry time, and completes once it answers', async () => {
    const { t, acts, req, crm } = await begun((call) => (call === 1 ? 'down' : 'ok'));
    const now = t.clock.now().toISOString();
    await acts.runErasureDeletions({ requestId: req.id, now });
    const waiting = await acts.finishErasure({ requestId: req.id, now });
    expect(waiting).toMatchObject({ status: 'waiting', waiting: 1, escalated: 0 });
    expect(Date.parse(waiting.nextAttemptAt!) - Date.parse(now)).toBeGreaterThanOrEqual(60_000);
    // not yet time: nothing runs
    expect((await acts.runErasureDeletions({ requestId: req.id, now })).tasksRun).toBe(0);
    (t.clock as SimulatedClock).advance('PT2M');
    const later = t.clock.now().toISOString();
    const run = await acts.runErasureDeletions({ requestId: req.id, now: later });
    expect(run.tasksRun).toBe(1);
    await acts.completeErasureRecords({ recordIds: run.touched, now: later });
    expect(await acts.finishErasure({ requestId: req.id, now: later })).toMatchObject({ status: 'completed' });
    expect(crm.requests).toHaveLength(2);
  });
});
