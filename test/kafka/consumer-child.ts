/**
 * A lifecycle-style consumer in its own process, for the crash test: it writes each event id it is
 * handed to a file before its handler returns, and hangs for good in the handler of batch number
 * HANG_AT, so the parent can SIGKILL it mid-batch.
 */
import { appendFileSync } from 'node:fs';
import { KafkaEventStream } from '@custodian/kafka';

const env = (k: string) => {
  const v = process.env[k];
  if (!v) throw new Error(`${k} is required`);
  return v;
};
const out = env('SEEN_FILE');
const hangAt = Number(env('HANG_AT'));
const stream = new KafkaEventStream({
  brokers: env('BROKERS').split(','),
  clientId: 'crash-child',
  topicPrefix: env('PREFIX'),
  idempotent: false,
  partitions: 1,
  replicationFactor: 1,
  retentionMs: 86_400_000,
  maxWaitTimeMs: 200,
  sessionTimeoutMs: 6_000,
});
let batches = 0;
void stream.subscribe(
  'crash',
  async (b) => {
    batches++;
    appendFileSync(out, b.events.map((e) => `${e.eventId}\n`).join(''));
    if (batches === hangAt) await new Promise(() => undefined);
  },
  { maxBatch: Number(env('MAX_BATCH')) },
);
