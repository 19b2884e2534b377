import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaEventStream, PoisonEvents, Topics } from '@custodian/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { MockKafkaCluster } from '../support/kafka-mock';
import { collect, eventStreamConformance, storedEvent } from '../conformance/event-stream.suite';

jest.setTimeout(60_000);

let cluster: MockKafkaCluster;
beforeAll(async () => {
  cluster = await MockKafkaCluster.start(3);
});
afterAll(async () => {
  await cluster.stop();
});

/** a fresh set of topics per test: the mock has no CreateTopics, so they are made through it */
export async function freshStream(partitions = 3, over: Partial<ConstructorParameters<typeof KafkaEventStream>[0]> = {}) {
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const topics = new Topics(prefix);
  for (const t of [...topics.events(), topics.deadLetters]) await cluster.createTopic(t, partitions, 1);
  const logs: string[] = [];
  const stream = new KafkaEventStream({
    brokers: cluster.brokers,
    clientId: 'custodian-test',
    topicPrefix: prefix,
    idempotent: false,
    partitions,
    replicationFactor: 1,
    retentionMs: 7 * 86_400_000,
    handlerBackoffMs: { initial: 50, max: 500 },
    maxWaitTimeMs: 200,
    sessionTimeoutMs: 6_000,
    onLog: (level, m) => logs.push(`${level}: ${m}`),
    ...over,
  });
  return { stream, topics, logs, close: () => stream.close() };
}

eventStreamConformance('Kafka (kafkajs) on librdkafka mock cluster', () => freshStream());

describe('Kafka wire behaviour', () => {
  it('keys by the pseudonymous subject and carries no personal data in keys or headers', async () => {
    const { stream, topics, close } = await freshStream(1);
    try {
      const e = { ...storedEvent(1, 'subj_k'), trace: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } };
      await stream.publish([e]);
      const raw = new Kafka({ brokers: cluster.brokers, clientId: 'inspect', logLevel: logLevel.NOTHING }).consumer({ groupId: 'inspect' });
      await raw.connect();
      await raw.subscribe({ topics: [topics.forType('contact.received')], fromBeginning: true });
      const seen = await new Promise<{ key: string; headers: Record<string, string> }>((resolve) => {
        void raw.run({
          eachMessage: async ({ message }) => {
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
            resolve({ key: message.key!.toString(), headers });
          },
        });
      });
      await raw.disconnect();
      expect(seen.key).toBe('subj_k');
      expect(Object.keys(seen.headers).sort()).toEqual(['custodian-controller', 'custodian-record', 'custodian-schema', 'traceparent']);
      expect(seen.headers['custodian-record']).toBe(e.recordId);
      expect(JSON.stringify(seen)).not.toContain('ENQ-');
    } finally {
      await close();
    }
  });

  it('routes undecodable and poison messages to the DLQ with origin, error and attempt, and goes on', async () => {
    const { stream, topics, close } = await freshStream(1);
    try {
      await stream.publish([storedEvent(1, 'subj_a')]);
      const producer = new Kafka({ brokers: cluster.brokers, clientId: 'rogue', logLevel: logLevel.NOTHING }).producer();
      await producer.connect();
      await producer.send({ topic: topics.forType('contact.received'), messages: [{ key: 'x', value: 'not json at all: name=Jo Bloggs', headers: { 'custodian-schema': 'stored-event/1' } }, { key: 'y', value: '{}' }] });
      await producer.disconnect();
      await stream.publish([storedEvent(2, 'subj_a'), storedEvent(3, 'subj_a')]);
      const { seen } = await collect(stream, 'g', (x) => x.some((e) => e.eventId === 'evt-000003'), {
        handler: async (b) => {
          const poison = b.events.filter((e) => e.eventId === 'evt-000002');
          if (poison.length) throw new PoisonEvents(poison.map((e) => e.offset!), 'category not held by the policy pack');
        },
      });
      expect(seen.map((e) => e.eventId)).toEqual(expect.arrayContaining(['evt-000001', 'evt-000003']));
      const dlq = await stream.readDeadLetters(3);
      expect(dlq).toHaveLength(3);
      const t = topics.forType('contact.received');
      expect(dlq.map((d) => `${d.origin.topic}/${d.origin.partition}/${d.origin.offset}`)).toEqual([`${t}/0/1`, `${t}/0/2`, `${t}/0/3`]);
      expect(dlq[0]!.error).toBe('the value is not JSON');
      expect(dlq[0]!.error).not.toContain('Bloggs');
      expect(dlq[1]!.error).toMatch(/header custodian-schema is missing/);
      expect(dlq[2]).toMatchObject({ error: 'rejected by the consumer: category not held by the policy pack', attempts: 1 });
    } finally {
      await close();
    }
  });

  it('replays a group from an offset; a replay from a time moves every partition', async () => {
    const { stream, topics, close } = await freshStream(1);
    try {
      await stream.publish([0, 1, 2, 3].map((n) => storedEvent(n, 'subj_a')));
      await collect(stream, 'g', (x) => x.length >= 4);
      const moved = await stream.seek('g', { topic: topics.forType('contact.received'), partition: 0, offset: 2 });
      expect(moved).toEqual([{ topic: topics.forType('contact.received'), partition: 0, offset: '2' }]);
      const again = await collect(stream, 'g', (x) => x.length >= 2);
      expect(again.seen.map((e) => e.eventId)).toEqual(['evt-000002', 'evt-000003']);
      // librdkafka's mock answers every ListOffsets-by-time with the partition's end (it does not index
      // timestamps), so only "a time after the last event" can be checked here: every partition of
      // every event topic moves to its end and nothing is delivered again
      const byTime = await stream.seek('g', { time: new Date(Date.now() + 60_000).toISOString() });
      expect(byTime).toHaveLength(topics.events().length);
      expect(byTime.find((t) => t.topic === topics.forType('contact.received'))).toEqual({ topic: topics.forType('contact.received'), partition: 0, offset: '4' });
      expect(byTime.filter((t) => t.topic !== topics.forType('contact.received')).every((t) => t.offset === '0')).toBe(true);
      await stream.publish([storedEvent(4, 'subj_a')]);
      const after = await collect(stream, 'g', (x) => x.length >= 1);
      expect(after.seen.map((e) => e.eventId)).toEqual(['evt-000004']);
      await expect(stream.seek('g', { topic: 'elsewhere', partition: 0, offset: 0 })).rejects.toThrow(/not one of Custodian's event topics/);
    } finally {
      await close();
    }
  });

  it('a consumer killed mid-batch loses nothing: its uncommitted batch comes again and duplicates are ignored', async () => {
    const { stream, topics, close } = await freshStream(1);
    const dir = mkdtempSync(join(tmpdir(), 'custodian-kafka-crash-'));
    try {
      const events = [...Array(20).keys()].map((n) => storedEvent(n, 'subj_a'));
      await stream.publish(events);
      const seenFile = join(dir, 'seen.txt');
      const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'consumer-child.ts')], {
        env: { ...process.env, SEEN_FILE: seenFile, HANG_AT: '2', MAX_BATCH: '5', BROKERS: cluster.brokers.join(','), PREFIX: topics.prefix },
        stdio: 'ignore',
      });
      const exited = new Promise((r) => child.once('exit', r));
      const lines = () => (existsSync(seenFile) ? readFileSync(seenFile, 'utf8').split('\n').filter(Boolean) : []);
      const t0 = Date.now();
      while (lines().length < 10 && Date.now() - t0 < 40_000) await new Promise((r) => setTimeout(r, 100));
      // batch 1 handled and committed; batch 2 applied (written) but its handler never returned, so never committed
      expect(lines()).toEqual(events.slice(0, 10).map((e) => e.eventId));
      child.kill('SIGKILL');
      await exited;

      // the restarted worker: an idempotent handler, as the projector is (by record offset)
      const applied = new Set(lines());
      let duplicates = 0;
      const { seen } = await collect(stream, 'crash', () => applied.size >= 20, {
        timeoutMs: 30_000,
        handler: async (b) => {
          for (const e of b.events) {
            if (applied.has(e.eventId)) duplicates++;
            else applied.add(e.eventId);
          }
        },
      });
      expect(seen[0]!.eventId).toBe('evt-000005');
      expect([...applied].sort()).toEqual(events.map((e) => e.eventId));
      expect(duplicates).toBe(5);
      expect(seen.map((e) => e.eventId)).toEqual(events.slice(5).map((e) => e.eventId));
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await close();
    }
  });

  it('loses nothing when produce requests fail with NOT_LEADER and a broker is down for a while', async () => {
    const { stream, close } = await freshStream(3);
    try {
      await cluster.failNext(0, 6, 6, 6);
      const first = await stream.publish([0, 1, 2, 3, 4, 5].map((n) => storedEvent(n, `subj_${n}`)));
      expect(first.every((x) => x.status === 'appended')).toBe(true);
      await cluster.brokerDown(2);
      const during = stream.publish([6, 7, 8, 9, 10, 11].map((n) => storedEvent(n, `subj_${n}`)));
      await new Promise((r) => setTimeout(r, 1_500));
      await cluster.brokerUp(2);
      const second = await during;
      expect(second.every((x) => x.status === 'appended')).toBe(true);
      const { seen } = await collect(stream, 'g', (x) => new Set(x.map((e) => e.eventId)).size >= 12);
      expect([...new Set(seen.map((e) => e.eventId))].sort()).toEqual([...Array(12).keys()].map((n) => storedEvent(n, 'x').eventId));
    } finally {
      await close();
    }
  });
});
