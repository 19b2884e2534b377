import { ConfigError, readTemporalConfig } from './config';

const KEY = Buffer.alloc(32, 3).toString('base64');

describe('readTemporalConfig', () => {
  it('needs only the master key; the rest has defaults', () => {
    expect(readTemporalConfig({ CUSTODIAN_MASTER_KEY: KEY })).toEqual({
      TEMPORAL_ADDRESS: 'localhost:7233',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'custodian-lifecycle',
      TEMPORAL_TLS: false,
      CUSTODIAN_MASTER_KEY: KEY,
      CUSTODIAN_PAYLOAD_KEY_VERSION: 1,
      CUSTODIAN_PAYLOAD_PREVIOUS_KEY_VERSIONS: [],
      CUSTODIAN_SWEEP_EVERY: '1m',
      CUSTODIAN_SWEEP_BATCH: 500,
    });
  });

  it('reads every variable', () => {
    const cfg = readTemporalConfig({
      TEMPORAL_ADDRESS: 'temporal.internal:7233',
      TEMPORAL_NAMESPACE: 'custodian-prod',
      TEMPORAL_TASK_QUEUE: 'lifecycle',
      TEMPORAL_TLS: '1',
      CUSTODIAN_MASTER_KEY: KEY,
      CUSTODIAN_PAYLOAD_KEY_VERSION: '3',
      CUSTODIAN_PAYLOAD_PREVIOUS_KEY_VERSIONS: '1,2',
      CUSTODIAN_SWEEP_EVERY: '1h',
      CUSTODIAN_SWEEP_BATCH: '200',
      CUSTODIAN_WORKFLOW_BUNDLE: '/app/workflows.js',
    });
    expect(cfg).toMatchObject({ TEMPORAL_ADDRESS: 'temporal.internal:7233', TEMPORAL_TLS: true, CUSTODIAN_PAYLOAD_KEY_VERSION: 3, CUSTODIAN_PAYLOAD_PREVIOUS_KEY_VERSIONS: [1, 2], CUSTODIAN_SWEEP_EVERY: '1h', CUSTODIAN_SWEEP_BATCH: 200, CUSTODIAN_WORKFLOW_BUNDLE: '/app/workflows.js' });
  });

  it('a missing master key is named', () => {
    expect(() => readTemporalConfig({})).toThrow(ConfigError);
    expect(() => readTemporalConfig({})).toThrow(/CUSTODIAN_MASTER_KEY/);
  });

  it.each([
    ['TEMPORAL_ADDRESS', 'temporal', /TEMPORAL_ADDRESS: must be host:port/],
    ['TEMPORAL_NAMESPACE', 'has space', /TEMPORAL_NAMESPACE: must be a Temporal namespace name/],
    ['TEMPORAL_TLS', 'yes', /TEMPORAL_TLS/],
    ['CUSTODIAN_SWEEP_EVERY', '15 minutes', /CUSTODIAN_SWEEP_EVERY: must be a whole number of s, m, h or d/],
    ['CUSTODIAN_SWEEP_BATCH', '0', /CUSTODIAN_SWEEP_BATCH/],
    ['CUSTODIAN_PAYLOAD_PREVIOUS_KEY_VERSIONS', '1;2', /CUSTODIAN_PAYLOAD_PREVIOUS_KEY_VERSIONS: must be comma-separated/],
  ])('a bad %s is named with what is wrong', (name, value, message) => {
    expect(() => readTemporalConfig({ CUSTODIAN_MASTER_KEY: KEY, [name]: value })).toThrow(message);
  });

  it('a bad master key is named, and its value is never echoed', () => {
    const bad = 'c2VjcmV0LW1hc3Rlci1rZXktdGhhdC1pcy10b28tc2hvcnQ';
    const err = (() => {
      try {
        readTemporalConfig({ CUSTODIAN_MASTER_KEY: bad });
      } catch (e) {
        return e as Error;
      }
      return null;
    })();
    expect(err?.message).toMatch(/CUSTODIAN_MASTER_KEY: must be base64 of 32 random bytes/);
    expect(err?.message).not.toContain(bad);
  });

  it('the current key version cannot also be listed as a previous one', () => {
    expect(() => readTemporalConfig({ CUSTODIAN_MASTER_KEY: KEY, CUSTODIAN_PAYLOAD_KEY_VERSION: '2', CUSTODIAN_PAYLOAD_PREVIOUS_KEY_VERSIONS: '1,2' })).toThrow(/CUSTODIAN_PAYLOAD_PREVIOUS_KEY_VERSIONS: must not include/);
  });
});
