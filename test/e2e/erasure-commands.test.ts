import { Harness, accepted } from '../support/harness';
import { enquiry } from '../support/events';

let h: Harness;
beforeEach(async () => {
  h = await Harness.start(new Date('2026-03-10T10:00:00Z'));
});
afterEach(() => h.close());

const NOTTS = 'nottinghamshire';
const PORTAL = { controller: NOTTS, store: 'customer-portal', limit: 10 };

async function enquiryAtPortal(ref: string) {
  await h.place(NOTTS, 'crm', ref);
  const locations = [
    { store: 'crm', locator: ref },
    { store: 'customer-portal', locator: `portal/${ref}` },
  ];
  return accepted((await h.ingest([enquiry(NOTTS, ref, '2026-03-01T09:00:00Z', 'Pothole on Main Street', { locations })]))[0]);
}

test('a system that deletes its own data gets an erasure command and its acknowledgement finishes the disposal', async () => {
  const { recordId } = await enquiryAtPortal('ENQ-NT-1');
  expect(await h.platform.erasureCommands(PORTAL)).toEqual([]);
  await h.advance('P2Y');
  let view = (await h.platform.record(recordId))!;
  expect(view.record.status).toBe('disposing');
  const [cmd, ...more] = await h.platform.erasureCommands(PORTAL);
  expect(more).toEqual([]);
  expect(cmd).toMatchObject({ recordId, controller: NOTTS, store: 'customer-portal', locator: 'portal/ENQ-NT-1', attempt: 1 });
  expect(view.tasks.find((t) => t.store === 'customer-portal')).toMatchObject({ status: 'pending', lastError: 'erasure command 1 of 3 sent; waiting for acknowledgement' });

  const results = await h.platform.acknowledge([{ commandId: cmd!.commandId, recordId, store: 'customer-portal', outcome: 'deleted', detail: 'case and attachments removed', reference: 'PORTAL-DEL-77' }], 'svc:portal');
  expect(results).toEqual([{ commandId: cmd!.commandId, status: 'applied' }]);
  view = (await h.platform.record(recordId))!;
  expect(view.record.status).toBe('disposed');
  expect(view.record.disposal!.receipts.find((r) => r.store === 'customer-portal')).toMatchObject({ outcome: 'deleted', detail: 'acknowledged: case and attachments removed', reference: 'PORTAL-DEL-77' });
  // acknowledged: no longer offered, and a repeat changes nothing
  expect(await h.platform.erasureCommands(PORTAL)).toEqual([]);
  expect(await h.platform.acknowledge([{ commandId: cmd!.commandId, recordId, store: 'customer-portal', outcome: 'deleted', detail: 'again' }], 'svc:portal')).toEqual([{ commandId: cmd!.commandId, status: 'duplicate' }]);
  // an acknowledgement for something never commanded is refused
  expect(await h.platform.acknowledge([{ commandId: 'task_unknown', recordId, store: 'customer-portal', outcome: 'deleted', detail: 'x' }], 'svc:portal')).toEqual([{ commandId: 'task_unknown', status: 'rejected', reason: 'no such command' }]);
});

test('no acknowledgement: the command is sent again after the timeout, then the deletion is escalated', async () => {
  const { recordId } = await enquiryAtPortal('ENQ-NT-2');
  await h.advance('P2Y');
  expect((await h.platform.erasureCommands(PORTAL))[0]).toMatchObject({ attempt: 1 });
  await h.advance('P1D');
  expect((await h.platform.erasureCommands(PORTAL))[0]).toMatchObject({ attempt: 2 });
  await h.advance('P1D');
  expect((await h.platform.erasureCommands(PORTAL))[0]).toMatchObject({ attempt: 3 });
  await h.advance('P1D');
  const view = (await h.platform.record(recordId))!;
  expect(view.record.status).toBe('disposing');
  expect(view.tasks.find((t) => t.store === 'customer-portal')).toMatchObject({ status: 'failed', attempts: 4, lastError: 'no acknowledgement after 3 erasure command(s), 1440 minute(s) apart' });
  // the other store was deleted; the escalation is audited and counted for the dashboard
  expect(view.tasks.find((t) => t.store === 'crm')!.status).toBe('done');
  const escalated = (await h.platform.audit({ limit: 500 })).filter((e) => e.action === 'deletion.escalated');
  expect(escalated).toHaveLength(1);
  expect(escalated[0]!.reason).toMatch(/deletion at customer-portal failed after 4 attempt\(s\): no acknowledgement/);
  expect((await h.platform.overview()).stats.failedTasks).toBe(1);
});
