import { randomBytes } from 'node:crypto';
import { CommandConnector, type SimulatedClock } from '@custodian/core';
import { FakeConnectorDirectory, ScriptedConnector, ev, testPlatform } from '@custodian/core/src/test-support/memory-ports';
import { CommandTopics, KafkaErasureCommands } from '@custodian/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { useMockCluster } from '../support/kafka-mock';

jest.setTimeout(60_000);

const mock = useMockCluster(3);

const NOTTS = 'nottinghamshire';
const until = async (what: string, ok: () => Promise<boolean>, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

test('an erasure command goes out on the topic through kafkajs, the subscribed system acknowledges it, and the disposal completes; a malformed acknowledgement is dead-lettered', async () => {
  const cluster = mock();
  const prefix = `t${randomBytes(4).toString('hex')}`;
  const topics = new CommandTopics(prefix);
  for (const t of [topics.commands, topics.acks, topics.deadLetters]) await cluster.createTopic(t, 3, 1);
  const channel = new KafkaErasureCommands({ brokers: cluster.brokers, clientId: 'custodian-test', topicPrefix: prefix, idempotent: false, partitions: 3, replicationFactor: 1, maxWaitTimeMs: 200, sessionTimeoutMs: 6_000 });
  const system = new Kafka({ brokers: cluster.brokers, clientId: 'customer-portal', logLevel: logLevel.NOTHING });
  const portal = system.consumer({ groupId: 'customer-portal', maxWaitTimeInMs: 200 });
  const portalOut = system.producer();
  const dlq = system.consumer({ groupId: 'inspect-dlq', maxWaitTimeInMs: 200 });
  try {
    const dir = new FakeConnectorDirectory();
    const crm = new ScriptedConnector({ maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 1_000 }, () => ({ outcome: 'deleted', detail: 'HTTP 204' }));
    const t = testPlatform({ connectors: dir, start: '2026-03-10T10:00:00.000Z' });
    dir.bind(NOTTS, 'crm', crm).bind(NOTTS, 'customer-portal', new CommandConnector(channel, t.clock, { ackTimeoutMs: 3_600_000, maxCommands: 3 }));
    const [r] = await t.platform.ingest([ev.enquiry(NOTTS, 'ENQ-K-1', '2026-03-01T09:00:00Z', 'Pothole', { locations: [{ store: 'crm', locator: 'ENQ-K-1' }, { store: 'customer-portal', locator: 'portal/07700900123' }] })], 'svc');
    if (r?.status !== 'accepted') throw new Error(JSON.stringify(r));
    await t.platform.project();
    const sub = await channel.subscribeAcks('custodian-acks', async (acks) => void (await t.platform.acknowledge(acks, 'svc:portal')));

    (t.clock as SimulatedClock).advance('P2Y');
    await t.platform.sweep();
    expect((await t.platform.record(r.recordId))!.record.status).toBe('disposing');

    // the subscribed system reads the command: key and headers carry no personal data, the body the locator
    await portal.connect();
    await portal.subscribe({ topics: [topics.commands], fromBeginning: true });
    const command = await new Promise<{ key: string; headers: Record<string, string>; body: { commandId: string; recordId: string; store: string; locator: string } }>((resolve) => {
      void portal.run({
        eachMessage: async ({ message }) => resolve({ key: message.key!.toString(), headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])), body: JSON.parse(message.value!.toString()) }),
      });
    });
    expect(command.key).toBe(command.body.commandId);
    expect(command.key).toMatch(/^task_/);
    expect(command.headers).toEqual({ 'custodian-schema': 'erasure-command/1', 'custodian-controller': NOTTS, 'custodian-store': 'customer-portal' });
    expect(JSON.stringify({ key: command.key, headers: command.headers })).not.toContain('07700900123');
    expect(command.body).toMatchObject({ recordId: r.recordId, store: 'customer-portal', locator: 'portal/07700900123', attempt: 1 });

    await portalOut.connect();
    await portalOut.send({
      topic: topics.acks,
      messages: [
        { key: command.key, value: JSON.stringify({ commandId: command.key, recordId: command.body.recordId, store: 'customer-portal', outcome: 'deleted', detail: 'case removed', reference: 'P-1' }) },
        { key: 'junk', value: JSON.stringify({ commandId: 'x', recordId: 'y', store: 'customer-portal', outcome: 'gone', detail: 'z' }) },
      ],
    });
    await until('the acknowledgement to dispose the record', async () => (await t.platform.record(r.recordId))!.record.status === 'disposed');
    const view = (await t.platform.record(r.recordId))!;
    expect(view.record.disposal!.receipts.find((x) => x.store === 'customer-portal')).toMatchObject({ outcome: 'deleted', detail: 'acknowledged: case removed', reference: 'P-1' });

    await dlq.connect();
    await dlq.subscribe({ topics: [topics.deadLetters], fromBeginning: true });
    const dead = await new Promise<Record<string, string>>((resolve) => {
      void dlq.run({ eachMessage: async ({ message }) => resolve(Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]))) });
    });
    expect(dead['custodian-error']).toMatch(/^outcome: /);
    expect(dead['custodian-origin-topic']).toBe(topics.acks);
    await sub.stop();
  } finally {
    await portal.disconnect().catch(() => undefined);
    await dlq.disconnect().catch(() => undefined);
    await portalOut.disconnect().catch(() => undefined);
    await channel.close();
  }
});
