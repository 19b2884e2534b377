/**
 * The whole distributed stack on real engines: Kafka (KRaft), MongoDB (single-node replica set) and
 * Temporal (the CLI's dev server) in containers, the services composed in this process as
 * services/distributed/src/main.ts composes them, a real Temporal worker running the sweep. Runs the
 * same scenarios as test/distributed (mock Kafka, in-memory stores) wherever Docker answers;
 * elsewhere it says so in one line, and only the fail-fast checks below run.
 */
import { createServer } from 'node:net';
import { buildServer } from '@custodian/api';
import { MasterKey, PolicyBook, SystemClock, loadPolicyPacks, type ConnectorDirectory, type Subscription } from '@custodian/core';
import { distributedPlatform, lifecycleParts, type DistributedPlatform } from '@custodian/distributed';
import { KafkaEventStream, TopicRetentionConnector } from '@custodian/kafka';
import { MongoStore } from '@custodian/mongo';
import { TemporalOrchestrator, createSweepWorker, readTemporalConfig } from '@custodian/temporal';
import { HeldStore, distributedScenarios, type Stack } from '../distributed/scenarios';
import { containerRuntimeAnswers } from '../conformance/mongo-engine';
import { orchestratorConformance } from '../conformance/orchestrator.suite';
import { enquiry } from '../support/events';
import { topicText, waitForRecord } from '../distributed/stack-support';

jest.setTimeout(300_000);

/** a loopback port nothing listens on */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('without its engines, each distributed service fails fast and says why', () => {
  test('MongoDB, Kafka and Temporal that do not answer are reported within bounded time', async () => {
    const port = await closedPort();
    const t0 = Date.now();
    await expect(MongoStore.open({ url: `mongodb://127.0.0.1:${port}/?serverSelectionTimeoutMS=2000`, dbName: 'x' })).rejects.toThrow(/ECONNREFUSED|Server selection timed out|connect/i);
    const stream = new KafkaEventStream({ brokers: [`127.0.0.1:${port}`], clientId: 'x', topicPrefix: 'x', idempotent: false, partitions: 1, replicationFactor: 1, retentionMs: 86_400_000, kafka: { retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 }, connectionTimeout: 500 } });
    await expect(stream.publish([{ eventId: 'e', type: 'contact.received' } as never])).rejects.toThrow(/connect|ECONNREFUSED/i);
    await stream.close().catch(() => undefined);
    const tcfg = readTemporalConfig({ CUSTODIAN_MASTER_KEY: Buffer.alloc(32, 1).toString('base64'), TEMPORAL_ADDRESS: `127.0.0.1:${port}` });
    await expect(TemporalOrchestrator.connect(tcfg)).rejects.toThrow();
    expect(Date.now() - t0).toBeLessThan(60_000);
  });
});

const docker = containerRuntimeAnswers();
if (!docker) {
  // one line in the CI log, where a reader looks for it; the scenarios run on the mock in test/distributed
  console.log('[stack] distributed stack (Kafka, MongoDB, Temporal in containers): skipped: no Docker');
} else {
  describe('distributed stack in containers: the foundation scenarios', () => {
    let stack: Stack;
    let platformOf!: DistributedPlatform;
    let registryOf!: MongoStore['registry'];
    const cleanup: Array<() => Promise<unknown>> = [];
    beforeAll(async () => {
      const { GenericContainer, Wait } = await import('testcontainers');
      const { KafkaContainer } = await import('@testcontainers/kafka');
      const { MongoDBContainer } = await import('@testcontainers/mongodb');
      const [kafkaC, mongoC, temporalC] = await Promise.all([
        new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
        new MongoDBContainer('mongo:8').start(),
        new GenericContainer('temporalio/temporal:1.4.1')
          .withCommand(['server', 'start-dev', '--ip', '0.0.0.0', '--search-attribute', 'CustodianKind=Keyword', '--search-attribute', 'CustodianController=Keyword', '--search-attribute', 'CustodianSubjectRef=Keyword'])
          .withExposedPorts(7233)
          .withWaitStrategy(Wait.forListeningPorts())
          .start(),
      ]);
      cleanup.push(() => kafkaC.stop(), () => mongoC.stop(), () => temporalC.stop());
      const brokers = [`${kafkaC.getHost()}:${kafkaC.getMappedPort(9093)}`];
      // a retention a test can wait out: the connector's claim matches what the topics are told
      const retentionMs = 3_000;
      const stream = new KafkaEventStream({ brokers, clientId: 'stack', topicPrefix: 'stack', idempotent: true, partitions: 3, replicationFactor: 1, retentionMs, maxWaitTimeMs: 200, sessionTimeoutMs: 6_000 });
      await stream.ensureTopics();
      const store = await MongoStore.open({ url: mongoC.getConnectionString(), dbName: 'custodian', clientOptions: { directConnection: true } });
      const clock = new SystemClock();
      const keyB64 = Buffer.alloc(32, 5).toString('base64');
      const master = MasterKey.fromBase64(keyB64);
      const book = new PolicyBook(loadPolicyPacks());
      const vendor = new HeldStore();
      const files = new HeldStore();
      const others = new HeldStore();
      const connectors: ConnectorDirectory = { find: (_c, s) => (s === '8x8' ? vendor : s === 'recordings-files' ? files : others) };
      const tcfg = readTemporalConfig({ CUSTODIAN_MASTER_KEY: keyB64, TEMPORAL_ADDRESS: `${temporalC.getHost()}:${temporalC.getMappedPort(7233)}`, CUSTODIAN_SWEEP_BATCH: '100' });
      const lifecycle = lifecycleParts({ clock, book, stream, registry: store.registry, tasks: store.tasks, holds: store.holds, connectors, topicRetentionMs: retentionMs });
      const sub: Subscription = await lifecycle.project();
      const worker = await createSweepWorker(tcfg, { clock, registry: store.registry, tasks: store.tasks, holds: store.holds, connectors, logConnector: new TopicRetentionConnector({ clock, registry: store.registry, retentionMs }) });
      const running = worker.run();
      const platform = distributedPlatform({ service: 'api', clock, book, master, stream, stores: store, connectors, orchestrator: await TemporalOrchestrator.connect(tcfg) });
      const app = buildServer(platform);
      platformOf = platform;
      registryOf = store.registry;
      cleanup.unshift(
        () => app.close(),
        () => sub.stop(),
        async () => {
          worker.shutdown();
          await running;
        },
        () => stream.close(),
        () => store.close(),
      );
      stack = {
        app,
        clock,
        vendor,
        files,
        tokens: { service: await store.tokens.issue('svc', ['service']), operator: await store.tokens.issue('ops', ['operator', 'dpo']) },
        record: (id, until) => waitForRecord(store.registry, id, until, 60_000),
        passTopicRetention: () => new Promise((r) => setTimeout(r, retentionMs + 1_000)),
        dump: async () => {
          const parts: string[] = [];
          for (const c of await store.db.listCollections({}, { nameOnly: true }).toArray()) parts.push(JSON.stringify(await store.db.collection(c.name).find().toArray()));
          parts.push(await topicText(brokers, [...stream.topics.events(), stream.topics.deadLetters]));
          return parts.join('\n');
        },
      };
    });
    afterAll(async () => {
      for (const c of cleanup) await c().catch(() => undefined);
    });
    distributedScenarios(() => stack, 'stack');
    let seeded = 0;
    orchestratorConformance('Temporal (containers)', async () => ({
      orchestrator: platformOf.orchestrator,
      seedDueRecord: async () => {
        const [r] = await platformOf.ingest([enquiry('derby', `ENQ-ORCH-${++seeded}`, new Date(Date.now() - 800 * 86_400_000).toISOString())], 'test');
        if (r?.status !== 'accepted') throw new Error('seed event was not accepted');
        await waitForRecord(registryOf, r.recordId);
        // the topics' copy must have aged out for the record to be disposed in one sweep
        await stack.passTopicRetention();
        return r.recordId;
      },
      status: async (id) => (await registryOf.get([id])).get(id)?.status,
      close: async () => undefined,
    }));
  });
}
