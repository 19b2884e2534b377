export { startTelemetry, type Telemetry } from './start';
export { readTelemetryOptions, TelemetryConfigError, TelemetryEnv, type TelemetryOptions, type TracesExporter } from './config';
export { createExporter } from './exporter';
export { ALLOWED_ATTRIBUTES, filterAttributes } from './allow-list';
export { AllowListSpanProcessor, redactSpan } from './allow-list-processor';
export { TraceContextOnlyPropagator } from './propagator';
export type { WorkflowSpanData } from './workflow-spans';
