import { Kafka, logLevel } from 'kafkajs';
import type { RecordState } from '@custodian/workflows';
import type { Registry } from '@custodian/core';

/** polls the registry until the lifecycle consumers have applied what the scenario waits for */
export async function waitForRecord(registry: Pick<Registry, 'get'>, id: string, until: (r: RecordState) => boolean = () => true, timeoutMs = 30_000): Promise<RecordState> {
  const t0 = Date.now();
  for (;;) {
    const r = (await registry.get([id])).get(id);
    if (r && until(r)) return r;
    if (Date.now() - t0 > timeoutMs) throw new Error(`record ${id} ${r ? `is ${r.status} (due ${r.dueAt}) and never got where the test waits` : 'was never registered'} in ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

/** every message of the given topics as text (key, headers, value), read from the start to the current end */
export async function topicText(brokers: string[], topics: string[]): Promise<string> {
  const kafka = new Kafka({ brokers, clientId: 'dump', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  let expected = 0;
  try {
    for (const t of topics) for (const o of await admin.fetchTopicOffsets(t)) expected += Number(o.high) - Number(o.low);
  } finally {
    await admin.disconnect();
  }
  if (!expected) return '';
  const consumer = kafka.consumer({ groupId: `dump-${Date.now()}-${Math.random()}`, maxWaitTimeInMs: 200 });
  const parts: string[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${parts.length} of ${expected} messages in 30 s`)), 30_000);
      void consumer.run({
        eachMessage: async ({ message }) => {
          parts.push(`${message.key?.toString() ?? ''} ${JSON.stringify(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])))} ${message.value?.toString() ?? ''}`);
          if (parts.length >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return parts.join('\n');
}
