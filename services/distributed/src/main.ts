/**
 * The distributed runtime's services, each its own process, configured from the environment:
 *   tsx services/distributed/src/main.ts ingest      POST /v1/events -> Kafka (MongoDB: subjects, keys, dead letters, audit)
 *   tsx services/distributed/src/main.ts lifecycle   Kafka consumer group -> registry; Temporal worker running the sweep
 *   tsx services/distributed/src/main.ts api         the DPO's and operators' API; sweeps and replays through Temporal and Kafka
 * CUSTODIAN_RUNTIME=distributed selects it; the embedded runtime (services/embedded) stays the default.
 */
import { startServer } from '@custodian/api';
import { StaticConnectorDirectory } from '@custodian/connectors';
import { ArchiveAndTopicsConnector, CommandConnector, DisposalService, MasterKey, PolicyBook, RequestService, Sealer, SubjectCache, SystemClock, applyAcks, loadPolicyPacks, reapplyErasureJournal, withCommandStores, type ConnectorDirectory } from '@custodian/core';
import { KafkaErasureCommands, KafkaEventStream, TopicRetentionConnector } from '@custodian/kafka';
import { MongoStore, collectionConnectors } from '@custodian/mongo';
import { TemporalOrchestrator, clientInterceptors, createSweepWorker, ensureSweepSchedule, readTemporalConfig } from '@custodian/temporal';
import { Client, Connection } from '@temporalio/client';
import { startTelemetry, type Telemetry } from '@custodian/telemetry';
import { ConfigError, SERVICES, readServiceConfig, readServiceTracing, type ServiceName } from './config';
import { lifecycleParts } from './lifecycle';
import { distributedPlatform } from './platform';

const NO_CONNECTORS: ConnectorDirectory = { find: () => undefined };
const log = (line: string) => process.stdout.write(`${line}\n`);

type KafkaSettings = Pick<ReturnType<typeof readServiceConfig<'ingest'>>, 'KAFKA_BROKERS' | 'KAFKA_CLIENT_ID' | 'KAFKA_TOPIC_PREFIX' | 'KAFKA_IDEMPOTENT' | 'KAFKA_PARTITIONS' | 'KAFKA_REPLICATION_FACTOR' | 'KAFKA_RETENTION_MS'>;

function kafkaOf(cfg: KafkaSettings, service: ServiceName) {
  return new KafkaEventStream({
    brokers: cfg.KAFKA_BROKERS,
    clientId: `${cfg.KAFKA_CLIENT_ID}-${service}`,
    topicPrefix: cfg.KAFKA_TOPIC_PREFIX,
    idempotent: cfg.KAFKA_IDEMPOTENT,
    partitions: cfg.KAFKA_PARTITIONS,
    replicationFactor: cfg.KAFKA_REPLICATION_FACTOR,
    retentionMs: cfg.KAFKA_RETENTION_MS,
    onLog: (level, m) => process.stderr.write(`[kafka ${level}] ${m}\n`),
  });
}

async function serveHttp(service: 'ingest' | 'api') {
  const cfg = readServiceConfig(service);
  const master = MasterKey.fromBase64(cfg.CUSTODIAN_MASTER_KEY);
  const store = await MongoStore.open({ url: cfg.MONGO_URL, dbName: cfg.MONGO_DB });
  const stream = kafkaOf(cfg, service);
  const orchestrator = service === 'api' ? await TemporalOrchestrator.connect(readTemporalConfig(process.env)) : undefined;
  const platform = distributedPlatform({
    service,
    clock: new SystemClock(),
    book: new PolicyBook(loadPolicyPacks(cfg.CUSTODIAN_POLICY_PACKS)),
    master,
    stream,
    stores: store,
    connectors: NO_CONNECTORS,
    ...(orchestrator ? { orchestrator } : {}),
  });
  const server = await startServer(platform, { host: cfg.CUSTODIAN_HTTP_HOST, port: cfg.CUSTODIAN_HTTP_PORT });
  log(`custodian ${service} listening on ${cfg.CUSTODIAN_HTTP_HOST}:${cfg.CUSTODIAN_HTTP_PORT}`);
  return async () => {
    await server.close();
    await stream.close();
    await store.close();
  };
}

async function lifecycle(telemetry: Telemetry) {
  const cfg = readServiceConfig('lifecycle');
  const tcfg = readTemporalConfig(process.env);
  const clock = new SystemClock();
  const store = await MongoStore.open({ url: cfg.MONGO_URL, dbName: cfg.MONGO_DB });
  const stream = kafkaOf(cfg, 'lifecycle');
  const created = await stream.ensureTopics();
  if (created.length) log(`created topics: ${created.join(', ')}`);
  const book = new PolicyBook(loadPolicyPacks(cfg.CUSTODIAN_POLICY_PACKS));
  // systems that delete their own data: commands on a topic, acknowledgements back on another
  const commands = new KafkaErasureCommands({
    brokers: cfg.KAFKA_BROKERS,
    clientId: `${cfg.KAFKA_CLIENT_ID}-lifecycle-commands`,
    topicPrefix: cfg.KAFKA_TOPIC_PREFIX,
    idempotent: cfg.KAFKA_IDEMPOTENT,
    partitions: cfg.KAFKA_PARTITIONS,
    replicationFactor: cfg.KAFKA_REPLICATION_FACTOR,
    onLog: (level, m) => process.stderr.write(`[kafka ${level}] ${m}\n`),
  });
  const createdCommands = await commands.ensureTopics();
  if (createdCommands.length) log(`created topics: ${createdCommands.join(', ')}`);
  const collections = collectionConnectors();
  const connectors = withCommandStores(StaticConnectorDirectory.fromFile(cfg.CUSTODIAN_CONNECTORS, { mongodb: (b) => collections.build(b) }), book, new CommandConnector(commands, clock, { ackTimeoutMs: cfg.CUSTODIAN_COMMAND_ACK_TIMEOUT_MS, maxCommands: cfg.CUSTODIAN_COMMAND_MAX_SENDS }));
  const master = MasterKey.fromBase64(tcfg.CUSTODIAN_MASTER_KEY);
  const sealer = new Sealer(master, store.vault);
  const subjects = new SubjectCache(store.subjects);
  // before the consumers read the topics: erasures a restored database lost are applied again
  const restored = await reapplyErasureJournal({ clock, journal: store.journal, registry: store.registry, vault: store.vault, subjects, sealer });
  if (restored.records || restored.keys) log(`erasure journal re-applied: ${restored.records} record(s), ${restored.keys} key(s)`);
  const parts = lifecycleParts({ clock, book, stream, registry: store.registry, tasks: store.tasks, holds: store.holds, journal: store.journal, archive: store.archive, connectors, topicRetentionMs: cfg.KAFKA_RETENTION_MS });
  const sub = await parts.project();
  const disposalDeps = {
    clock,
    registry: store.registry,
    tasks: store.tasks,
    holds: store.holds,
    connectors,
    logConnector: new ArchiveAndTopicsConnector(store.archive, new TopicRetentionConnector({ clock, registry: store.registry, retentionMs: cfg.KAFKA_RETENTION_MS })),
  };
  // an acknowledgement finishes its task and, with its record's other stores done, the record; the erasure workflow sees it next round
  const completer = new DisposalService(disposalDeps, { batch: 500, maxRounds: 1, actor: 'erasure-acks' });
  const erasureDeps = { bus: { eventsOfRecord: (id: string) => store.archive.ofRecord(id), rewriteSealed: (u: Parameters<typeof store.archive.rewriteSealed>[0]) => store.archive.rewriteSealed(u) }, clock, book, master, sealer, subjects, registry: store.registry, tasks: store.tasks, holds: store.holds, requests: store.requests, vault: store.vault, journal: store.journal, connectors, deadLetters: store.deadLetters };
  const requests = new RequestService(erasureDeps);
  const acks = await commands.subscribeAcks('custodian-erasure-acks', async (received) => {
    // correction commands belong to a rectification; the rest finish deletion tasks
    const corrections = received.filter((a) => a.commandId.startsWith('rect_'));
    if (corrections.length) await requests.acknowledgeCorrections(corrections, 'erasure-acks');
    const { touched } = await applyAcks({ clock, tasks: store.tasks }, received.filter((a) => !a.commandId.startsWith('rect_')), 'erasure-acks');
    if (touched.length) await completer.completeFinished([...(await store.registry.get(touched)).values()], clock.now().toISOString());
  });
  const worker = await createSweepWorker(tcfg, disposalDeps, telemetry, erasureDeps);
  const connection = await Connection.connect({ address: tcfg.TEMPORAL_ADDRESS, tls: tcfg.TEMPORAL_TLS });
  log(`sweep schedule ${await ensureSweepSchedule(new Client({ connection, namespace: tcfg.TEMPORAL_NAMESPACE, interceptors: clientInterceptors() }).schedule, tcfg)}`);
  const running = worker.run();
  log('custodian lifecycle running: projector consumer group and sweep worker');
  return async () => {
    await sub.stop();
    await acks.stop();
    await commands.close();
    await collections.close();
    worker.shutdown();
    await running;
    await connection.close();
    await stream.close();
    await store.close();
  };
}

async function main() {
  const service = process.argv[2];
  if (!service || !(service in SERVICES)) throw new ConfigError(`usage: main.ts <${Object.keys(SERVICES).join('|')}>`);
  // before anything makes a span; exporter `none` (the default) registers nothing
  const telemetry = startTelemetry(readServiceTracing(service as ServiceName));
  const stop = service === 'lifecycle' ? await lifecycle(telemetry) : await serveHttp(service as 'ingest' | 'api');
  const shutdown = async () => {
    await stop();
    await telemetry.shutdown();
    process.exit(0);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof ConfigError ? e.message : e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
