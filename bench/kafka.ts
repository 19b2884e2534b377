/**
 * Custodian benchmark: the Kafka adapter's produce and consume throughput on librdkafka's mock
 * cluster, beside kcat's raw rate on the same mock in the same run. `npx tsx bench/kafka.ts`, or
 * `BENCH_ONLY=kafka npx tsx bench/run.ts` (the full `npm run bench` runs it last).
 *
 *   BENCH_KAFKA_EVENTS=50000   events per run
 *   BENCH_RUNS=3               repetitions; the median is reported
 *   --no-write                 do not update BENCHMARKS.md
 *   BENCH_PROFILE_WINDOWS=file write the hrtime windows of the adapter's timed phases (for bench/profile-summary.ts)
 *
 * The mock cluster is an in-memory, single-process broker (one C process, every "broker" a thread
 * on loopback): absolute figures say nothing about a real cluster; the ratio against kcat, a C
 * client on librdkafka, on the same mock and the same messages, is the point.
 *
 * One run, all on one 3-broker mock and on topics of 6 partitions made fresh for the run:
 *   1. kcat produce: the same N messages (keys, values, header sizes) from a prepared file into a
 *      topic of its own (`kcat -P -l`, murmur2 partitioner like kafkajs', acks=all)
 *   2. adapter produce: `KafkaEventStream.publish` in batches of 1,000, awaited one after another
 *   3. kcat consume: the adapter's topic from the beginning to its end (`kcat -C -o beginning -e`)
 *   4. adapter consume: `subscribe` of a new group from the beginning until all N are handled (the
 *      handler does nothing), committing after each batch as the adapter does; the group join is
 *      timed apart and is not in the consume window
 * kcat figures include process start, connection and metadata (also timed alone, with `kcat -L`);
 * the adapter's produce figure includes its producer's connection and metadata fetch.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { StoredEvent } from '@custodian/core';
import { KafkaEventStream, Topics, encodeEvent } from '@custodian/kafka';
import { Kafka, logLevel } from 'kafkajs';
import { MockKafkaCluster } from '../test/support/kafka-mock';
// the same deterministic PRNG as the ingest bench: every run and every machine publishes the same events
import { prng } from './gen';
import { machineFacts, type MachineFacts } from './facts';
import { collectGarbage, fmtRate, fmtS, median, nowNs, nowUs, secondsSince } from './util';

const BATCH = 1_000;
/**
 * librdkafka's mock keeps at most 5 MiB per partition and silently drops the oldest message sets
 * beyond that (rdkafka_mock.c: max_size), so topics get enough partitions to hold every run's N
 * messages at ~3 MiB each: 6 partitions up to ~13,000 events, 24 for 50,000. Every run checks that
 * nothing was dropped (low watermarks 0, every message read).
 */
const MIN_PARTITIONS = 6;
const MOCK_PARTITION_BUDGET = 3 * 2 ** 20;
const APPROX_MESSAGE_BYTES = 1_400;
export const partitionsFor = (n: number) => Math.max(MIN_PARTITIONS, 6 * Math.ceil((n * APPROX_MESSAGE_BYTES) / MOCK_PARTITION_BUDGET / 6));
const BROKERS = 3;
const REPLICATION = 3;
/** value size aimed at: the embedded event log's rows are ~1,090 B (meta + sealed) */
const VALUE_BYTES = 1_100;
/** every phase of a run must end within this */
const PHASE_S = 120;
const KCAT = '/usr/bin/kcat';
/** kcat reads the adapter's topic this many times per run; the fastest counts (see oneRun) */
const KCAT_READS = 3;
const FAMILY = 'contact';
const TYPES = ['contact.received', 'contact.updated', 'contact.closed'];
const CONTROLLERS = ['derby', 'nottinghamshire', 'durham', 'north-kesteven', 'newark-sherwood'];

export interface KafkaRun {
  kcatProduceS: number;
  adapterProduceS: number;
  /** the first publish alone: producer connect, metadata, 1,000 events */
  adapterFirstBatchS: number;
  /** the fastest of the reads */
  kcatConsumeS: number;
  kcatConsumeReadsS: number[];
  adapterJoinS: number;
  adapterConsumeS: number;
  /** kcat -L: process start, connect, metadata, exit */
  kcatStartS: number;
  /** handler calls (batches) the adapter's consumer made */
  consumeBatches: number;
}

export interface KafkaResults {
  facts: MachineFacts;
  n: number;
  runs: KafkaRun[];
  avgValueBytes: number;
  avgKeyBytes: number;
  avgHeaderBytes: number;
  avgSealedBytes: number;
  partitions: number;
  warmupEvents: number;
  subjects: number;
  kcatVersion: string;
  kafkajsVersion: string;
  warnings: string[];
  /** 1-minute load average when the bench started and ended (the 2 cores may be shared) */
  load: [number, number];
  totalS: number;
}

// ---------------------------------------------------------------- data

const b64url = (rnd: () => number, chars: number) => {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let s = '';
  for (let i = 0; i < chars; i++) s += abc[Math.floor(rnd() * 64)];
  return s;
};

/**
 * N stored events of one family (one topic, as kcat writes one), ~3 per subject, shaped like what
 * ingest stores: pseudonymous subject and record ids, lifecycle facts in clear, a trace context, and a
 * sealed section long enough that each value is ~1.1 KB.
 */
export function kafkaEvents(n: number, seed = 7): StoredEvent[] {
  const rnd = prng(seed);
  const subjects = Array.from({ length: Math.max(1, Math.ceil(n / 3)) }, () => `subj_${b64url(rnd, 22)}`);
  const out: StoredEvent[] = [];
  for (let i = 0; i < n; i++) {
    const subject = subjects[Math.floor(rnd() * subjects.length)]!;
    const type = TYPES[i % TYPES.length]!;
    const controller = CONTROLLERS[Math.floor(rnd() * CONTROLLERS.length)]!;
    const key = `ENQ-${String(Math.floor(rnd() * 1e7)).padStart(7, '0')}`;
    const e: StoredEvent = {
      eventId: `evt_${b64url(rnd, 22)}`,
      type,
      version: 1,
      source: { system: 'crm', instance: `${controller}-crm` },
      controller,
      category: 'enquiry' as StoredEvent['category'],
      occurredAt: new Date(Date.UTC(2026, 0, 5, 9, 0, 0, i)).toISOString(),
      receivedAt: new Date(Date.UTC(2026, 0, 5, 9, 0, 1, i)).toISOString(),
      subjectRef: subject,
      recordId: `rec_${b64url(rnd, 24)}`,
      facts: { recordKey: key, transition: type === 'contact.closed' ? 'close' : 'open', channel: 'phone', service: 'council-tax' } as unknown as StoredEvent['facts'],
      locations: [{ store: 'crm', locator: key }],
      cardData: [],
      policyVersion: `${controller}@1.0.0`,
      trace: { traceparent: `00-${randomHex(rnd, 32)}-${randomHex(rnd, 16)}-01` },
      sealed: { v: 1, kid: `subj:${subject}`, iv: b64(rnd, 12), tag: b64(rnd, 16), ct: '' },
    };
    const without = encodeEvent(e).value.length;
    e.sealed!.ct = b64(rnd, Math.max(0, Math.floor(((VALUE_BYTES - without) * 3) / 4)));
    out.push(e);
  }
  return out;
}

function randomHex(rnd: () => number, chars: number) {
  let s = '';
  for (let i = 0; i < chars; i++) s += '0123456789abcdef'[Math.floor(rnd() * 16)];
  return s;
}
function b64(rnd: () => number, bytes: number) {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) b[i] = Math.floor(rnd() * 256);
  return b.toString('base64');
}

// ---------------------------------------------------------------- helpers

/** a promise that must settle within `seconds`, or the bench stops with an error */
async function within<T>(what: string, seconds: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${seconds} s`)), seconds * 1000)))]);
  } finally {
    clearTimeout(timer);
  }
}

/** runs kcat, bounded in time; returns its wall time (spawn to exit) and how many lines it printed */
function kcat(args: string[], what: string): Promise<{ seconds: number; lines: number; stdout: string }> {
  return new Promise((resolveRun, reject) => {
    const t0 = nowNs();
    const child = spawn(KCAT, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let lines = 0;
    let head = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) lines++;
      if (head.length < 4096) head += d.toString('utf8', 0, Math.min(d.length, 4096));
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), PHASE_S * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const seconds = secondsSince(t0);
      if (signal) reject(new Error(`${what}: kcat was stopped by ${signal} (time limit ${PHASE_S} s)`));
      else if (code !== 0) reject(new Error(`${what}: kcat exited with ${code}: ${stderr.trim().slice(0, 500)}`));
      else resolveRun({ seconds, lines, stdout: head });
    });
  });
}

const loopbackOnly = (brokers: string[]) => {
  if (!brokers.length || !brokers.every((b) => b.startsWith('127.0.0.1:'))) throw new Error(`refusing brokers that are not on loopback: ${brokers.join(',')}`);
};

function stream(brokers: string[], prefix: string, partitions: number, warnings: string[]) {
  return new KafkaEventStream({
    brokers,
    clientId: 'custodian-bench',
    topicPrefix: prefix,
    // the mock reports controller id 0 while its brokers are 1..N: an idempotent producer cannot init (engines-offline.md)
    idempotent: false,
    partitions,
    replicationFactor: REPLICATION,
    retentionMs: 7 * 86_400_000,
    onLog: (level, m) => {
      if (warnings.length < 20) warnings.push(`${level}: ${m}`);
    },
  });
}

/** the sum of a topic's end offsets, and of a group's committed offsets on it (untimed checks) */
async function offsets(admin: ReturnType<Kafka['admin']>, topic: string, group?: string): Promise<{ end: number; committed: number }> {
  const got = await admin.fetchTopicOffsets(topic);
  const end = got.reduce((n, o) => n + Number(o.high), 0);
  const dropped = got.reduce((n, o) => n + Number(o.low), 0);
  if (dropped) throw new Error(`the mock dropped the first ${dropped} messages of ${topic} (over its 5 MiB per partition): use more partitions`);
  let committed = 0;
  if (group) {
    const got = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    for (const t of got) for (const p of t.partitions) committed += Math.max(0, Number(p.offset));
  }
  return { end, committed };
}

// ---------------------------------------------------------------- one run

interface Prepared {
  events: StoredEvent[];
  batches: StoredEvent[][];
  partitions: number;
  /** kcat's input: key TAB value, one message a line */
  file: string;
  headers: string[];
}

function prepare(events: StoredEvent[], dir: string, name: string): Prepared {
  const lines: string[] = [];
  for (const e of events) {
    const m = encodeEvent(e);
    if (m.key.includes('\t') || m.value.includes('\n')) throw new Error('a message would break kcat’s line format');
    lines.push(`${m.key}\t${m.value}\n`);
  }
  const file = join(dir, `${name}.txt`);
  writeFileSync(file, lines.join(''));
  // kcat puts the same headers on every message: the first event's, so each message carries as many header bytes
  const headers = Object.entries(encodeEvent(events[0]!).headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
  const batches: StoredEvent[][] = [];
  for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
  return { events, batches, file, headers, partitions: partitionsFor(events.length) };
}

const windows: Array<{ name: string; startUs: number; endUs: number }> = [];

async function oneRun(cluster: MockKafkaCluster, admin: ReturnType<Kafka['admin']>, p: Prepared, tag: string, warnings: string[], record: boolean): Promise<KafkaRun> {
  const n = p.events.length;
  const brokers = cluster.brokers;
  const bootstrap = brokers.join(',');
  const prefix = `bench${tag}${randomBytes(3).toString('hex')}`;
  const topics = new Topics(prefix);
  for (const t of [...topics.events(), topics.deadLetters]) await cluster.createTopic(t, p.partitions, REPLICATION);
  const kcatTopic = `${prefix}.kcat`;
  await cluster.createTopic(kcatTopic, p.partitions, REPLICATION);
  const adapterTopic = topics.forFamily(FAMILY);

  // kcat alone: process start, bootstrap, metadata of one topic, exit
  const start = await kcat(['-L', '-b', bootstrap, '-t', kcatTopic, '-q'], 'kcat -L');

  // 1. kcat produce
  collectGarbage();
  const kp = await kcat(['-P', '-b', bootstrap, '-t', kcatTopic, '-K', '\t', '-l', ...p.headers, '-X', 'topic.partitioner=murmur2_random', '-X', 'acks=all', '-q', p.file], 'kcat produce');
  const kcatEnd = await offsets(admin, kcatTopic);
  if (kcatEnd.end !== n) throw new Error(`kcat produce check: ${kcatEnd.end} messages on ${kcatTopic}, expected ${n}`);

  // 2. adapter produce
  collectGarbage();
  const producer = stream(brokers, prefix, p.partitions, warnings);
  let firstS = 0;
  let produceS: number;
  try {
    const w0 = nowUs();
    const t0 = nowNs();
    const work = (async () => {
      let appended = 0;
      for (const b of p.batches) {
        const st = await producer.publish(b);
        for (const s of st) if (s.status === 'appended') appended++;
        if (!firstS) firstS = secondsSince(t0);
      }
      return appended;
    })();
    const appended = await within('adapter produce', PHASE_S, work);
    produceS = secondsSince(t0);
    if (record) windows.push({ name: 'adapter produce', startUs: w0, endUs: nowUs() });
    if (appended !== n) throw new Error(`adapter produce check: ${appended} appended of ${n}`);
  } finally {
    await producer.close();
  }
  const adapterEnd = await offsets(admin, adapterTopic);
  if (adapterEnd.end !== n) throw new Error(`adapter produce check: ${adapterEnd.end} messages on ${adapterTopic}, expected ${n}`);

  // 3. kcat consume, of the adapter's topic: the very messages the adapter's consumer reads next.
  // -c N ends it on the N-th message, as the adapter's window ends; with -e alone, kcat would wait
  // out one empty fetch (fetch.wait.max.ms, 500 ms) to see the end; -e still ends it if messages are
  // missing. Best of KCAT_READS: on the mock, about one kcat read in two stalls once for ~0.5 s
  // (0.55 s instead of 0.05 s for 50,000; first read or not, fetch.wait.max.ms=10 or not), a
  // wait of which the cause is not pinned down, not throughput; the adapter's consume shows no such stall (its runs agree).
  const reads: number[] = [];
  for (let k = 0; k < KCAT_READS; k++) {
    collectGarbage();
    const kc = await kcat(['-C', '-b', bootstrap, '-t', adapterTopic, '-o', 'beginning', '-c', String(n), '-e', '-q', '-f', '%o\n'], 'kcat consume');
    if (kc.lines !== n) throw new Error(`kcat consume check: ${kc.lines} messages read, expected ${n}`);
    reads.push(kc.seconds);
  }

  // 4. adapter consume: a new group from the beginning; join timed apart
  collectGarbage();
  const consumer = stream(brokers, prefix, p.partitions, warnings);
  const group = `${prefix}-consume`;
  let handled = 0;
  let calls = 0;
  let allIn!: () => void;
  const done = new Promise<void>((r) => (allIn = r));
  let joinS: number;
  let consumeS: number;
  try {
    const j0 = nowNs();
    const sub = await within(
      'adapter group join',
      PHASE_S,
      consumer.subscribe(group, async (b) => {
        calls++;
        handled += b.events.length;
        if (handled >= n) allIn();
      }),
    );
    joinS = secondsSince(j0);
    const w0 = nowUs();
    const t0 = nowNs();
    await within('adapter consume', PHASE_S, done);
    consumeS = secondsSince(t0);
    if (record) windows.push({ name: 'adapter consume', startUs: w0, endUs: nowUs() });
    await within('adapter consumer stop', 30, sub.stop());
  } finally {
    await consumer.close();
  }
  const committed = await offsets(admin, adapterTopic, group);
  if (handled !== n || committed.committed !== n) throw new Error(`adapter consume check: ${handled} handled, ${committed.committed} committed, expected ${n}`);

  return {
    kcatProduceS: kp.seconds,
    adapterProduceS: produceS,
    adapterFirstBatchS: firstS,
    kcatConsumeS: Math.min(...reads),
    kcatConsumeReadsS: reads,
    adapterJoinS: joinS,
    adapterConsumeS: consumeS,
    kcatStartS: start.seconds,
    consumeBatches: calls,
  };
}

function log(msg: string) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

export function kcatAvailable(): boolean {
  return existsSync(KCAT);
}

/** the whole Kafka measurement: one mock cluster, a warm-up, then `runs` runs of `n` events */
export async function kafkaBench(n: number, runs: number): Promise<KafkaResults> {
  const started = nowNs();
  if (!kcatAvailable()) throw new Error(`${KCAT} is not installed (Debian: apt-get install kcat)`);
  const facts = machineFacts();
  const load0 = loadavg()[0]!;
  const kcatVersion = (/Version (\S+)[^\n]*librdkafka (\S+)/.exec((await kcat(['-V'], 'kcat -V')).stdout) ?? []).slice(1).join(' on librdkafka ') || 'unknown';
  const kafkajsVersion = (JSON.parse(readFileSync(require.resolve('kafkajs/package.json'), 'utf8')) as { version: string }).version;
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-kafka-'));
  const warnings: string[] = [];
  let cluster: MockKafkaCluster | undefined;
  let admin: ReturnType<Kafka['admin']> | undefined;
  try {
    const events = kafkaEvents(n);
    const main = prepare(events, dir, 'main');
    const warm = prepare(kafkaEvents(Math.min(n, 5_000), 11), dir, 'warm');
    const enc = events.map((e) => encodeEvent(e));
    const avg = (f: (m: (typeof enc)[number]) => number) => Math.round(enc.reduce((s, m) => s + f(m), 0) / enc.length);

    cluster = await MockKafkaCluster.start(BROKERS);
    loopbackOnly(cluster.brokers);
    log(`Kafka: mock cluster of ${BROKERS} brokers at ${cluster.brokers.join(',')}; N=${n} events, ${runs} runs; kcat ${kcatVersion}, kafkajs ${kafkajsVersion}`);
    admin = new Kafka({ brokers: cluster.brokers, clientId: 'custodian-bench-check', logLevel: logLevel.NOTHING }).admin();
    await admin.connect();

    const w = await oneRun(cluster, admin, warm, 'w', warnings, false);
    log(`Kafka warm-up done (${warm.events.length} events; group join ${fmtS(w.adapterJoinS)} s)`);
    const out: KafkaRun[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await oneRun(cluster, admin, main, String(i), warnings, i === 0);
      out.push(r);
      log(
        `run ${i + 1} Kafka: produce ${fmtRate(n / r.adapterProduceS)} ev/s (kcat ${fmtRate(n / r.kcatProduceS)}), ` +
          `consume ${fmtRate(n / r.adapterConsumeS)} ev/s (kcat ${fmtRate(n / r.kcatConsumeS)}), group join ${fmtS(r.adapterJoinS)} s`,
      );
    }
    return {
      facts,
      n,
      runs: out,
      avgValueBytes: avg((m) => Buffer.byteLength(m.value)),
      avgKeyBytes: avg((m) => Buffer.byteLength(m.key)),
      avgHeaderBytes: avg((m) => Object.entries(m.headers).reduce((s, [k, v]) => s + Buffer.byteLength(k) + Buffer.byteLength(v), 0)),
      avgSealedBytes: Math.round(events.reduce((s, e) => s + JSON.stringify(e.sealed).length, 0) / events.length),
      partitions: main.partitions,
      warmupEvents: warm.events.length,
      subjects: new Set(events.map((e) => e.subjectRef)).size,
      kcatVersion,
      kafkajsVersion,
      warnings,
      load: [load0, loadavg()[0]!],
      totalS: secondsSince(started),
    };
  } finally {
    await admin?.disconnect().catch(() => undefined);
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- report

export const KAFKA_HEADING = (date: string) => `## ${date} — Kafka adapter on librdkafka's mock cluster`;

export function kafkaReport(r: KafkaResults): string {
  const f = r.facts;
  const n = r.n;
  const rate = (s: number) => n / s;
  const runsOf = (xs: number[]) => xs.map(fmtRate).join(' / ');
  const sOf = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' / ');
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
  const ap = median(r.runs.map((x) => rate(x.adapterProduceS)));
  const kp = median(r.runs.map((x) => rate(x.kcatProduceS)));
  const ac = median(r.runs.map((x) => rate(x.adapterConsumeS)));
  const kc = median(r.runs.map((x) => rate(x.kcatConsumeS)));
  const join = median(r.runs.map((x) => x.adapterJoinS));
  const lines: string[] = [];
  lines.push(KAFKA_HEADING(f.date.slice(0, 10)));
  lines.push('');
  lines.push(
    `N = ${n.toLocaleString('en-GB')} events, median of ${r.runs.length} run(s) after a warm-up (${r.warmupEvents.toLocaleString('en-GB')} events); one mock cluster of ${BROKERS} brokers, ` +
      `topics of ${r.partitions} partitions (replication ${REPLICATION}) made fresh for each run. **The mock is an in-memory, single-process broker ` +
      `sharing the two cores with the client: absolute figures say nothing about a real cluster; the ratio against kcat on the same mock is the point.**`,
  );
  lines.push('');
  lines.push('| Measurement | Adapter (kafkajs) | kcat raw (same run, same mock) | Adapter / raw |');
  lines.push('|---|---:|---:|---:|');
  lines.push(`| **Produce (events/s)**: \`publish\` in batches of ${BATCH.toLocaleString('en-GB')}, awaited in turn; kcat \`-P -l\` from a file | **${fmtRate(ap)}** | ${fmtRate(kp)} | ${ratio(ap, kp)} |`);
  lines.push(`| **Consume from the beginning (events/s)**: \`subscribe\`, handler does nothing, commit after each batch; kcat \`-C -o beginning -c N\`, best of ${KCAT_READS} | **${fmtRate(ac)}** | ${fmtRate(kc)} | ${ratio(ac, kc)} |`);
  lines.push(`| ↳ consumer group join, not in the consume window (s) | ${join.toFixed(2)} | — (no group) | — |`);
  lines.push('');
  lines.push('Per-run figures (run 1 / 2 / 3):');
  lines.push('');
  lines.push(`- adapter produce, events/s: ${runsOf(r.runs.map((x) => rate(x.adapterProduceS)))} (first publish, with the producer's connect and metadata fetch, s: ${sOf(r.runs.map((x) => x.adapterFirstBatchS))})`);
  lines.push(`- kcat produce, messages/s: ${runsOf(r.runs.map((x) => rate(x.kcatProduceS)))}`);
  lines.push(`- adapter consume, events/s: ${runsOf(r.runs.map((x) => rate(x.adapterConsumeS)))}; group join, s: ${sOf(r.runs.map((x) => x.adapterJoinS))}; handler calls: ${r.runs.map((x) => x.consumeBatches).join(' / ')}`);
  lines.push(
    `- kcat consume, messages/s: ${runsOf(r.runs.map((x) => rate(x.kcatConsumeS)))}: the fastest of ${KCAT_READS} reads per run, which took (s) ` +
      `${r.runs.map((x) => x.kcatConsumeReadsS.map((s) => s.toFixed(3)).join(', ')).join(' / ')}; the slow ones waited once for ~0.5 s (cause not pinned down; not throughput); reads this short (50–150 ms) also move with other load on the machine`,
  );
  lines.push(
    `- kcat start-up alone (\`kcat -L\`: process start, connect, metadata, exit), s: ${r.runs.map((x) => x.kcatStartS.toFixed(3)).join(' / ')}; it is inside both kcat figures. ` +
      `Less that time, kcat produces ${runsOf(r.runs.map((x) => n / Math.max(1e-3, x.kcatProduceS - x.kcatStartS)))} and consumes ${runsOf(r.runs.map((x) => n / Math.max(1e-3, x.kcatConsumeS - x.kcatStartS)))} messages/s`,
  );
  lines.push(
    `- messages: one event family (contact.*, so one topic, as kcat writes one), ${r.subjects.toLocaleString('en-GB')} subjects (~3 events each), ` +
      `~${r.avgValueBytes} B values (stored-event JSON, ~${r.avgSealedBytes} B of it the sealed section), ~${r.avgKeyBytes} B keys (the pseudonymous subject ref), ` +
      `4 headers of ~${r.avgHeaderBytes} B (schema, record id, council, traceparent); kcat sends the same keys and values and the first event's 4 headers on every message`,
  );
  lines.push(
    '- how: per run, (1) kcat produces the N messages into a topic of its own (`kcat -P -K \'\\t\' -l`, murmur2 partitioner as kafkajs\', acks=all, librdkafka defaults otherwise: linger 5 ms, batches up to 10,000 messages / 1 MB); ' +
      '(2) the adapter publishes them (`KafkaEventStream.publish`, acks=all, non-idempotent because of the mock\'s controller-id quirk, kafkajs defaults otherwise), end offsets checked; ' +
      '(3) kcat reads the adapter\'s topic from the beginning until it has N messages (`-c N`, so it does not wait out an empty fetch to see the end; `-e` too), printing only offsets (`-f \'%o\\n\'`), counted, ' + String(KCAT_READS) + ' times (the fastest counts: about one kcat read in two on the mock stalls once for ~0.5 s, ten times the read itself, whether first or not and whatever fetch.wait.max.ms is); ' +
      '(4) the adapter subscribes a new group and the window runs from `subscribe()` resolving (kafkajs has joined and synced the group by then) to the handler having seen all N; committed offsets checked afterwards. ' +
      'kcat times run from spawn to exit in the Node process, so they include its start-up; every phase has a deadline that throws',
  );
  lines.push(
    `- partitions: librdkafka\'s mock keeps at most 5 MiB per partition and silently drops the oldest messages beyond it, so the topics have ${r.partitions} partitions ` +
      `(~${Math.round((r.n * (r.avgValueBytes + r.avgKeyBytes + r.avgHeaderBytes + 70)) / r.partitions / 2 ** 20 * 10) / 10} MiB each) rather than 6; every run checks that nothing was dropped`,
  );
  if (r.warnings.length) lines.push(`- kafkajs logged ${r.warnings.length} warning(s)/error(s), e.g. "${r.warnings[0]!.slice(0, 160)}"`);
  lines.push('');
  lines.push(
    `Machine: ${f.cpu}; ${f.cores} cores; ${f.ramGiB} GiB RAM; Node ${f.node}; kafkajs ${r.kafkajsVersion}; kcat ${r.kcatVersion} (Debian; the mock is the same librdkafka); ` +
      `loopback only; load average ${r.load[0].toFixed(2)} at the start, ${r.load[1].toFixed(2)} at the end; measured ${f.date}; Kafka bench ${r.totalS.toFixed(0)} s.`,
  );
  return lines.join('\n');
}

/** replaces the section with the same heading line in BENCHMARKS.md, or appends it; the rest is kept */
export function upsertSection(section: string) {
  const file = resolve(__dirname, '..', 'BENCHMARKS.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const [intro, ...sections] = old.split(/^(?=## )/m);
  const heading = section.split('\n')[0]!;
  const kept = sections.map((s) => s.trimEnd()).filter((s) => s.split('\n')[0] !== heading);
  writeFileSync(file, `${intro!.trimEnd()}\n\n${[...kept, section.trimEnd()].join('\n\n')}\n`);
}

/** source maps of the project's TypeScript as tsx compiled it (bench/profile-summary.ts maps lines back) */
function sourceMaps(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const file of Object.keys(require.cache)) {
    if (file.includes('node_modules') || !/\/services\//.test(file)) continue;
    const sm = findSourceMap(file);
    if (sm) out[file] = { ...sm.payload, sourcesContent: undefined };
  }
  return out;
}

export async function kafkaMain(n: number, runs: number, write: boolean): Promise<string> {
  const r = await kafkaBench(n, runs);
  const md = kafkaReport(r);
  process.stdout.write(`\n${md}\n`);
  if (write) {
    upsertSection(md);
    log('BENCHMARKS.md updated (Kafka section)');
  }
  if (process.env.BENCH_PROFILE_WINDOWS) writeFileSync(process.env.BENCH_PROFILE_WINDOWS, JSON.stringify({ windows, maps: sourceMaps() }));
  return md;
}

export function envInt(name: string, dflt: number) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const x = Number(v);
  if (!Number.isInteger(x) || x < 1) throw new Error(`${name} must be a positive integer (got "${v}")`);
  return x;
}

if (require.main === module) {
  kafkaMain(envInt('BENCH_KAFKA_EVENTS', 50_000), envInt('BENCH_RUNS', 3), !process.argv.includes('--no-write')).catch((e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
