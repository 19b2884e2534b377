import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ConfigError, knownVariables, readServiceConfig, requiredVariables } from './config';

const KEY = Buffer.alloc(32, 3).toString('base64');
const good = { CUSTODIAN_RUNTIME: 'distributed', CUSTODIAN_MASTER_KEY: KEY, KAFKA_BROKERS: 'kafka:9092', MONGO_URL: 'mongodb://mongo:27017/?replicaSet=rs0', CUSTODIAN_CONNECTORS: '/etc/custodian/connectors.json' };

describe('distributed services configuration', () => {
  it('names what each service cannot start without', () => {
    expect(requiredVariables('ingest')).toEqual(['CUSTODIAN_MASTER_KEY', 'CUSTODIAN_RUNTIME', 'KAFKA_BROKERS', 'MONGO_URL']);
    expect(requiredVariables('api')).toEqual(['CUSTODIAN_MASTER_KEY', 'CUSTODIAN_RUNTIME', 'KAFKA_BROKERS', 'MONGO_URL']);
    expect(requiredVariables('lifecycle')).toEqual(['CUSTODIAN_CONNECTORS', 'CUSTODIAN_MASTER_KEY', 'CUSTODIAN_RUNTIME', 'KAFKA_BROKERS', 'MONGO_URL']);
    expect(knownVariables('lifecycle')).toEqual(expect.arrayContaining(['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_TASK_QUEUE', 'KAFKA_RETENTION_MS']));
    expect(knownVariables('ingest')).not.toContain('TEMPORAL_ADDRESS');
  });

  it('reads a full environment with production defaults (idempotent producer, replication 3, 7-day topics)', () => {
    const c = readServiceConfig('lifecycle', good);
    expect(c).toMatchObject({ KAFKA_BROKERS: ['kafka:9092'], KAFKA_IDEMPOTENT: true, KAFKA_REPLICATION_FACTOR: 3, KAFKA_RETENTION_MS: 604_800_000, MONGO_DB: 'custodian', TEMPORAL_TASK_QUEUE: 'custodian-lifecycle' });
  });

  it('names every bad or missing variable, and never echoes a value', () => {
    const bad = { ...good, CUSTODIAN_RUNTIME: 'embedded', CUSTODIAN_MASTER_KEY: 'c2VjcmV0LWJ1dC10b28tc2hvcnQ=', KAFKA_BROKERS: 'kafka', MONGO_URL: 'postgres://x', KAFKA_RETENTION_MS: String(60 * 86_400_000) };
    let message = '';
    try {
      readServiceConfig('lifecycle', bad);
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      message = (e as Error).message;
    }
    for (const v of ['CUSTODIAN_RUNTIME', 'CUSTODIAN_MASTER_KEY', 'KAFKA_BROKERS', 'MONGO_URL', 'KAFKA_RETENTION_MS']) expect(message).toContain(`  ${v}: `);
    expect(message).not.toContain('c2VjcmV0');
    expect(message).not.toContain('postgres');
  });

  it('a service process started without its environment exits 1 naming the variables', () => {
    const main = resolve(__dirname, 'main.ts');
    const r = spawnSync(process.execPath, ['--import', 'tsx', main, 'ingest'], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Custodian's ingest service cannot start");
    expect(r.stderr).toContain('  KAFKA_BROKERS: ');
    expect(r.stderr).toContain('  MONGO_URL: ');
    const usage = spawnSync(process.execPath, ['--import', 'tsx', main, 'everything'], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 30_000 });
    expect(usage.status).toBe(1);
    expect(usage.stderr).toContain('usage: main.ts <ingest|lifecycle|api>');
  });
});
