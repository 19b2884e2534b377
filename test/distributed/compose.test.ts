import { randomBytes } from 'node:crypto';
import { buildServer } from '@custodian/api';
import { ArchiveAndTopicsConnector, InProcessOrchestrator, MasterKey, PolicyBook, Sealer, SimulatedClock, loadPolicyPacks, type ConnectorDirectory, type Orchestrator, type Subscription } from '@custodian/core';
import { createErasureActivities } from '@custodian/temporal';
import { TopicRetentionConnector } from '@custodian/kafka';
import { MemoryPorts } from '@custodian/core/src/test-support/memory-ports';
import { distributedPlatform, lifecycleParts, type DistributedPlatform } from '@custodian/distributed';
import { KafkaEventStream, Topics } from '@custodian/kafka';
import { callRecorded, complaint, enquiry } from '../support/events';
import { MockKafkaCluster } from '../support/kafka-mock';
import { HeldStore, distributedScenarios, type Stack } from './scenarios';
import { topicText, waitForRecord } from './stack-support';

jest.setTimeout(90_000);

/**
 * The distributed services composed as production composes them, with the parts this machine can
 * run: Kafka is librdkafka's mock cluster through the real kafkajs adapter; the store ports are the
 * in-memory ones (the contract the MongoDB adapter is held to by the conformance suite); sweeps run
 * the disposal phases the Temporal activities run, without the server. test/stack runs the same
 * scenarios on real engines in containers wherever Docker exists.
 */
let cluster: MockKafkaCluster;
let stack: Stack & { platform: DistributedPlatform; stream: KafkaEventStream; stores: MemoryPorts; close(): Promise<void> };

async function compose(): Promise<typeof stack> {
  const prefix = `d${randomBytes(4).toString('hex')}`;
  const topics = new Topics(prefix);
  for (const t of [...topics.events(), topics.deadLetters]) await cluster.createTopic(t, 3, 1);
  const stream = new KafkaEventStream({ brokers: cluster.brokers, clientId: 'compose', topicPrefix: prefix, idempotent: false, partitions: 3, replicationFactor: 1, retentionMs: 7 * 86_400_000, maxWaitTimeMs: 200, sessionTimeoutMs: 6_000 });
  const clock = new SimulatedClock({ frozenAt: new Date('2026-03-01T10:00:00Z') });
  const book = new PolicyBook(loadPolicyPacks());
  const master = new MasterKey(Buffer.alloc(32, 9));
  const stores = new MemoryPorts();
  const vendor = new HeldStore();
  const files = new HeldStore();
  // every other council system (the CRM, payments) answers as a vendor does for what it no longer has
  const others = new HeldStore();
  const connectors: ConnectorDirectory = { find: (_c, store) => (store === '8x8' ? vendor : store === 'recordings-files' ? files : others) };
  const lifecycle = lifecycleParts({ clock, book, stream, registry: stores.registry, tasks: stores.tasks, holds: stores.holds, journal: stores.journal, archive: stores.archive, connectors, topicRetentionMs: 7 * 86_400_000 });
  // Temporal's part, played in process: the sweep by the disposal phases its activities run, an
  // erasure by one round of the erasure workflow's activities each time it is started
  const sweeps = new InProcessOrchestrator(() => lifecycle.disposal.sweep(), clock);
  const erasure = createErasureActivities(
    { clock, book, master, sealer: new Sealer(master, stores.vault), subjects: stores.subjects, registry: stores.registry, tasks: stores.tasks, holds: stores.holds, requests: stores.requests, vault: stores.vault, journal: stores.journal, connectors, deadLetters: stores.deadLetters, logConnector: new ArchiveAndTopicsConnector(stores.archive, new TopicRetentionConnector({ clock, registry: stores.registry, retentionMs: 7 * 86_400_000 })) },
    { heartbeat: () => undefined },
  );
  const orchestrator: Orchestrator = {
    runSweep: () => sweeps.runSweep(),
    processes: (q) => sweeps.processes(q),
    startErasure: async ({ requestId }) => {
      const now = clock.now().toISOString();
      const run = await erasure.runErasureDeletions({ requestId, now });
      if (run.touched.length) await erasure.completeErasureRecords({ recordIds: run.touched, now });
      await erasure.finishErasure({ requestId, now });
    },
  };
  const platform = distributedPlatform({
    service: 'api',
    clock,
    book,
    master,
    stream,
    stores,
    connectors,
    orchestrator,
  });
  const app = buildServer(platform);
  let sub: Subscription | null = await lifecycle.project();
  return {
    app,
    clock,
    vendor,
    files,
    platform,
    stream,
    stores,
    tokens: { service: await stores.tokens.issue('telephony', ['service']), operator: await stores.tokens.issue('ops', ['operator', 'dpo']) },
    record: (id, until) => waitForRecord(stores.registry, id, until),
    passTopicRetention: async () => {
      clock.advance('P8D');
    },
    dump: async () => `${stores.dump()}\n${await topicText(cluster.brokers, [...topics.events(), topics.deadLetters])}`,
    stopConsumers: async () => {
      await sub?.stop();
      sub = null;
    },
    close: async () => {
      await sub?.stop();
      await app.close();
      await stream.close();
    },
  } as typeof stack & { stopConsumers(): Promise<void> };
}

beforeAll(async () => {
  cluster = await MockKafkaCluster.start(3);
  stack = await compose();
});
afterAll(async () => {
  await stack?.close();
  await cluster.stop();
});

describe('distributed services on the mock cluster: the foundation scenarios', () => {
  distributedScenarios(() => stack, 'mock');
});

describe('distributed services on the mock cluster: holds and subject rights', () => {
  const as = (t: string) => ({ authorization: `Bearer ${t}` });
  const ago = (days: number) => new Date(stack.clock.now().getTime() - days * 86_400_000).toISOString();

  test('a recording under a hold is kept past its due time over Kafka and the memory stores, and disposed once released', async () => {
    const { app, tokens } = stack;
    stack.vendor.held.add('hold-rec');
    const [res] = (await app.inject({ method: 'POST', url: '/v1/events', headers: as(tokens.service), payload: callRecorded('newark-sherwood', 'hold-rec', ago(41), [{ store: '8x8', locator: 'hold-rec' }]) })).json().results;
    const rec = await stack.record(res.recordId);
    const hold = (await app.inject({ method: 'POST', url: '/v1/holds', headers: as(tokens.operator), payload: { controller: 'newark-sherwood', scope: { kind: 'record', recordId: rec.id }, reason: 'crime-or-fraud', reference: 'POLICE-77', reviewEvery: 'P1M' } })).json();
    await app.inject({ method: 'POST', url: '/v1/sweep', headers: as(tokens.operator) });
    expect((await stack.record(rec.id)).status).toBe('held');
    expect(stack.vendor.held.has('hold-rec')).toBe(true);
    const released = await app.inject({ method: 'POST', url: `/v1/holds/${hold.id}/review`, headers: as(tokens.operator), payload: { decision: 'release', note: 'no further action' } });
    expect(released.json().lifted).toEqual({ recordsUnheld: 1, tasksResumed: 0 });
    // the distributed runtime leaves it to the next scheduled sweep; the topics' copy goes with their retention
    await stack.passTopicRetention();
    await app.inject({ method: 'POST', url: '/v1/sweep', headers: as(tokens.operator) });
    expect((await stack.record(rec.id)).status).toBe('disposed');
    expect(stack.vendor.held.has('hold-rec')).toBe(false);
  });

  test('an erasure through the API: refused for an open complaint, granted for consent data, finished by the erasure activities after the topics\' retention', async () => {
    const { app, tokens } = stack;
    const who = { subject: { identifiers: [{ kind: 'email', value: 'dist.erasure@example.org' }] } };
    const events = [enquiry('north-kesteven', 'D-ENQ-1', ago(3), 'Garden waste', who), complaint('opened', 'north-kesteven', 'D-CMP-1', ago(2), who)];
    const results = (await app.inject({ method: 'POST', url: '/v1/events', headers: as(tokens.service), payload: events })).json().results;
    for (const r of results) await stack.record(r.recordId);
    const created = await app.inject({ method: 'POST', url: '/v1/requests', headers: as(tokens.operator), payload: { controller: 'north-kesteven', kind: 'erasure', identifiers: who.subject.identifiers, identityVerified: true } });
    expect(created.statusCode).toBe(201);
    const r = created.json();
    expect(r.outcome).toBe('Erasure partly granted: 1 record(s) to erase; 1 refused (Art 17(3)(b)).');
    // the topics still hold the enquiry's events: the request waits for their retention, then the workflow finishes it
    expect(r.status).toBe('in-progress');
    await stack.passTopicRetention();
    await stack.platform.orchestrator.startErasure({ requestId: r.id, controller: r.controller, subjectRef: r.subjectRef });
    const done = (await app.inject({ method: 'GET', url: `/v1/requests/${r.id}`, headers: as(tokens.operator) })).json();
    expect(done.status).toBe('completed');
    expect(done.certificate.stores.map((s: { store: string; outcome: string }) => [s.store, s.outcome]).sort()).toEqual([
      ['crm', 'absent'],
      // the topics' copies aged out with their retention: Kafka dropped them, nothing was left to delete
      ['custodian-event-log', 'absent'],
    ]);
    // the complaint keeps the key: topic copies of the complaint stay readable for its retention
    expect(done.certificate.keyDestroyedAt).toBeNull();
    expect(await stack.stores.journal.entries()).toEqual([expect.objectContaining({ requestId: r.id, recordIds: [results[0].recordId], keyDestroyed: false })]);
  });
});

describe('distributed services on the mock cluster: the archive of events', () => {
  const as = (t: string) => ({ authorization: `Bearer ${t}` });
  test('an access export reads the lifecycle service\'s archive of events, and a rectification corrects it', async () => {
    const { app, tokens } = stack;
    const who = { subject: { identifiers: [{ kind: 'email', value: 'dist.sar@example.org' }] } };
    const at = new Date(stack.clock.now().getTime() - 86_400_000).toISOString();
    const [res] = (await app.inject({ method: 'POST', url: '/v1/events', headers: as(tokens.service), payload: enquiry('derby', 'D-SAR-1', at, 'Fly-tipping report', { ...who, payload: { caseRef: 'D-SAR-1', channel: 'phone', summary: 'Fly-tipping report', contact: { email: 'dist.sar@example.org' } } }) })).json().results;
    await stack.record(res.recordId);
    const sar = (await app.inject({ method: 'POST', url: '/v1/requests', headers: as(tokens.operator), payload: { controller: 'derby', kind: 'access', identifiers: who.subject.identifiers, identityVerified: true } })).json();
    const pkg = (await app.inject({ method: 'GET', url: `/v1/requests/${sar.id}/export`, headers: as(tokens.operator) })).json();
    expect(pkg.records).toEqual([expect.objectContaining({ recordId: res.recordId, events: [expect.objectContaining({ identifiers: who.subject.identifiers, data: expect.objectContaining({ summary: 'Fly-tipping report' }) })] })]);
    const rect = (await app.inject({ method: 'POST', url: '/v1/requests', headers: as(tokens.operator), payload: { controller: 'derby', kind: 'rectification', subjectRef: sar.subjectRef, identityVerified: true, corrections: [{ field: 'email', value: 'dist.sar.new@example.org' }] } })).json();
    expect(rect.rectification.tasks.find((t: { store: string }) => t.store === 'custodian-event-log')).toMatchObject({ status: 'done', detail: '1 event(s) re-sealed with the corrections' });
    const again = JSON.stringify((await app.inject({ method: 'GET', url: `/v1/requests/${sar.id}/export`, headers: as(tokens.operator) })).json());
    expect(again).toContain('dist.sar.new@example.org');
    expect(again).not.toContain('"dist.sar@example.org"');
  });
});

describe('distributed services on the mock cluster: what is particular to them', () => {
  test('ingest refuses a repeat before Kafka sees it; projection is the lifecycle service\'s; replay is by time, with the consumers stopped', async () => {
    const { app, platform, stream, tokens } = stack;
    const event = callRecorded('newark-sherwood', 'rec-dup', '2026-02-20T09:00:00Z', [{ store: '8x8', locator: 'rec-dup' }]);
    const before = (await stream.endOffsets()).reduce((n, o) => n + Number(o.offset), 0);
    const first = await app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${tokens.service}` }, payload: event });
    const again = await app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${tokens.service}` }, payload: event });
    expect([first.json().results[0].status, again.json().results[0].status]).toEqual(['accepted', 'duplicate']);
    expect((await stream.endOffsets()).reduce((n, o) => n + Number(o.offset), 0)).toBe(before + 1);

    await expect(platform.project()).rejects.toThrow(/served by the lifecycle/);
    const listed = await app.inject({ method: 'GET', url: '/v1/processes?kind=retention-sweep', headers: { authorization: `Bearer ${tokens.operator}` } });
    expect(listed.statusCode).toBe(200);
    expect((listed.json().processes as Array<{ kind: string; status: string }>).length).toBeGreaterThan(0);
    expect(listed.json().processes[0]).toMatchObject({ kind: 'retention-sweep', status: 'completed' });

    const byOffset = await app.inject({ method: 'POST', url: '/v1/replay', headers: { authorization: `Bearer ${tokens.operator}` }, payload: { fromOffset: 1 } });
    expect(byOffset.statusCode).toBe(400);
    expect(byOffset.json().message).toMatch(/replays from a time/);
    await (stack as unknown as { stopConsumers(): Promise<void> }).stopConsumers();
    const byTime = await app.inject({ method: 'POST', url: '/v1/replay', headers: { authorization: `Bearer ${tokens.operator}` }, payload: { fromTime: '2020-01-01T00:00:00.000Z' } });
    expect(byTime.statusCode).toBe(200);
    expect(byTime.json().head).toBe(before + 1);
  });
});
