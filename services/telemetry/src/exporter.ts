import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ConsoleSpanExporter, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { TelemetryConfigError, type TelemetryOptions } from './config';

/** the exporter `opts` asks for; `none` makes none at all */
export function createExporter(opts: Pick<TelemetryOptions, 'exporter' | 'otlpUrl'>): SpanExporter | null {
  switch (opts.exporter) {
    case 'none':
      return null;
    case 'console':
      return new ConsoleSpanExporter();
    case 'otlp':
      if (!opts.otlpUrl) throw new TelemetryConfigError('OTEL_EXPORTER_OTLP_ENDPOINT: is required when CUSTODIAN_TRACES_EXPORTER=otlp (or set OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)');
      return new OTLPTraceExporter({ url: opts.otlpUrl });
  }
}
