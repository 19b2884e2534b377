import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import { readTelemetryOptions } from './config';
import { createExporter } from './exporter';
import { filterAttributes } from './allow-list';
import { startTelemetry } from './start';

describe('the attribute allow-list', () => {
  test('keeps allowed keys, drops unknown keys, URLs with query strings and over-long values', () => {
    const { kept, dropped } = filterAttributes({
      'custodian.store': '8x8',
      'custodian.events.accepted': 3,
      'http.route': '/v1/records/:id',
      'custodian.event.id': 'evt-CASE-1',
      'url.full': 'https://vendor.example/recordings/rec-1?token=x',
      'exception.message': 'ENOENT: /recordings/07700900123.wav',
      'custodian.locator': 'rec-1',
      'custodian.controller': 'x'.repeat(300),
    });
    expect(kept).toEqual({ 'custodian.store': '8x8', 'custodian.events.accepted': 3, 'http.route': '/v1/records/:id' });
    expect(dropped).toBe(5);
    expect(filterAttributes({ 'http.route': '/v1/dlq?status=open' }).kept).toEqual({});
  });

  test('spans are exported with only allowed attributes, no status message and no exception text', async () => {
    const exporter = new InMemorySpanExporter();
    const t = startTelemetry({ serviceName: 'test', exporter: 'none' }, exporter);
    try {
      const span = trace.getTracer('t').startSpan('s', { attributes: { 'custodian.store': 'files', 'custodian.locator': 'calls/07700900123.wav' } });
      span.recordException(new Error('cannot open calls/07700900123.wav'));
      span.setStatus({ code: 2, message: 'cannot open calls/07700900123.wav' });
      span.end();
      const [out] = exporter.getFinishedSpans();
      expect(out!.attributes).toEqual({ 'custodian.store': 'files' });
      expect(out!.droppedAttributesCount).toBe(1);
      expect(JSON.stringify({ a: out!.attributes, e: out!.events, s: out!.status })).not.toContain('07700900123');
    } finally {
      await t.shutdown();
    }
  });
});

describe('configuration', () => {
  test('exporter none is the default and creates no exporter, and registers nothing', async () => {
    const opts = readTelemetryOptions('svc', {});
    expect(opts.exporter).toBe('none');
    expect(createExporter(opts)).toBeNull();
    const t = startTelemetry(opts);
    expect(t.enabled).toBe(false);
    const span = trace.getTracer('t').startSpan('nothing');
    expect(span.isRecording()).toBe(false);
    span.end();
    await t.shutdown();
  });

  test('otlp needs a URL, and the error names the variable', () => {
    expect(() => readTelemetryOptions('svc', { CUSTODIAN_TRACES_EXPORTER: 'otlp' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => createExporter({ exporter: 'otlp' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT/);
    expect(() => readTelemetryOptions('svc', { CUSTODIAN_TRACES_EXPORTER: 'jaeger' })).toThrow(/CUSTODIAN_TRACES_EXPORTER/);
    const opts = readTelemetryOptions('svc', { CUSTODIAN_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' });
    expect(opts.otlpUrl).toBe('http://collector:4318/v1/traces');
    expect(createExporter(opts)).not.toBeNull();
  });
});

describe('propagation', () => {
  test('W3C trace context in and out; baggage neither read nor forwarded', async () => {
    const t = startTelemetry({ serviceName: 'test', exporter: 'none' }, new InMemorySpanExporter());
    try {
      const incoming = { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', baggage: 'email=someone%40example.org' };
      const ctx = propagation.extract(ROOT_CONTEXT, incoming);
      expect(trace.getSpanContext(ctx)?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      const out: Record<string, string> = {};
      context.with(ctx, () => trace.getTracer('t').startActiveSpan('child', (s) => {
        propagation.inject(context.active(), out);
        s.end();
      }));
      expect(out.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
      expect(Object.keys(out)).toEqual(['traceparent']);
      expect(trace.getSpanContext(propagation.extract(ROOT_CONTEXT, { traceparent: '00-00000000000000000000000000000000-b7ad6b7169203331-01' }))).toBeUndefined();
    } finally {
      await t.shutdown();
    }
  });
});
