import { Kafka, logLevel, type Consumer, type EachBatchPayload, type KafkaConfig } from 'kafkajs';
import type { Subscription } from '@custodian/core';

/**
 * A kafkajs client as every Custodian component makes one: warnings and errors only, passed on as
 * their message line (kafkajs logs broker and request details, never message values), and retries
 * that ride out a leader election.
 */
export function kafkaClient(o: { clientId: string; brokers: string[]; onLog?: ((level: 'error' | 'warn', message: string) => void) | undefined; kafka?: Partial<KafkaConfig> | undefined }): Kafka {
  const log = o.onLog;
  return new Kafka({
    clientId: o.clientId,
    brokers: o.brokers,
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => {
      if (!log) return;
      if (entry.level === logLevel.ERROR) log('error', entry.log.message);
      else if (entry.level === logLevel.WARN) log('warn', entry.log.message);
    },
    retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
    ...o.kafka,
  });
}

/** a consumer in `group` as every Custodian component makes one: no topic auto-creation, a heartbeat a third of the session */
export function groupConsumer(kafka: Kafka, group: string, o: { sessionTimeoutMs?: number | undefined; maxWaitTimeMs?: number | undefined }): Consumer {
  const session = o.sessionTimeoutMs ?? 30_000;
  return kafka.consumer({ groupId: group, allowAutoTopicCreation: false, sessionTimeout: session, heartbeatInterval: Math.min(3_000, Math.floor(session / 3)), maxWaitTimeInMs: o.maxWaitTimeMs ?? 1_000 });
}

/** commits the partition's position just after `lastOffset` (Kafka's committed offset is the next one to read) */
export function commitThrough(consumer: Consumer, topic: string, partition: number, lastOffset: string): Promise<void> {
  return consumer.commitOffsets([{ topic, partition, offset: (BigInt(lastOffset) + 1n).toString() }]);
}

/**
 * Runs `eachBatch` with commits left to it; stop() lets the batch in hand finish (and commit)
 * before leaving the group, then calls `stopped`.
 */
export async function runBatches(consumer: Consumer, eachBatch: (p: EachBatchPayload, stopping: () => boolean) => Promise<void>, stopped: () => void, opts: { autoResolve?: boolean } = {}): Promise<Subscription> {
  let stopping = false;
  let inHand: Promise<void> = Promise.resolve();
  await consumer.run({
    autoCommit: false,
    ...(opts.autoResolve === false ? { eachBatchAutoResolve: false } : {}),
    eachBatch: async (p) => {
      let release!: () => void;
      inHand = new Promise<void>((r) => (release = r));
      try {
        await eachBatch(p, () => stopping);
      } finally {
        release();
      }
    },
  });
  return {
    stop: async () => {
      stopping = true;
      await inHand;
      await consumer.disconnect();
      stopped();
    },
  };
}
