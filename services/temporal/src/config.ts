import { ConfigError, envError, parseEnv } from '@custodian/core';
import { z } from 'zod';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
/** the interval strings the Temporal client takes (ms-style), e.g. "15m", "1h" */
const interval = z.string().regex(/^[1-9][0-9]*(s|m|h|d)$/, 'must be a whole number of s, m, h or d, e.g. 15m');

/**
 * The distributed runtime's Temporal settings, from the environment; every problem names its
 * variable. The master key is the one the embedded runtime uses: the payload key is derived from it.
 */
export const TemporalConfig = z.object({
  TEMPORAL_ADDRESS: z.string().regex(/^[A-Za-z0-9.-]+:[0-9]{1,5}$/, 'must be host:port, e.g. temporal:7233').default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be a Temporal namespace name').default('default'),
  TEMPORAL_TASK_QUEUE: z.string().regex(/^[A-Za-z0-9._-]{1,255}$/, 'must be a task queue name').default('custodian-lifecycle'),
  TEMPORAL_TLS: flag.default(false),
  CUSTODIAN_MASTER_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be base64 of 32 random bytes (openssl rand -base64 32)'),
  /** the payload key version new payloads are written with; raise it to rotate */
  CUSTODIAN_PAYLOAD_KEY_VERSION: z.coerce.number().int().min(1).max(1_000).default(1),
  /** versions still readable after a rotation, comma-separated, e.g. "1,2" */
  CUSTODIAN_PAYLOAD_PREVIOUS_KEY_VERSIONS: z
    .string()
    .regex(/^$|^[1-9][0-9]{0,3}(,[1-9][0-9]{0,3})*$/, 'must be comma-separated key versions, e.g. 1,2')
    .default('')
    .transform((s) => (s ? s.split(',').map(Number) : [])),
  // due records go within a minute of their due time, as in the embedded runtime (each sweep that finds nothing is a short workflow)
  CUSTODIAN_SWEEP_EVERY: interval.default('1m'),
  CUSTODIAN_SWEEP_BATCH: z.coerce.number().int().min(1).max(2_000).default(500),
  /** a workflow bundle made ahead of time (scripts/bundle-workflows.ts); else the worker bundles at start */
  CUSTODIAN_WORKFLOW_BUNDLE: z.string().min(1).optional(),
});
export type TemporalConfig = z.infer<typeof TemporalConfig>;

export { ConfigError };

const CANNOT_START = "Custodian's Temporal worker cannot start";

export function readTemporalConfig(env: NodeJS.ProcessEnv = process.env): TemporalConfig {
  const c = parseEnv(TemporalConfig, env, CANNOT_START);
  if (c.CUSTODIAN_PAYLOAD_PREVIOUS_KEY_VERSIONS.includes(c.CUSTODIAN_PAYLOAD_KEY_VERSION)) {
    throw envError(CANNOT_START, ['CUSTODIAN_PAYLOAD_PREVIOUS_KEY_VERSIONS: must not include the current CUSTODIAN_PAYLOAD_KEY_VERSION']);
  }
  return c;
}
