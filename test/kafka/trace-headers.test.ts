/**
 * Trace context through Kafka without a broker: the producer span's context goes into each
 * message's traceparent header (replacing the event's own), and the consumer span continues it.
 */
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { StoredEvent } from '@custodian/core';
import { HEADER, decodeEvent, encodeEvent, type WireMessage } from '@custodian/kafka/src/message';
import { Topics } from '@custodian/kafka/src/topics';
import { tracedHandle, tracedPublish } from '@custodian/kafka/src/tracing';
import { startTelemetry, type Telemetry } from '@custodian/telemetry';

const STALE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

const stored = (): StoredEvent => ({
  eventId: 'evt-1',
  type: 'call.recorded',
  version: 1,
  source: { system: '8x8-telephony' },
  controller: 'newark-sherwood',
  category: 'call-recording',
  occurredAt: '2026-03-01T10:00:00.000Z',
  receivedAt: '2026-03-01T10:00:00.000Z',
  subjectRef: 'subj_abc',
  recordId: 'rec_abc',
  facts: { recordKey: 'r1' } as StoredEvent['facts'],
  locations: [{ store: '8x8', locator: 'rec-1' }],
  cardData: [],
  policyVersion: 'nsdc@1',
  trace: { traceparent: STALE },
  sealed: null,
});

let exporter: InMemorySpanExporter;
let telemetry: Telemetry;
beforeAll(() => {
  exporter = new InMemorySpanExporter();
  telemetry = startTelemetry({ serviceName: 'test', exporter: 'none' }, exporter);
});
afterAll(() => telemetry.shutdown());

test('a publish under an active span puts the producer span (its child) into the traceparent header; the consumer continues it', async () => {
  let wire: WireMessage[] = [];
  await trace.getTracer('test').startActiveSpan('caller', async (caller) => {
    await tracedPublish(new Topics('custodian'), [stored()], async (stamped) => {
      wire = stamped.map(encodeEvent);
      return stamped.map((e, i) => ({ eventId: e.eventId, status: 'appended' as const, offset: i }));
    });
    caller.end();
  });
  const spans = exporter.getFinishedSpans();
  const caller = spans.find((s) => s.name === 'caller')!;
  const producer = spans.find((s) => s.kind === SpanKind.PRODUCER)!;
  expect(producer.name).toBe('send custodian.events.call.v1');
  expect(producer.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
  expect(producer.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': 'custodian.events.call.v1', 'messaging.batch.message_count': 1 });

  const header = wire[0]!.headers[HEADER.traceparent]!;
  expect(header).toBe(`00-${caller.spanContext().traceId}-${producer.spanContext().spanId}-01`);
  expect(header).not.toBe(STALE);

  // the consumer side: decoded from the wire, handled in a consumer span continuing the producer's
  const decoded = decodeEvent(Buffer.from(wire[0]!.value), wire[0]!.headers, 7);
  await tracedHandle('lifecycle', 'custodian.events.call.v1', 0, [decoded], async () => undefined);
  const consumer = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CONSUMER)!;
  expect(consumer.spanContext().traceId).toBe(caller.spanContext().traceId);
  expect(consumer.parentSpanContext?.spanId).toBe(producer.spanContext().spanId);
  expect(consumer.links.map((l) => l.context.spanId)).toEqual([producer.spanContext().spanId]);
  expect(consumer.attributes).toMatchObject({ 'messaging.consumer.group.name': 'lifecycle', 'messaging.destination.partition.id': '0', 'messaging.operation.type': 'process' });
});
