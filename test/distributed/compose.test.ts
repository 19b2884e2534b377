import { randomBytes } from 'node:crypto';
import { buildServer } from '@custodian/api';
import { MasterKey, PolicyBook, Sealer, SimulatedClock, loadPolicyPacks, type ConnectorDirectory, type DeletionConnector, type DeletionRequest, type DeletionResult, type Subscription } from '@custodian/core';
import { MemoryPorts } from '@custodian/core/src/test-support/memory-ports';
import { DistributedPlatform, lifecycleParts } from '@custodian/distributed';
import { KafkaEventStream, Topics } from '@custodian/kafka';
import { DEFAULT_RETRY } from '@custodian/workflows';
import { callRecorded } from '../support/events';
import { MockKafkaCluster } from '../support/kafka-mock';

jest.setTimeout(90_000);

/**
 * The distributed services composed as production composes them, with the parts this machine can
 * run: Kafka is librdkafka's mock cluster through the real kafkajs adapter; the store ports are the
 * in-memory ones (the same contract the MongoDB adapter is held to by the conformance suite); the
 * sweep runs the disposal phases the Temporal activities run, without the server.
 */
class Vendor implements DeletionConnector {
  readonly kind = 'memory';
  readonly retry = DEFAULT_RETRY;
  readonly held = new Set<string>();
  async delete(reqs: DeletionRequest[]): Promise<DeletionResult[]> {
    return reqs.map((r) => (this.held.delete(r.locator) ? { outcome: 'deleted', detail: 'HTTP 204' } : { outcome: 'absent', detail: 'HTTP 404' }));
  }
}

let cluster: MockKafkaCluster;
beforeAll(async () => {
  cluster = await MockKafkaCluster.start(3);
});
afterAll(async () => {
  await cluster.stop();
});

test('an event posted to the ingest API goes through Kafka to the lifecycle consumer, and is disposed everywhere at 40 days', async () => {
  const prefix = `d${randomBytes(4).toString('hex')}`;
  const topics = new Topics(prefix);
  for (const t of [...topics.events(), topics.deadLetters]) await cluster.createTopic(t, 3, 1);
  const stream = new KafkaEventStream({ brokers: cluster.brokers, clientId: 'compose', topicPrefix: prefix, idempotent: false, partitions: 3, replicationFactor: 1, retentionMs: 7 * 86_400_000, maxWaitTimeMs: 200, sessionTimeoutMs: 6_000 });
  const clock = new SimulatedClock({ frozenAt: new Date('2026-03-01T10:00:00Z') });
  const book = new PolicyBook(loadPolicyPacks());
  const master = new MasterKey(Buffer.alloc(32, 9));
  const stores = new MemoryPorts();
  const vendor = new Vendor();
  const files = new Vendor();
  const connectors: ConnectorDirectory = { find: (_c, store) => (store === '8x8' ? vendor : store === 'recordings-files' ? files : undefined) };
  const lifecycle = lifecycleParts({ clock, book, stream, registry: stores.registry, tasks: stores.tasks, connectors, topicRetentionMs: 7 * 86_400_000 });
  const platform = new DistributedPlatform({
    service: 'api',
    clock,
    book,
    master,
    sealer: new Sealer(master, stores.vault),
    stream,
    subjects: stores.subjects,
    registry: stores.registry,
    tasks: stores.tasks,
    deadLetters: stores.deadLetters,
    audit: stores.audit,
    tokens: stores.tokens,
    idempotency: stores.idempotency,
    connectors,
    orchestrator: { runSweep: () => lifecycle.disposal.sweep() },
  });
  const app = buildServer(platform);
  let sub: Subscription | null = null;
  try {
    const service = await stores.tokens.issue('telephony', ['service']);
    const operator = await stores.tokens.issue('ops', ['operator', 'dpo']);
    vendor.held.add('rec-d1');
    files.held.add('nsdc/rec-d1.wav');
    const event = callRecorded('newark-sherwood', 'rec-d1', '2026-03-01T09:00:00Z', [
      { store: '8x8', locator: 'rec-d1' },
      { store: 'recordings-files', locator: 'nsdc/rec-d1.wav' },
    ]);
    const posted = await app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${service}` }, payload: event });
    expect(posted.statusCode).toBe(200);
    const [result] = posted.json().results as Array<{ status: string; recordId: string }>;
    expect(result!.status).toBe('accepted');
    // Kafka cannot refuse a repeat: ingest's idempotency keys do, and nothing is published again
    const again = await app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${service}` }, payload: event });
    expect((again.json().results as Array<{ status: string }>)[0]!.status).toBe('duplicate');
    expect((await stream.endOffsets()).reduce((n, o) => n + Number(o.offset), 0)).toBe(1);

    sub = await lifecycle.project();
    const t0 = Date.now();
    while (!(await stores.registry.get([result!.recordId])).size && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 100));
    const view = await app.inject({ method: 'GET', url: `/v1/records/${result!.recordId}`, headers: { authorization: `Bearer ${operator}` } });
    expect(view.statusCode).toBe(200);
    expect(view.json().record).toMatchObject({ status: 'active', dueAt: '2026-04-10T09:00:00.000Z', controller: 'newark-sherwood' });

    // the projection is the lifecycle service's; this service says so instead of pretending
    const project = await platform.project().catch((e: Error) => e.message);
    expect(project).toMatch(/served by the lifecycle/);

    clock.advance('P39D');
    const early = await app.inject({ method: 'POST', url: '/v1/sweep', headers: { authorization: `Bearer ${operator}` } });
    expect(early.json()).toMatchObject({ started: 0, disposed: 0 });
    clock.advance('P1D');
    const sweep = await app.inject({ method: 'POST', url: '/v1/sweep', headers: { authorization: `Bearer ${operator}` } });
    expect(sweep.json()).toMatchObject({ started: 1, disposed: 1 });
    const after = (await stores.registry.get([result!.recordId])).get(result!.recordId)!;
    expect(after.status).toBe('disposed');
    expect(after.disposal!.receipts.map((r) => `${r.store}:${r.outcome}:${r.detail}`)).toEqual([
      '8x8:deleted:HTTP 204',
      "custodian-event-log:absent:the topics' copies aged out (retention 7 day(s))",
      'recordings-files:deleted:HTTP 204',
    ]);
    expect(vendor.held.size + files.held.size).toBe(0);

    // replay: by offset is refused with the reason; by time needs the consumers stopped
    const byOffset = await app.inject({ method: 'POST', url: '/v1/replay', headers: { authorization: `Bearer ${operator}` }, payload: { fromOffset: 1 } });
    expect(byOffset.statusCode).toBe(400);
    expect(byOffset.json().message).toMatch(/replays from a time/);
    await sub.stop();
    sub = null;
    const byTime = await app.inject({ method: 'POST', url: '/v1/replay', headers: { authorization: `Bearer ${operator}` }, payload: { fromTime: '2026-01-01T00:00:00.000Z' } });
    expect(byTime.statusCode).toBe(200);
    expect(byTime.json().head).toBe(1);
    expect((await stores.audit.verify()).ok).toBe(true);
  } finally {
    await sub?.stop();
    await app.close();
    await stream.close();
  }
});
