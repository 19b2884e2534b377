import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const SOURCE = resolve(__dirname, '../kafka-mock/mock-cluster.c');

/** Kafka protocol error codes the tests inject */
export const KafkaError = { NOT_LEADER_OR_FOLLOWER: 6, REQUEST_TIMED_OUT: 7, LEADER_NOT_AVAILABLE: 5 } as const;
/** Kafka protocol API keys */
export const ApiKey = { Produce: 0, Fetch: 1, ListOffsets: 2, Metadata: 3, OffsetCommit: 8, OffsetFetch: 9 } as const;

/** compiles the mock cluster once per source version (Debian's librdkafka-dev; .ci/run installs it) */
export function buildMockCluster(): string {
  const src = readFileSync(SOURCE);
  const dir = resolve(__dirname, '../../node_modules/.cache/custodian-kafka-mock');
  const bin = join(dir, `mock-cluster-${createHash('sha256').update(src).digest('hex').slice(0, 12)}`);
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  const tmp = `${bin}.${process.pid}.tmp`;
  const cc = spawnSync('cc', ['-O1', '-Wall', '-o', tmp, SOURCE, '-lrdkafka'], { encoding: 'utf8' });
  if (cc.status !== 0) {
    throw new Error(`building librdkafka's mock cluster failed (is librdkafka-dev installed? apt-get install -y librdkafka-dev):\n${cc.stderr}`);
  }
  renameSync(tmp, bin);
  return bin;
}

/**
 * librdkafka's mock cluster in a child process, on loopback. Quirk handled here, not in production
 * settings: the mock reports controller id 0 while its brokers are 1..N, so kafkajs' controller
 * calls (createTopics, an idempotent producer's init) fail; topics are created through the mock and
 * the adapter runs its producer non-idempotent in these tests.
 */
export class MockKafkaCluster {
  private answers: Array<(line: string) => void> = [];
  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    readonly brokers: string[],
    lines: AsyncIterableIterator<string>,
  ) {
    void (async () => {
      for await (const line of lines) this.answers.shift()?.(line);
    })();
  }

  static async start(brokerCount = 3): Promise<MockKafkaCluster> {
    const child = spawn(buildMockCluster(), [String(brokerCount)], { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await Promise.race([
      lines.next(),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the mock cluster did not start in 10 s')), 10_000)),
    ]);
    if (first.done || !first.value) throw new Error('the mock cluster exited before printing its bootstrap list');
    const brokers = first.value.split(',');
    if (!brokers.every((b) => b.startsWith('127.0.0.1:'))) throw new Error(`the mock cluster is not on loopback: ${first.value}`);
    return new MockKafkaCluster(child, brokers, lines);
  }

  private command(line: string): Promise<void> {
    return new Promise((resolveCmd, reject) => {
      this.answers.push((answer) => (answer === 'ok' ? resolveCmd() : reject(new Error(`mock cluster: "${line}": ${answer}`))));
      this.child.stdin.write(`${line}\n`);
    });
  }

  createTopic(name: string, partitions: number, replication = 1) {
    return this.command(`topic ${name} ${partitions} ${replication}`);
  }
  brokerDown(id: number) {
    return this.command(`down ${id}`);
  }
  brokerUp(id: number) {
    return this.command(`up ${id}`);
  }
  /** the next requests of `apiKey` (any broker) fail with these codes, in order */
  failNext(apiKey: number, ...errors: number[]) {
    return this.command(`errors ${apiKey} ${errors.join(' ')}`);
  }
  setLeader(topic: string, partition: number, broker: number) {
    return this.command(`leader ${topic} ${partition} ${broker}`);
  }
  setRtt(broker: number, ms: number) {
    return this.command(`rtt ${broker} ${ms}`);
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdin.write('quit\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** a mock cluster of `brokers` started before the file's tests and stopped after them */
export function useMockCluster(brokers = 3): () => MockKafkaCluster {
  let cluster: MockKafkaCluster | undefined;
  beforeAll(async () => {
    cluster = await MockKafkaCluster.start(brokers);
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (!cluster) throw new Error('the mock cluster runs only inside the tests');
    return cluster;
  };
}
