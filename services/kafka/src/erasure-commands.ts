import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { KafkaStreamOptions } from './stream';
import { commitThrough, groupConsumer, kafkaClient, runBatches } from './client';
import { deadLetterMessage, type DeadLetterOut } from './message';
import type { ErasureAck, ErasureCommand, ErasureCommandChannel, Subscription } from '@custodian/core';
import { z } from 'zod';

/**
 * The erasure-command topic and its acknowledgement topic, for council systems that delete their
 * own data. Commands are keyed by their id (a deletion task's hash: pseudonymous); headers carry only
 * organisational ids (council, store) so a system can filter without reading bodies. The body holds
 * the system's locator, which can be personal at some systems: it travels in the body only.
 */
export const COMMAND_SCHEMA = 'erasure-command/1';
export const ACK_SCHEMA = 'erasure-ack/1';

export const ErasureAckMessage = z.strictObject({
  commandId: z.string().min(1).max(64),
  recordId: z.string().min(1).max(64),
  store: z.string().min(1).max(63),
  outcome: z.enum(['deleted', 'absent', 'failed']),
  detail: z.string().min(1).max(500),
  reference: z.string().min(1).max(128).optional(),
});

/** the event stream's client settings that the command topics share (their retention is Kafka's default) */
export type CommandTopicsOptions = Pick<KafkaStreamOptions, 'brokers' | 'clientId' | 'topicPrefix' | 'idempotent' | 'partitions' | 'replicationFactor' | 'maxWaitTimeMs' | 'sessionTimeoutMs' | 'onLog' | 'kafka'>;

export class CommandTopics {
  constructor(readonly prefix: string) {}
  get commands() {
    return `${this.prefix}.erasure-commands.v1`;
  }
  get acks() {
    return `${this.prefix}.erasure-acks.v1`;
  }
  get deadLetters() {
    return `${this.prefix}.dlq.v1`;
  }
}

export class KafkaErasureCommands implements ErasureCommandChannel {
  readonly topics: CommandTopics;
  private readonly kafka: Kafka;
  private producer: Promise<Producer> | null = null;
  private readonly consumers = new Set<Consumer>();

  constructor(private readonly o: CommandTopicsOptions) {
    this.topics = new CommandTopics(o.topicPrefix);
    this.kafka = kafkaClient(o);
  }

  private getProducer(): Promise<Producer> {
    this.producer ??= (async () => {
      const p = this.kafka.producer(this.o.idempotent ? { allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1 } : { allowAutoTopicCreation: false });
      await p.connect();
      return p;
    })().catch((e: unknown) => {
      this.producer = null;
      throw e;
    });
    return this.producer;
  }

  async send(commands: ErasureCommand[]): Promise<void> {
    if (!commands.length) return;
    const p = await this.getProducer();
    await p.send({
      topic: this.topics.commands,
      acks: -1,
      messages: commands.map((c) => ({
        key: c.commandId,
        value: JSON.stringify(c),
        headers: { 'custodian-schema': COMMAND_SCHEMA, 'custodian-controller': c.controller, 'custodian-store': c.store },
      })),
    });
  }

  /**
   * Delivers acknowledgements in batches and commits after `handle` resolved (a crash re-delivers;
   * applying an acknowledgement twice is harmless). A message that is not an acknowledgement goes to
   * the dead-letter topic with the field that is wrong, and the rest carry on.
   */
  async subscribeAcks(group: string, handle: (acks: ErasureAck[]) => Promise<void>): Promise<Subscription> {
    const consumer = groupConsumer(this.kafka, group, this.o);
    this.consumers.add(consumer);
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topics.acks], fromBeginning: true });
    return runBatches(
      consumer,
      async ({ batch, heartbeat, isRunning }, stopping) => {
        if (stopping() || !isRunning() || !batch.messages.length) return;
        const acks: ErasureAck[] = [];
        const bad: DeadLetterOut[] = [];
        for (const m of batch.messages) {
          let parsed: unknown;
          try {
            parsed = JSON.parse(m.value?.toString('utf8') ?? '');
          } catch {
            bad.push({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, error: 'the value is not JSON', attempts: 1 });
            continue;
          }
          const r = ErasureAckMessage.safeParse(parsed);
          if (r.success) acks.push(r.data);
          else bad.push({ topic: batch.topic, partition: batch.partition, offset: m.offset, key: m.key, value: m.value, error: r.error.issues.map((i) => `${i.path.join('.') || '(ack)'}: ${i.message}`).join('; '), attempts: 1 });
        }
        if (acks.length) await handle(acks);
        if (bad.length) {
          const p = await this.getProducer();
          await p.send({
            topic: this.topics.deadLetters,
            acks: -1,
            // the same dead-letter topic and headers as undecodable events (KafkaEventStream.readDeadLetters reads both)
            messages: bad.map(deadLetterMessage),
          });
        }
        await commitThrough(consumer, batch.topic, batch.partition, batch.messages[batch.messages.length - 1]!.offset);
        await heartbeat();
      },
      () => this.consumers.delete(consumer),
    );
  }

  /** production start-up: the two topics, created if missing */
  async ensureTopics(): Promise<string[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = [this.topics.commands, this.topics.acks].filter((t) => !existing.has(t));
      if (wanted.length) await admin.createTopics({ waitForLeaders: true, topics: wanted.map((topic) => ({ topic, numPartitions: this.o.partitions, replicationFactor: this.o.replicationFactor })) });
      return wanted;
    } finally {
      await admin.disconnect();
    }
  }

  async close(): Promise<void> {
    for (const c of this.consumers) await c.disconnect().catch(() => undefined);
    this.consumers.clear();
    if (this.producer) await (await this.producer).disconnect().catch(() => undefined);
    this.producer = null;
  }
}
