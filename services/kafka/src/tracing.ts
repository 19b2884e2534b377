import { consuming, publishing, sole, type PublishStatus, type StoredEvent } from '@custodian/core';
import type { Topics } from './topics';

/**
 * Kafka's spans, with the messaging semantic-convention names. The producer span's context is what
 * each message's `traceparent` header carries (encodeEvent writes `event.trace`, which `publishing`
 * replaces): a consumer continues the producer's trace, linked to the council system's through the
 * ingest span. Headers and attributes carry topic names, partitions and counts, never keys or values.
 */
export function tracedPublish(topics: Topics, events: StoredEvent[], send: (stamped: StoredEvent[]) => Promise<PublishStatus[]>): Promise<PublishStatus[]> {
  const topic = sole(events.map((e) => topics.forType(e.type)));
  const attributes = { 'messaging.system': 'kafka', 'messaging.operation.name': 'send', ...(topic ? { 'messaging.destination.name': topic } : {}) };
  return publishing(attributes, topic ? `send ${topic}` : 'send', events, send);
}

/** one consumer span per handled batch: links to each message's context (see batchPlacement) */
export function tracedHandle(group: string, topic: string, partition: number, events: StoredEvent[], handle: () => Promise<void>): Promise<void> {
  const attributes = {
    'messaging.system': 'kafka',
    'messaging.operation.name': 'process',
    'messaging.destination.name': topic,
    'messaging.destination.partition.id': String(partition),
    'messaging.consumer.group.name': group,
  };
  return consuming(attributes, `process ${topic}`, events, handle);
}
