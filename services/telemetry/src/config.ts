import { ConfigError, parseEnv } from '@custodian/core';
import { z } from 'zod';

export type TracesExporter = 'none' | 'otlp' | 'console';

export interface TelemetryOptions {
  serviceName: string;
  /** `none` (the default everywhere): no exporter, no provider, spans are no-ops */
  exporter: TracesExporter;
  /** OTLP/HTTP traces endpoint, e.g. http://otel-collector:4318/v1/traces */
  otlpUrl?: string;
  /** 0..1; parent-based, so a sampled caller's trace is kept whole */
  sampleRatio?: number;
}

const url = z.url({ protocol: /^https?$/ });

/** Telemetry's environment; every problem names its variable. */
export const TelemetryEnv = z
  .object({
    CUSTODIAN_TRACES_EXPORTER: z.enum(['none', 'otlp', 'console']).default('none'),
    /** the collector's base URL; `/v1/traces` is added, as the OTel spec says */
    OTEL_EXPORTER_OTLP_ENDPOINT: url.optional(),
    /** the full traces URL, used as is; wins over OTEL_EXPORTER_OTLP_ENDPOINT */
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: url.optional(),
    CUSTODIAN_TRACES_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
    OTEL_SERVICE_NAME: z.string().min(1).max(100).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.CUSTODIAN_TRACES_EXPORTER === 'otlp' && !v.OTEL_EXPORTER_OTLP_ENDPOINT && !v.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
      ctx.addIssue({ code: 'custom', path: ['OTEL_EXPORTER_OTLP_ENDPOINT'], message: 'is required when CUSTODIAN_TRACES_EXPORTER=otlp (or set OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)' });
    }
  });

/** the same error every Custodian process gives for its environment */
export { ConfigError as TelemetryConfigError };

/** reads the options for `serviceName` from the environment (OTEL_SERVICE_NAME overrides the name) */
export function readTelemetryOptions(serviceName: string, env: NodeJS.ProcessEnv = process.env): TelemetryOptions {
  const e = parseEnv(TelemetryEnv, env, 'Custodian cannot start tracing');
  const otlpUrl = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (e.OTEL_EXPORTER_OTLP_ENDPOINT ? `${e.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces` : undefined);
  return { serviceName: e.OTEL_SERVICE_NAME ?? serviceName, exporter: e.CUSTODIAN_TRACES_EXPORTER, sampleRatio: e.CUSTODIAN_TRACES_SAMPLE_RATIO, ...(otlpUrl ? { otlpUrl } : {}) };
}
