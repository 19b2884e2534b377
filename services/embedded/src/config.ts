import { ConfigError, parseEnv } from '@custodian/core';
import { resolve } from 'node:path';
import { readTelemetryOptions, type TelemetryOptions } from '@custodian/telemetry';
import { z } from 'zod';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');

/** The embedded service's configuration, from the environment; every problem names its variable. */
export const EmbeddedConfig = z.object({
  CUSTODIAN_DATA_DIR: z.string().min(1).default('.custodian/data'),
  CUSTODIAN_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  CUSTODIAN_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  /** JSON file binding each council store to a connector (see README "Connecting stores") */
  CUSTODIAN_CONNECTORS: z.string().min(1, 'must name the connector bindings JSON file'),
  CUSTODIAN_POLICY_PACKS: z.string().min(1).optional(),
  CUSTODIAN_SIMULATED_CLOCK: flag.default(false),
  CUSTODIAN_MASTER_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be base64 of 32 random bytes (openssl rand -base64 32)').optional(),
  CUSTODIAN_SWEEP_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(10_000),
});
export type EmbeddedConfig = z.infer<typeof EmbeddedConfig>;

export { ConfigError };

export function readConfig(env: NodeJS.ProcessEnv = process.env): EmbeddedConfig {
  const c = parseEnv(EmbeddedConfig, env, 'Custodian cannot start');
  return { ...c, CUSTODIAN_DATA_DIR: resolve(c.CUSTODIAN_DATA_DIR) };
}

/**
 * Tracing: off unless CUSTODIAN_TRACES_EXPORTER says otherwise (`otlp` with OTEL_EXPORTER_OTLP_ENDPOINT,
 * or `console`); the variables are checked by the telemetry package and reported like the others.
 */
export function readTracingConfig(env: NodeJS.ProcessEnv = process.env): TelemetryOptions {
  try {
    return readTelemetryOptions('custodian-embedded', env);
  } catch (e) {
    throw new ConfigError(e instanceof Error ? e.message : String(e));
  }
}
