import { commitThrough, groupConsumer, kafkaClient, runBatches } from './client';
import { Partitioners, type Kafka, type Admin, type Consumer, type KafkaConfig, type PartitionMetadata, type Producer } from 'kafkajs';
import type { EventStream, PublishStatus, StoredEvent, StreamBatch, Subscription } from '@custodian/core';
import { HEADER, UndecodableMessage, deadLetterMessage, decodeEvent, encodeEvent, headerString, type DeadLetterOut } from './message';
import { Topics } from './topics';
import { tracedHandle, tracedPublish } from './tracing';

export interface KafkaStreamOptions {
  brokers: string[];
  clientId: string;
  topicPrefix: string;
  /**
   * idempotent producer (acks=all, one request in flight per broker, sequence numbers): on in
   * production. librdkafka's mock cluster cannot serve it (see engines-offline.md), so its tests turn it off.
   */
  idempotent: boolean;
  /** for ensureTopics() */
  partitions: number;
  replicationFactor: number;
  /** how long topics keep events; disposal of the topics' copy relies on it (see infra/README.md) */
  retentionMs: number;
  /** a handler's failure is retried this long before the consumer gives up the batch to a restart */
  handlerBackoffMs?: { initial: number; max: number };
  /**
   * how long a fetch waits for new messages; a stopping consumer waits for the fetch in flight, so
   * this bounds how long stop() and a rebalance take (kafkajs' default is 5 s)
   */
  maxWaitTimeMs?: number;
  /** a member silent this long is dropped from its group and its partitions go to the others */
  sessionTimeoutMs?: number;
  /** errors from kafkajs' own logger; never message contents */
  onLog?: (level: 'error' | 'warn', message: string) => void;
  kafka?: Partial<KafkaConfig>;
}

/**
 * A handler throws this for events it can never process (a contract violation found after decoding):
 * those go to the dead-letter topic and the rest of the batch is handled again. Any other error is
 * treated as transient (a store down) and the whole batch is retried, never dead-lettered, so an
 * outage cannot empty the stream into the DLQ.
 */
export class PoisonEvents extends Error {
  override readonly name = 'PoisonEvents';
  constructor(
    readonly offsets: number[],
    readonly reason: string,
  ) {
    super(reason);
  }
}


/** Kafka topics behind the EventStream port: kafkajs 2.2.4 (in maintenance; kept behind the port). */
export class KafkaEventStream implements EventStream {
  readonly topics: Topics;
  private readonly kafka: Kafka;
  private producer: Producer | null = null;
  private producing: Promise<Producer> | null = null;
  private readonly consumers = new Set<Consumer>();

  constructor(private readonly o: KafkaStreamOptions) {
    this.topics = new Topics(o.topicPrefix);
    this.kafka = kafkaClient(o);
  }

  private async getProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.producing ??= (async () => {
      const common = { allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner };
      const p = this.kafka.producer(this.o.idempotent ? { ...common, idempotent: true, maxInFlightRequests: 1 } : common);
      await p.connect();
      this.producer = p;
      return p;
    })().catch((e: unknown) => {
      this.producing = null;
      throw e;
    });
    return this.producing;
  }

  /**
   * Appends to the family topics with acks from all in-sync replicas. Kafka cannot answer
   * "duplicate": every event is reported appended; the consumers' brain is idempotent per record,
   * and repeats are answered before publishing by ingest's idempotency keys.
   * Partitions are chosen here with kafkajs' default (murmur2, Java-compatible) partitioner, so each
   * event's offset can be read off its partition's base offset.
   */
  async publish(events: StoredEvent[]): Promise<PublishStatus[]> {
    if (!events.length) return [];
    // in a producer span whose context each message's traceparent header carries (tracing.ts)
    return tracedPublish(this.topics, events, (stamped) => this.send(stamped));
  }

  private async send(events: StoredEvent[]): Promise<PublishStatus[]> {
    const producer = await this.getProducer();
    const placed = events.map((e) => ({ e, topic: this.topics.forType(e.type), m: encodeEvent(e) }));
    const counts = await this.partitionCounts([...new Set(placed.map((x) => x.topic))]);
    const byTopic = new Map<string, Array<{ key: string; value: string; headers: Record<string, string>; partition: number }>>();
    const slots = placed.map(({ topic, m }) => {
      const partition = this.partitioner({ topic, partitionMetadata: counts.get(topic)!, message: { key: m.key, value: m.value } });
      const list = byTopic.get(topic) ?? [];
      list.push({ ...m, partition });
      byTopic.set(topic, list);
      return { topic, partition };
    });
    const meta = await producer.sendBatch({ topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })), acks: -1 });
    const base = new Map(meta.map((r) => [`${r.topicName}/${r.partition}`, BigInt(r.baseOffset ?? '-1')]));
    const rank = new Map<string, number>();
    return slots.map(({ topic, partition }, i) => {
      const k = `${topic}/${partition}`;
      const n = rank.get(k) ?? 0;
      rank.set(k, n + 1);
      const b = base.get(k);
      if (b === undefined || b < 0n) throw new Error(`the broker did not report an offset for ${k}`);
      return { eventId: events[i]!.eventId, status: 'appended' as const, offset: Number(b) + n };
    });
  }

  private readonly partitioner = Partitioners.DefaultPartitioner();
  private readonly partitionMeta = new Map<string, PartitionMetadata[]>();

  private async partitionCounts(topics: string[]): Promise<Map<string, PartitionMetadata[]>> {
    const missing = topics.filter((t) => !this.partitionMeta.has(t));
    if (missing.length) {
      const admin = await this.admin();
      try {
        const { topics: found } = await admin.fetchTopicMetadata({ topics: missing });
        for (const t of found) this.partitionMeta.set(t.name, t.partitions);
      } finally {
        await admin.disconnect();
      }
    }
    return new Map(topics.map((t) => {
      const p = this.partitionMeta.get(t);
      if (!p?.length) throw new Error(`topic ${t} does not exist (run ensureTopics at start-up)`);
      return [t, p];
    }));
  }

  private consumerFor(group: string): Consumer {
    const c = groupConsumer(this.kafka, group, this.o);
    this.consumers.add(c);
    return c;
  }

  async subscribe(group: string, handler: (batch: StreamBatch) => Promise<void>, opts?: { maxBatch?: number }): Promise<Subscription> {
    const consumer = this.consumerFor(group);
    await consumer.connect();
    await consumer.subscribe({ topics: this.topics.events(), fromBeginning: true });
    const max = opts?.maxBatch ?? 1_000;
    const backoff = this.o.handlerBackoffMs ?? { initial: 200, max: 10_000 };
    return runBatches(
      consumer,
      async ({ batch, heartbeat, isRunning, isStale, resolveOffset }, stopping) => {
        const source = `${batch.topic}/${batch.partition}`;
        for (let from = 0; from < batch.messages.length; from += max) {
          if (stopping() || !isRunning() || isStale()) return;
          const slice = batch.messages.slice(from, from + max);
          const events: StoredEvent[] = [];
          const dead: DeadLetterOut[] = [];
          for (const m of slice) {
            try {
              events.push(decodeEvent(m.value, m.headers as Record<string, unknown>, Number(m.offset)));
            } catch (e) {
              if (!(e instanceof UndecodableMessage)) throw e;
              dead.push({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, error: e.message, attempts: 1 });
            }
          }
          let pending = events;
          for (let attempt = 1; pending.length; attempt++) {
            try {
              await tracedHandle(group, batch.topic, batch.partition, pending, () => handler({ source, events: pending }));
              pending = [];
            } catch (e) {
              if (e instanceof PoisonEvents) {
                const bad = new Set(e.offsets);
                for (const m of slice) if (bad.has(Number(m.offset))) dead.push({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, error: `rejected by the consumer: ${e.reason}`, attempts: attempt });
                pending = pending.filter((x) => !bad.has(x.offset!));
                continue;
              }
              // transient (a store down): the partition stays where it is, membership is kept alive
              if (stopping() || !isRunning()) return;
              this.o.onLog?.('warn', `consumer ${group}: handler failed on ${source} (attempt ${attempt}): ${e instanceof Error ? e.name : 'error'}; retrying`);
              await sleep(Math.min(backoff.max, backoff.initial * 2 ** Math.min(attempt - 1, 16)));
              await heartbeat();
            }
          }
          if (dead.length) await this.deadLetter(dead);
          const last = slice[slice.length - 1]!.offset;
          resolveOffset(last);
          await commitThrough(consumer, batch.topic, batch.partition, last);
          await heartbeat();
        }
      },
      () => this.consumers.delete(consumer),
      { autoResolve: false },
    );
  }

  private async deadLetter(items: DeadLetterOut[]): Promise<void> {
    const producer = await this.getProducer();
    await producer.send({
      topic: this.topics.deadLetters,
      acks: -1,
      messages: items.map(deadLetterMessage),
    });
  }

  /**
   * Operators' replay: moves a group back to the first offset at or after `time` on every partition
   * of the event topics, or to `offset` on one partition of one topic. The group's workers must be
   * stopped first: the move is committed by a member that joins alone, and it refuses when the
   * group hands it fewer partitions than exist (someone else is still consuming).
   */
  async seek(group: string, to: { time: string } | { topic: string; partition: number; offset: number }): Promise<Array<{ topic: string; partition: number; offset: string }>> {
    const targets: Array<{ topic: string; partition: number; offset: string }> = [];
    if ('time' in to) {
      const ts = Date.parse(to.time);
      if (Number.isNaN(ts)) throw new Error(`replay time "${to.time}" is not a date-time`);
      const admin = await this.admin();
      try {
        for (const topic of this.topics.events()) {
          const ends = new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, o.high]));
          // -1: nothing was appended at or after `time` on that partition, so the replay starts at its end
          for (const o of await admin.fetchTopicOffsetsByTimestamp(topic, ts)) targets.push({ topic, partition: o.partition, offset: o.offset === '-1' ? (ends.get(o.partition) ?? o.offset) : o.offset });
        }
      } finally {
        await admin.disconnect();
      }
    } else {
      if (!this.topics.events().includes(to.topic)) throw new Error(`"${to.topic}" is not one of Custodian's event topics`);
      targets.push({ topic: to.topic, partition: to.partition, offset: String(to.offset) });
    }
    const partitions = await this.partitionCounts(this.topics.events());
    const total = [...partitions.values()].reduce((n, p) => n + p.length, 0);
    const c = this.consumerFor(group);
    try {
      await c.connect();
      await c.subscribe({ topics: this.topics.events(), fromBeginning: true });
      const joined = new Promise<number>((resolve) => {
        c.on(c.events.GROUP_JOIN, (e) => resolve(Object.values(e.payload.memberAssignment).reduce((n, ps) => n + ps.length, 0)));
      });
      // a member that handles nothing: it is there only to commit the new positions
      await c.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => undefined });
      const assigned = await joined;
      if (assigned < total) throw new Error(`group ${group} still has other members (this one was given ${assigned} of ${total} partitions): stop its workers before a replay`);
      await c.commitOffsets(targets);
      return targets;
    } finally {
      await c.disconnect();
      this.consumers.delete(c);
    }
  }

  /** the next offset to be written on every partition of the event topics (what a replay will re-read up to) */
  async endOffsets(): Promise<Array<{ topic: string; partition: number; offset: string }>> {
    const admin = await this.admin();
    try {
      const out: Array<{ topic: string; partition: number; offset: string }> = [];
      for (const topic of this.topics.events()) for (const o of await admin.fetchTopicOffsets(topic)) out.push({ topic, partition: o.partition, offset: o.high });
      return out;
    } finally {
      await admin.disconnect();
    }
  }

  /** reads the dead-letter topic from the start (operators' listing; tests) */
  async readDeadLetters(limit: number, timeoutMs = 10_000): Promise<Array<{ origin: { topic: string; partition: number; offset: string }; error: string; attempts: number }>> {
    const consumer = this.consumerFor(`custodian-dlq-reader-${process.pid}-${Date.now()}`);
    const out: Array<{ origin: { topic: string; partition: number; offset: string }; error: string; attempts: number }> = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [this.topics.deadLetters], fromBeginning: true });
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        void consumer.run({
          eachMessage: async ({ message }) => {
            const h = message.headers as Record<string, unknown>;
            out.push({
              origin: { topic: headerString(h[HEADER.originTopic]) ?? '', partition: Number(headerString(h[HEADER.originPartition])), offset: headerString(h[HEADER.originOffset]) ?? '' },
              error: headerString(h[HEADER.error]) ?? '',
              attempts: Number(headerString(h[HEADER.attempts])),
            });
            if (out.length >= limit) {
              clearTimeout(timer);
              resolve();
            }
          },
        });
      });
    } finally {
      await consumer.disconnect();
      this.consumers.delete(consumer);
    }
    return out;
  }

  /** production start-up: creates missing topics with their partitions, replication and retention */
  async ensureTopics(): Promise<string[]> {
    const admin = await this.admin();
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = [...this.topics.events(), this.topics.deadLetters].filter((t) => !existing.has(t));
      if (!wanted.length) return [];
      await admin.createTopics({
        waitForLeaders: true,
        topics: wanted.map((topic) => ({
          topic,
          numPartitions: this.o.partitions,
          replicationFactor: this.o.replicationFactor,
          configEntries: [
            { name: 'retention.ms', value: String(this.o.retentionMs) },
            { name: 'cleanup.policy', value: 'delete' },
            { name: 'min.insync.replicas', value: String(Math.min(2, this.o.replicationFactor)) },
          ],
        })),
      });
      return wanted;
    } finally {
      await admin.disconnect();
    }
  }

  private async admin(): Promise<Admin> {
    const a = this.kafka.admin();
    await a.connect();
    return a;
  }

  async close(): Promise<void> {
    for (const c of this.consumers) await c.disconnect().catch(() => undefined);
    this.consumers.clear();
    if (this.producer) await this.producer.disconnect();
    this.producer = null;
    this.producing = null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
