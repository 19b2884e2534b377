/**
 * One event through the embedded runtime with tracing on: the spans form one tree from the HTTP
 * request to the projector, carry only allow-listed attributes, and nothing in the exported spans
 * is any of the event's personal data.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { buildServer } from '@custodian/api';
import { EmbeddedRuntime } from '@custodian/embedded';
import { ALLOWED_ATTRIBUTES, startTelemetry, type Telemetry } from '@custodian/telemetry';

const start = new Date('2026-03-01T10:00:00Z');
const PHONE = '07700 900123';
const EVENT_ID = 'evt-CASE-4471-0001';
const LOCATOR = 'rec-HOLLIS-8812';
const FILE = 'nsdc/2026/03/rec-HOLLIS-8812.wav';
const CALLER_TRACE = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const COUNCIL_TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const event = {
  eventId: EVENT_ID,
  type: 'call.recorded',
  version: 1,
  source: { system: '8x8-telephony' },
  controller: 'newark-sherwood',
  occurredAt: start.toISOString(),
  subject: { identifiers: [{ kind: 'phone', value: PHONE }] },
  category: 'call-recording',
  locations: [
    { store: '8x8', locator: LOCATOR },
    { store: 'recordings-files', locator: FILE },
  ],
  payload: { recordingId: LOCATOR, direction: 'inbound', team: 'customer-services', callCentreLocation: 'castle-house', startedAt: start.toISOString(), durationSeconds: 300, pauses: [] },
  trace: { traceparent: COUNCIL_TRACE },
};

let exporter: InMemorySpanExporter;
let telemetry: Telemetry;
let dir: string;
let rt: EmbeddedRuntime;

beforeAll(() => {
  exporter = new InMemorySpanExporter();
  telemetry = startTelemetry({ serviceName: 'custodian-test', exporter: 'none' }, exporter);
});
afterAll(async () => {
  await telemetry.shutdown();
});
beforeEach(() => {
  exporter.reset();
  dir = mkdtempSync(join(tmpdir(), 'custodian-trace-'));
  rt = EmbeddedRuntime.open({ dataDir: dir, simulatedClock: true, frozenAt: start, connectors: { find: () => undefined }, masterKey: Buffer.alloc(32, 9) });
});
afterEach(async () => {
  await rt.stop();
  rmSync(dir, { recursive: true, force: true });
});

const byName = (spans: ReadableSpan[], name: string) => {
  const found = spans.filter((s) => s.name === name);
  expect(found.map((s) => s.name)).toEqual([name]);
  return found[0]!;
};
const isChild = (child: ReadableSpan, parent: ReadableSpan) => {
  expect(child.spanContext().traceId).toBe(parent.spanContext().traceId);
  expect(child.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
};

test('POST /v1/events -> ingest -> publish -> projector is one trace, continuing the caller and linking the council system', async () => {
  const app = buildServer(rt.platform);
  const token = await rt.store.tokens.issue('telephony', ['service']);
  const res = await app.inject({ method: 'POST', url: '/v1/events', headers: { authorization: `Bearer ${token}`, traceparent: CALLER_TRACE }, payload: event });
  expect(res.statusCode).toBe(200);
  expect(res.json().accepted).toBe(1);
  await rt.platform.project();
  await app.close();

  const spans = exporter.getFinishedSpans();
  const http = byName(spans, 'POST /v1/events');
  const ingest = byName(spans, 'custodian.ingest');
  const publish = byName(spans, 'send event_log');
  const project = byName(spans, 'custodian.project');

  expect(http.kind).toBe(SpanKind.SERVER);
  expect(http.spanContext().traceId).toBe(CALLER_TRACE.split('-')[1]);
  expect(http.parentSpanContext?.spanId).toBe(CALLER_TRACE.split('-')[2]);
  expect(http.attributes).toEqual({ 'http.request.method': 'POST', 'http.route': '/v1/events', 'http.response.status_code': 200 });
  isChild(ingest, http);
  isChild(publish, ingest);
  isChild(project, publish);
  expect(publish.kind).toBe(SpanKind.PRODUCER);

  // the council system's own trace is a link of the ingest span
  expect(ingest.links.map((l) => `${l.context.traceId}-${l.context.spanId}`)).toEqual([COUNCIL_TRACE.split('-').slice(1, 3).join('-')]);
  expect(ingest.attributes).toMatchObject({ 'custodian.controller': 'newark-sherwood', 'custodian.events.accepted': 1, 'custodian.events.rejected': 0, 'custodian.events.duplicate': 0 });
  expect(project.attributes).toMatchObject({ 'custodian.events.count': 1, 'custodian.records.changed': 1 });

  // the log keeps the producer span's context, not the council's stale one
  const recordId = res.json().results[0].recordId as string;
  const [stored] = await rt.store.bus.eventsOfRecord(recordId);
  expect(stored!.trace!.traceparent).toBe(`00-${publish.spanContext().traceId}-${publish.spanContext().spanId}-01`);

  // only allow-listed attributes, and none had to be dropped: the services set nothing else
  for (const s of spans) {
    for (const k of Object.keys(s.attributes)) expect(Object.keys(ALLOWED_ATTRIBUTES)).toContain(k);
    expect({ span: s.name, dropped: s.droppedAttributesCount }).toEqual({ span: s.name, dropped: 0 });
  }

  const dump = JSON.stringify(
    spans.map((s) => ({ name: s.name, attributes: s.attributes, links: s.links, events: s.events, status: s.status, resource: s.resource.attributes, scope: s.instrumentationScope })),
  );
  for (const secret of [EVENT_ID, PHONE, PHONE.replace(/\s/g, ''), '900123', LOCATOR, FILE, 'HOLLIS', 'castle-house', 'customer-services', 'inbound', token]) {
    expect(dump).not.toContain(secret);
  }
});
