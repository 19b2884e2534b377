import { ConfigError, parseEnv } from '@custodian/core';
import { TemporalConfig } from '@custodian/temporal';
import { TelemetryEnv, readTelemetryOptions, type TelemetryOptions } from '@custodian/telemetry';
import { z } from 'zod';

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const base64Key = z.string().regex(/^[A-Za-z0-9+/]{43}=$/, 'must be base64 of 32 random bytes (openssl rand -base64 32)');

/** One switch selects the runtime; the embedded one stays the default (services/embedded/src/main.ts). */
export const RUNTIMES = ['embedded', 'distributed'] as const;

const common = {
  CUSTODIAN_RUNTIME: z.literal('distributed', { error: 'must be "distributed" for these services (the embedded runtime is services/embedded)' }),
  /** the same 32-byte key every service of one installation shares (KMS-held in production) */
  CUSTODIAN_MASTER_KEY: base64Key,
  CUSTODIAN_POLICY_PACKS: z.string().min(1).optional(),
};

const kafka = {
  KAFKA_BROKERS: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:[0-9]{1,5}(,[A-Za-z0-9.-]+:[0-9]{1,5})*$/, 'must be host:port[,host:port...], e.g. kafka:9092')
    .transform((s) => s.split(',')),
  KAFKA_CLIENT_ID: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/).default('custodian'),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/, 'may only hold letters, digits, ".", "_" and "-"').default('custodian'),
  /** on in production; only librdkafka's mock cluster (tests) needs it off */
  KAFKA_IDEMPOTENT: flag.default(true),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1_000).default(12),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(7).default(3),
  /** must stay below the shortest retention of any category (40 days): see infra/README.md */
  KAFKA_RETENTION_MS: z.coerce.number().int().min(3_600_000).max(30 * 86_400_000).default(7 * 86_400_000),
};

const mongo = {
  MONGO_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// connection string'),
  MONGO_DB: z.string().regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be a database name').default('custodian'),
};

const http = {
  CUSTODIAN_HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  CUSTODIAN_HTTP_PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
};

const temporal = TemporalConfig.omit({ CUSTODIAN_MASTER_KEY: true }).shape;

/** ingest: POST /v1/events and dead-letter reprocessing; validates, links, seals, publishes to Kafka */
export const IngestConfig = z.object({ ...common, ...kafka, ...mongo, ...http });
/** lifecycle: the projector (a Kafka consumer group) and the Temporal worker running the sweep */
export const LifecycleConfig = z.object({
  ...common,
  ...kafka,
  ...mongo,
  ...temporal,
  /** JSON file binding each council store to a connector (the same format as the embedded service) */
  CUSTODIAN_CONNECTORS: z.string().min(1, 'must name the connector bindings JSON file'),
  /** erasure commands to systems that delete their own data: wait this long for an acknowledgement (default 24 h) */
  CUSTODIAN_COMMAND_ACK_TIMEOUT_MS: z.coerce.number().int().min(1_000).default(24 * 3_600_000),
  /** and send a command this many times before the deletion is escalated (default 3) */
  CUSTODIAN_COMMAND_MAX_SENDS: z.coerce.number().int().min(1).max(20).default(3),
});
/** api: the DPO's and operators' reads, sweeps on demand and replays; it reads workflow state through Temporal */
export const ApiConfig = z.object({ ...common, ...kafka, ...mongo, ...http, ...temporal });

export const SERVICES = { ingest: IngestConfig, lifecycle: LifecycleConfig, api: ApiConfig } as const;
export type ServiceName = keyof typeof SERVICES;
export type IngestConfig = z.infer<typeof IngestConfig>;
export type LifecycleConfig = z.infer<typeof LifecycleConfig>;
export type ApiConfig = z.infer<typeof ApiConfig>;

export { ConfigError };

export function readServiceConfig<S extends ServiceName>(service: S, env: NodeJS.ProcessEnv = process.env): z.infer<(typeof SERVICES)[S]> {
  return parseEnv(SERVICES[service], env, `Custodian's ${service} service cannot start`) as z.infer<(typeof SERVICES)[S]>;
}

/** the variables a service cannot start without (no default): what a deployment must provide */
export function requiredVariables(service: ServiceName): string[] {
  const shape = SERVICES[service].shape as Record<string, z.ZodType>;
  return Object.entries(shape)
    .filter(([, t]) => !t.safeParse(undefined).success)
    .map(([k]) => k)
    .sort();
}

/** every variable a service reads: its own, and the tracing ones every service shares */
export function knownVariables(service: ServiceName): string[] {
  return [...Object.keys(SERVICES[service].shape), ...Object.keys(TelemetryEnv.shape)].sort();
}

/**
 * Tracing for one service, named `custodian-<service>`: off unless CUSTODIAN_TRACES_EXPORTER says
 * otherwise. Kept out of SERVICES: those list what a deployment must or may set for the service to
 * run, and tracing variables are the telemetry package's (see services/telemetry/src/config.ts).
 */
export function readServiceTracing(service: ServiceName, env: NodeJS.ProcessEnv = process.env): TelemetryOptions {
  return readTelemetryOptions(`custodian-${service}`, env);
}
