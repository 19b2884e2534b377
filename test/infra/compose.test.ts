import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Topics } from '@custodian/kafka';
import { SearchAttributes } from '@custodian/workflows/src/temporal/contract';
import { devBindings } from '../../infra/scripts/connectors';
import { PRODUCTION, topicCommands, topicNames } from '../../infra/scripts/topics';
import { INFRA, composeProblems, dryRun, parseDotenv, shortestCategoryRetentionMs, type Compose, type InfraFiles } from './compose-check';

/*
 * infra/ cannot be run here (no Docker daemon): these checks parse the compose file and run its shell
 * scripts in DRY_RUN mode, and hold both to the code they must agree with. Each check is shown to
 * fail on a broken copy, so a passing run means something.
 */

const read = (f: string) => readFileSync(join(INFRA, f), 'utf8');
let real: InfraFiles;

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-env-'));
  try {
    execFileSync('sh', [join(INFRA, 'scripts/dev-env.sh'), join(dir, '.env')], { encoding: 'utf8' });
    real = {
      compose: parse(read('docker-compose.yml'), { merge: true }) as Compose,
      createTopicsSh: read('scripts/create-topics.sh'),
      registerAttributesSh: read('scripts/register-search-attributes.sh'),
      bindings: { 'connectors.dev.json': JSON.parse(read('connectors.dev.json')) as unknown },
      envExample: read('.env.example'),
      dotenv: parseDotenv(readFileSync(join(dir, '.env'), 'utf8')),
      dockerfile: read('Dockerfile'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** a deep copy of the real files with one thing changed */
function broken(change: (f: InfraFiles) => void): InfraFiles {
  const f = structuredClone(real);
  change(f);
  return f;
}
const env = (f: InfraFiles, service: string) => f.compose.services[service]!.environment as Record<string, string>;

test('the compose file, its scripts and the services agree', () => {
  expect(composeProblems(real)).toEqual([]);
});

test('the dev master key is generated, valid, and not committed', () => {
  expect(real.dotenv.CUSTODIAN_MASTER_KEY).toMatch(/^[A-Za-z0-9+/]{43}=$/);
  expect(parseDotenv(read('.env.example')).CUSTODIAN_MASTER_KEY).toBe('');
  expect(read('.gitignore').split('\n')).toContain('.env');
  // two runs make two different keys; an existing file is kept
  const dir = mkdtempSync(join(tmpdir(), 'custodian-env-'));
  try {
    const file = join(dir, '.env');
    execFileSync('sh', [join(INFRA, 'scripts/dev-env.sh'), file]);
    const first = readFileSync(file, 'utf8');
    expect(execFileSync('sh', [join(INFRA, 'scripts/dev-env.sh'), file], { encoding: 'utf8' })).toMatch(/keeping it/);
    expect(readFileSync(file, 'utf8')).toBe(first);
    expect(parseDotenv(first).CUSTODIAN_MASTER_KEY).not.toBe(real.dotenv.CUSTODIAN_MASTER_KEY);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the topic script creates what Topics names, for any prefix', () => {
  const lines = dryRun(real.createTopicsSh, { KAFKA_TOPIC_PREFIX: 'nsdc-prod', KAFKA_PARTITIONS: '24' });
  const t = new Topics('nsdc-prod');
  expect(lines.map((l) => /--create .*--topic (\S+)/.exec(l)?.[1]).filter(Boolean)).toEqual([...t.events(), t.deadLetters]);
  // with no settings it makes production's topics, as topics.ts does
  expect(dryRun(real.createTopicsSh, {})).toEqual(topicCommands(PRODUCTION));
  expect(topicCommands(PRODUCTION).filter((l) => l.includes('--create')).every((l) => l.includes('--replication-factor 3') && l.includes('min.insync.replicas=2') && l.includes('--partitions 12'))).toBe(true);
  expect(topicNames('custodian')).toHaveLength(9);
  expect(() => topicCommands({ ...PRODUCTION, minInsync: 4 })).toThrow(/no write could succeed/);
});

test('topic retention stays below the shortest category retention', () => {
  const shortest = shortestCategoryRetentionMs();
  expect(shortest.what).toMatch(/P40D/);
  expect(PRODUCTION.retentionMs).toBeLessThan(shortest.ms);
});

test('the search-attribute script registers exactly the workflows\' attributes', () => {
  const lines = dryRun(real.registerAttributesSh, { TEMPORAL_NAMESPACE: 'custodian-prod' });
  expect(lines.filter((l) => l.includes('search-attribute create'))).toEqual(
    Object.values(SearchAttributes).map((a) => `temporal operator search-attribute create --namespace custodian-prod --name ${a.name} --type Keyword`),
  );
});

test('the development bindings are current: every store of every pack, made as the demo makes them', () => {
  expect(real.bindings['connectors.dev.json']).toEqual(JSON.parse(JSON.stringify(devBindings())));
});

describe('each check fails on a broken copy', () => {
  const cases: Array<[string, (f: InfraFiles) => void, RegExp]> = [
    ['a required variable missing', (f) => delete env(f, 'api').MONGO_URL, /api: MONGO_URL is required but not provided/],
    ['the master key missing from lifecycle', (f) => delete env(f, 'lifecycle').CUSTODIAN_MASTER_KEY, /lifecycle: CUSTODIAN_MASTER_KEY is required/],
    ['a typo in a variable name', (f) => (env(f, 'ingest').KAFKA_PARTITION = '3'), /ingest: KAFKA_PARTITION is set but the ingest service does not read it/],
    ['a Temporal variable on ingest', (f) => (env(f, 'ingest').TEMPORAL_ADDRESS = 'temporal:7233'), /ingest: TEMPORAL_ADDRESS is set but the ingest service does not read it/],
    ['an invalid value', (f) => (env(f, 'api').KAFKA_RETENTION_MS = '60000'), /api: KAFKA_RETENTION_MS/],
    ['a secret not written by dev-env.sh', (f) => delete f.dotenv.CUSTODIAN_MASTER_KEY, /CUSTODIAN_MASTER_KEY\} is not in infra\/.env/],
    ['an undocumented secret', (f) => (f.envExample = f.envExample.replace(/^TEMPORAL_DB_PASSWORD=.*$/m, '')), /does not document TEMPORAL_DB_PASSWORD/],
    ['a broker that is not a service', (f) => { for (const s of ['ingest', 'lifecycle', 'api']) env(f, s).KAFKA_BROKERS = 'broker:9092'; }, /KAFKA_BROKERS names broker/],
    ['a broker port not advertised', (f) => (env(f, 'lifecycle').KAFKA_BROKERS = 'kafka:9093'), /KAFKA_BROKERS kafka:9093 is not a listener/],
    ['services disagreeing on the prefix', (f) => (env(f, 'ingest').KAFKA_TOPIC_PREFIX = 'other'), /disagree on KAFKA_TOPIC_PREFIX/],
    ['MONGO_URL without the replica set', (f) => (env(f, 'api').MONGO_URL = 'mongodb://mongo:27017/'), /api: MONGO_URL names no replicaSet/],
    ['MONGO_URL naming another replica set', (f) => (env(f, 'api').MONGO_URL = 'mongodb://mongo:27017/?replicaSet=rs1'), /replicaSet=rs1 but mongod runs --replSet rs0/],
    ['MONGO_URL on the wrong port', (f) => (env(f, 'ingest').MONGO_URL = 'mongodb://mongo:27018/?replicaSet=rs0'), /port 27018 is not the port mongod listens on/],
    ['MONGO_URL naming no service', (f) => (env(f, 'ingest').MONGO_URL = 'mongodb://db:27017/?replicaSet=rs0'), /MONGO_URL names db/],
    ['rs.initiate naming another member', (f) => (f.compose.services.mongo!.healthcheck!.test = ["CMD", "mongosh", "--eval", "rs.initiate({ _id: 'rs0', members: [{ _id: 0, host: 'localhost:27017' }] })"]), /member is localhost:27017/],
    ['Temporal on the wrong port', (f) => (env(f, 'api').TEMPORAL_ADDRESS = 'temporal:7234'), /TEMPORAL_ADDRESS port 7234/],
    ['Temporal naming the UI', (f) => (env(f, 'lifecycle').TEMPORAL_ADDRESS = 'temporal-ui:7233'), /TEMPORAL_ADDRESS names temporal-ui/],
    ['the wrong service started', (f) => (f.compose.services.api!.command = ['npx', 'tsx', 'services/distributed/src/main.ts', 'ingest']), /api: command is/],
    ['not waiting for the topics', (f) => delete (f.compose.services.ingest!.depends_on as Record<string, unknown>)['kafka-topics'], /ingest: does not wait for the kafka-topics job/],
    ['not waiting for the replica set', (f) => ((f.compose.services.api!.depends_on as Record<string, { condition: string }>).mongo = { condition: 'service_started' }), /api: does not wait for mongo to be healthy/],
    ['an unpinned image', (f) => (f.compose.services.jaeger!.image = 'jaegertracing/jaeger:latest'), /jaeger: image jaegertracing\/jaeger:latest is not pinned/],
    ['the topic script missing a family', (f) => (f.createTopicsSh = f.createTopicsSh.replace(' equalities"', '"')), /create-topics.sh creates \[.*\], Topics names/],
    ['the topic job with other partitions', (f) => (env(f, 'kafka-topics').KAFKA_PARTITIONS = '6'), /kafka-topics: KAFKA_PARTITIONS=6 but the services use KAFKA_PARTITIONS=3/],
    ['min.insync above replication', (f) => (env(f, 'kafka-topics').KAFKA_MIN_INSYNC_REPLICAS = '2'), /min.insync.replicas is above the replication factor/],
    ['the topic script and topics.ts drifting', (f) => (f.createTopicsSh = f.createTopicsSh.replace('cleanup.policy=delete"', 'cleanup.policy=compact"')), /print different commands/],
    ['retention longer than a category', (f) => { for (const s of ['kafka-topics', 'ingest', 'lifecycle', 'api']) env(f, s).KAFKA_RETENTION_MS = String(45 * 86_400_000); }, /not below the shortest category retention/],
    ['a search attribute not registered', (f) => (f.registerAttributesSh = f.registerAttributesSh.replace(' CustodianSubjectRef:Keyword', '')), /register-search-attributes.sh registers/],
    ['a search attribute of the wrong type', (f) => (f.registerAttributesSh = f.registerAttributesSh.replace('CustodianKind:Keyword', 'CustodianKind:Text')), /register-search-attributes.sh registers/],
    ['search attributes on another namespace', (f) => (env(f, 'temporal-setup').TEMPORAL_NAMESPACE = 'custodian'), /temporal-setup: namespace custodian but the services use default/],
    ['the bindings file not mounted', (f) => (f.compose.services.lifecycle!.volumes = []), /CUSTODIAN_CONNECTORS=\/etc\/custodian\/connectors.json is not a file mounted/],
    ['a store left unbound', (f) => (f.bindings['connectors.dev.json'] = (f.bindings['connectors.dev.json'] as Array<{ store: string }>).filter((b) => b.store !== '8x8')), /newark-sherwood's store 8x8 is not bound/],
    ['an invalid binding', (f) => ((f.bindings['connectors.dev.json'] as Array<Record<string, unknown>>)[0]!.urlTemplate = 'ftp://x'), /urlTemplate/],
    ['the vendor token not given to lifecycle', (f) => delete env(f, 'lifecycle').CUSTODIAN_DEV_VENDOR_TOKEN, /bindings read \$\{env:CUSTODIAN_DEV_VENDOR_TOKEN\}, which is not set/],
    ['a workflow bundle the image does not build', (f) => (env(f, 'lifecycle').CUSTODIAN_WORKFLOW_BUNDLE = '/tmp/bundle.js'), /is not the bundle infra\/Dockerfile writes/],
  ];
  test.each(cases)('%s', (_name, change, problem) => {
    const problems = composeProblems(broken(change));
    expect(problems.join('\n')).toMatch(problem);
  });
});
