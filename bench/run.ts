/**
 * Custodian benchmark: end-to-end ingest and disposal on the embedded runtime, each beside the raw
 * limit of the same machine, measured in the same run. `npm run bench` (or `npx tsx bench/run.ts`).
 *
 *   BENCH_EVENTS=100000   events for the ingest measurement
 *   BENCH_RECORDS=50000   recordings (files) for the disposal measurement
 *   BENCH_RUNS=3          repetitions; the median is reported
 *   BENCH_ONLY=ingest|disposal|kafka|rights   one measurement only (kafka: bench/kafka.ts, rights: bench/rights.ts)
 *   BENCH_KAFKA_EVENTS=50000   events for the Kafka measurement (bench/kafka.ts; run last, needs kcat)
 *   --no-write            do not update BENCHMARKS.md
 *   --profile             profile instead: one ingest run under --cpu-prof, then its top functions
 *   BENCH_PROFILE_WINDOWS=file   write the hrtime windows of the timed phases (for bench/profile-summary.ts)
 *
 * Nothing runs in the background: the runtime is opened without .start(), so only what the bench
 * calls is measured. Every run uses a fresh temp data dir, removed afterwards.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { findSourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { StaticConnectorDirectory, type ConnectorBinding } from '@custodian/connectors';
import { loadPolicyPacks, type LoadedPack } from '@custodian/core';
import { EmbeddedRuntime, SCHEMA } from '@custodian/embedded';
import { machineFacts, type MachineFacts } from './facts';
import { logicOnly } from './logic';
import { ingestMix, recordingsOnlyFiles, type IngestMix } from './gen';
import { KAFKA_HEADING, kafkaMain, kcatAvailable } from './kafka';
import { RIGHTS_HEADING, rightsMain } from './rights';
import { FEWEST_ROWS_CHUNK, createFiles, rawDelete, rawFewestDisposal, rawFewestRows, rawInsert, rawSameRows, rawUnlink } from './raw';
import { Deadline, collectGarbage, countFiles, fmtRate, fmtS, median, nowNs, nowUs, secondsSince } from './util';

const NOW = new Date('2026-01-05T09:00:00Z');
const BATCH = 1_000;
const ACTOR = 'bench';
const WAV = Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'), Buffer.alloc(28)]);
const INGEST_TARGET = 20_000;
const DISPOSAL_TARGET = 10_000;

const envInt = (name: string, dflt: number) => {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer (got "${v}")`);
  return n;
};
const N = envInt('BENCH_EVENTS', 100_000);
const M = envInt('BENCH_RECORDS', 50_000);
const RUNS = envInt('BENCH_RUNS', 3);
const KAFKA_N = envInt('BENCH_KAFKA_EVENTS', 50_000);
const ONLY = process.env.BENCH_ONLY ?? '';
if (ONLY && ONLY !== 'ingest' && ONLY !== 'disposal' && ONLY !== 'kafka' && ONLY !== 'rights') throw new Error('BENCH_ONLY must be "ingest", "disposal", "kafka" or "rights"');
const WRITE = !process.argv.includes('--no-write');
const windows: Array<{ name: string; startUs: number; endUs: number }> = [];

const made: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'custodian-bench-'));
  made.push(d);
  return d;
}
// whatever happens, no temp dir outlives the bench
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

function openRuntime(dir: string, packs: LoadedPack[], bindings: ConnectorBinding[]): EmbeddedRuntime {
  return EmbeddedRuntime.open({
    dataDir: join(dir, 'data'),
    simulatedClock: true,
    frozenAt: NOW,
    packs,
    connectors: new StaticConnectorDirectory(bindings),
    masterKey: Buffer.alloc(32, 1),
  });
}

function batches<T>(xs: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += BATCH) out.push(xs.slice(i, i + BATCH));
  return out;
}

const scalar = (rt: EmbeddedRuntime, sql: string): number => (rt.store.db.prepare(sql).get() as { n: number }).n;

async function ingestAll(rt: EmbeddedRuntime, parts: unknown[][], deadline: Deadline): Promise<number> {
  let accepted = 0;
  for (const b of parts) {
    const res = await rt.platform.ingest(b, ACTOR);
    for (const r of res) {
      if (r.status === 'accepted') accepted++;
      else if (r.status === 'rejected') throw new Error(`bench event rejected: ${JSON.stringify(r.reasons)}`);
    }
    deadline.check();
  }
  return accepted;
}

async function projectAll(rt: EmbeddedRuntime, deadline: Deadline): Promise<number> {
  let n = 0;
  for (let k = 0; k < 10_000; k++) {
    const step = await rt.platform.project();
    if (!step) return n;
    n += step;
    deadline.check();
  }
  throw new Error('projection did not drain');
}

interface IngestRun {
  ingestS: number;
  projectS: number;
  storedBytes: number;
  /** the rows this run wrote, written again raw into a fresh file */
  sameRowsS: number;
  /** the fewest rows any design could write for the same events, written raw (rawFewestRows) */
  fewestRowsS: number;
}

async function platformIngest(mix: IngestMix, parts: unknown[][], packs: LoadedPack[], record: boolean): Promise<IngestRun> {
  const dir = tempDir();
  try {
    const rt = openRuntime(dir, packs, []);
    const deadline = new Deadline('ingest run', 120);
    const t0 = nowNs();
    const w0 = nowUs();
    const accepted = await ingestAll(rt, parts, deadline);
    const ingestS = secondsSince(t0);
    const w1 = nowUs();
    const t1 = nowNs();
    const projected = await projectAll(rt, deadline);
    const projectS = secondsSince(t1);
    if (record) windows.push({ name: 'ingest', startUs: w0, endUs: w1 }, { name: 'project', startUs: w1, endUs: nowUs() });
    // end to end means: every event appended, every record registered, each with a due time where the policy gives one
    const n = mix.events.length;
    const logged = scalar(rt, `SELECT COUNT(*) AS n FROM event_log`);
    const records = scalar(rt, `SELECT COUNT(*) AS n FROM records`);
    const withDue = scalar(rt, `SELECT COUNT(*) AS n FROM records WHERE due_at IS NOT NULL`);
    if (accepted !== n || logged !== n || projected !== n) throw new Error(`ingest check: ${accepted} accepted, ${logged} logged, ${projected} projected of ${n}`);
    if (records !== mix.records || withDue !== mix.recordsWithDue) throw new Error(`registry check: ${records} records (${withDue} with due time), expected ${mix.records} (${mix.recordsWithDue})`);
    const storedBytes = scalar(rt, `SELECT AVG(LENGTH(meta) + LENGTH(sealed)) AS n FROM event_log`);
    const sameRowsS = rawSameRows(rt.store.db, join(dir, 'same-rows.db'), SCHEMA, Math.ceil(n / BATCH));
    const fewestRowsS = rawFewestRows(rt.store.db, join(dir, 'fewest-rows.db'));
    await rt.stop();
    return { ingestS, projectS, storedBytes, sameRowsS, fewestRowsS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface DisposalRun {
  seconds: number;
  stateBytes: number;
  /** untimed: creating the files and copying the prepared database */
  setupS: number;
}

const FILES_STORE = (root: string): ConnectorBinding[] => [{ controller: 'newark-sherwood', store: 'recordings-files', kind: 'files', root } as ConnectorBinding];

/**
 * The state before disposal is built once per measurement set (M recordings ingested and projected,
 * untimed) and copied into each run's fresh data dir: every run starts from the same database, and
 * the bench does not spend its time budget re-ingesting what it does not measure.
 */
async function prepareDisposalState(events: unknown[], packs: LoadedPack[]): Promise<{ dir: string; db: string }> {
  const dir = tempDir();
  const rt = openRuntime(dir, packs, FILES_STORE(join(dir, 'unused')));
  const setup = new Deadline('disposal setup', 150);
  await ingestAll(rt, batches(events), setup);
  await projectAll(rt, setup);
  const m = events.length;
  const active = scalar(rt, `SELECT COUNT(*) AS n FROM records WHERE status = 'active' AND due_at IS NOT NULL`);
  if (active !== m) throw new Error(`disposal setup: ${active} active records, expected ${m}`);
  rt.store.db.pragma('wal_checkpoint(TRUNCATE)');
  await rt.stop();
  const db = join(dir, 'data', 'custodian.db');
  if (existsSync(`${db}-wal`) && statSync(`${db}-wal`).size > 0) throw new Error('disposal setup: the WAL was not checkpointed');
  return { dir, db };
}

async function platformDisposal(stateDb: string, m: number, locators: string[], packs: LoadedPack[], record: boolean): Promise<DisposalRun> {
  const dir = tempDir();
  try {
    const s0 = nowNs();
    const root = join(dir, 'files');
    await createFiles(root, locators, WAV);
    mkdirSync(join(dir, 'data'));
    copyFileSync(stateDb, join(dir, 'data', 'custodian.db'));
    const rt = openRuntime(dir, packs, FILES_STORE(root));
    const stateBytes = scalar(rt, `SELECT AVG(LENGTH(state)) AS n FROM records`);
    // warm the page cache the way a long-running process would have it; reading is not what is measured
    scalar(rt, `SELECT COUNT(*) AS n FROM records WHERE status = 'active'`);
    collectGarbage();
    const setupS = secondsSince(s0);

    const deadline = new Deadline('disposal run', 120);
    const t0 = nowNs();
    const w0 = nowUs();
    const first = await rt.platform.advanceClock('P41D', ACTOR);
    let disposed = first.sweep.disposed;
    let failed = first.sweep.tasksFailed;
    for (let k = 0; k < 100 && disposed < m; k++) {
      const r = await rt.platform.sweep();
      disposed += r.disposed;
      failed += r.tasksFailed;
      if (!r.disposed && !r.tasksRun && !r.started) break;
      deadline.check();
    }
    const seconds = secondsSince(t0);
    if (record) windows.push({ name: 'disposal', startUs: w0, endUs: nowUs() });

    const inDb = scalar(rt, `SELECT COUNT(*) AS n FROM records WHERE status = 'disposed'`);
    const left = countFiles(root);
    const purged = scalar(rt, `SELECT COUNT(*) AS n FROM event_log WHERE sealed IS NOT NULL`);
    if (disposed !== m || inDb !== m || left !== 0 || failed !== 0 || purged !== 0) {
      throw new Error(`disposal check: ${disposed} reported, ${inDb} disposed in the registry, ${left} files left, ${failed} tasks failed, ${purged} sealed events left (of ${m})`);
    }
    await rt.stop();
    return { seconds, stateBytes, setupS };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** the fewest writes a crash-safe disposal can make, on a copy of the same prepared database and fresh files */
async function fewestDisposalRun(stateDb: string, locators: string[]): Promise<number> {
  const dir = tempDir();
  try {
    const root = join(dir, 'files');
    await createFiles(root, locators, WAV);
    copyFileSync(stateDb, join(dir, 'fewest.db'));
    const s = await rawFewestDisposal(join(dir, 'fewest.db'), root, 'recordings-files', new Date(NOW.getTime() + 41 * 86_400_000).toISOString());
    if (countFiles(root) !== 0) throw new Error('fewest-writes disposal left files behind');
    return s;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** events/s if `cores` cores shared the logic and the writes with nothing lost between them (median over runs) */
function bestOnCores(runs: ReadonlyArray<readonly [number, number]>, cores: number): number {
  return median(runs.map(([logicS, writeS]) => (cores * N) / (logicS + writeS)));
}

function rawInsertRun(rows: ReadonlyArray<readonly [string, string]>): number {
  const dir = tempDir();
  try {
    return rawInsert(join(dir, 'raw.db'), rows, BATCH);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function rawDeleteRun(m: number, bytes: number): number {
  const dir = tempDir();
  try {
    return rawDelete(join(dir, 'raw.db'), m, bytes, BATCH);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function rawUnlinkRun(locators: string[]): Promise<number> {
  const dir = tempDir();
  try {
    const s = await rawUnlink(join(dir, 'files'), locators, WAV, 64);
    if (countFiles(join(dir, 'files')) !== 0) throw new Error('raw unlink left files behind');
    return s;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function log(msg: string) {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
}

interface Results {
  facts: MachineFacts;
  mix?: IngestMix;
  ingest?: { runs: IngestRun[]; raw: number[]; logic: number[] };
  disposal?: { runs: DisposalRun[]; rawDelete: number[]; rawUnlink: number[]; fewest: number[] };
  totalS: number;
}

/**
 * --profile: runs the bench once more under `node --cpu-prof` (ingest only, 50,000 events unless
 * told otherwise), then prints the top functions of the timed windows with bench/profile-summary.ts.
 * The .cpuprofile stays in a temp dir, to open in Chrome DevTools if wanted.
 */
function profile(): number {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-prof-'));
  const windowsFile = join(dir, 'windows.json');
  const env = {
    ...process.env,
    BENCH_EVENTS: process.env.BENCH_EVENTS ?? '50000',
    BENCH_RECORDS: process.env.BENCH_RECORDS ?? '20000',
    BENCH_RUNS: '1',
    BENCH_ONLY: process.env.BENCH_ONLY ?? 'ingest',
    BENCH_PROFILE_WINDOWS: windowsFile,
  };
  const run = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', __filename, '--no-write'], { env, stdio: 'inherit', timeout: 280_000 });
  if (run.status !== 0) return run.status ?? 1;
  const profiles = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
  const sum = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'profile-summary.ts'), ...profiles, windowsFile], { stdio: 'inherit', timeout: 60_000 });
  process.stderr.write(`profiles kept in ${dir}\n`);
  return sum.status ?? 1;
}

async function main() {
  if (process.argv.includes('--profile')) {
    process.exitCode = profile();
    return;
  }
  if (ONLY === 'kafka') {
    await kafkaMain(KAFKA_N, RUNS, WRITE);
    return;
  }
  if (ONLY === 'rights') {
    await rightsMain(WRITE);
    return;
  }
  const started = nowNs();
  const facts = machineFacts();
  const packs = loadPolicyPacks();
  log(`${facts.cpu}, ${facts.cores} cores, Node ${facts.node}; N=${N} events, M=${M} records, ${RUNS} runs`);

  // ---- generated before any timing
  const doIngest = ONLY !== 'disposal';
  const doDisposal = ONLY !== 'ingest';
  const mix = doIngest ? ingestMix(N, NOW) : undefined;
  const parts = mix ? batches(mix.events) : [];
  const rawRows = mix ? mix.events.map((e) => [e.eventId, JSON.stringify(e)] as const) : [];
  const disp = doDisposal ? recordingsOnlyFiles(M, NOW) : undefined;
  if (mix) log(`ingest mix: ${mix.records} records (${mix.recordsWithDue} with a due time), ~${mix.avgJsonBytes} B JSON per event`);

  // ---- warm-up: the same code paths, small, discarded
  {
    const w = ingestMix(3_000, NOW, 1);
    await platformIngest(w, batches(w.events), packs, false);
    rawInsertRun(w.events.map((e) => [e.eventId, JSON.stringify(e)] as const));
    const d = recordingsOnlyFiles(1_000, NOW, 2);
    const state = await prepareDisposalState(d.events, packs);
    await platformDisposal(state.db, d.events.length, d.locators, packs, false);
    rmSync(state.dir, { recursive: true, force: true });
    rawDeleteRun(1_000, 1_024);
    await rawUnlinkRun(d.locators);
    log(`warm-up done in ${fmtS(secondsSince(started))} s`);
  }

  const results: Results = { facts, totalS: 0, ...(mix ? { mix } : {}) };
  if (mix) results.ingest = { runs: [], raw: [], logic: [] };
  if (disp) results.disposal = { runs: [], rawDelete: [], rawUnlink: [], fewest: [] };
  const state = disp ? await prepareDisposalState(disp.events, packs) : undefined;
  if (state) log(`disposal state prepared: ${M} recordings ingested and projected (untimed)`);
  // interleaved, so drift on the machine (page cache, other load) touches platform and raw alike
  for (let run = 0; run < RUNS; run++) {
    if (mix && results.ingest) {
      collectGarbage();
      const raw = rawInsertRun(rawRows);
      collectGarbage();
      const r = await platformIngest(mix, parts, packs, run === 0);
      collectGarbage();
      const logic = logicOnly(mix.events, packs, BATCH);
      results.ingest.logic.push(logic);
      results.ingest.raw.push(raw);
      results.ingest.runs.push(r);
      log(`run ${run + 1} ingest: ${fmtRate(N / r.ingestS)} ev/s ingest, ${fmtRate(N / (r.ingestS + r.projectS))} ev/s ingest+projection; raw insert ${fmtRate(N / raw)} rows/s, same rows ${fmtRate(N / r.sameRowsS)} ev/s, fewest rows ${fmtRate(N / r.fewestRowsS)} ev/s, logic alone ${fmtRate(N / logic)} ev/s`);
    }
    if (disp && results.disposal) {
      collectGarbage();
      const del = rawDeleteRun(M, 1_024);
      collectGarbage();
      const unl = await rawUnlinkRun(disp.locators);
      collectGarbage();
      const r = await platformDisposal(state!.db, M, disp.locators, packs, run === 0);
      collectGarbage();
      const fewest = await fewestDisposalRun(state!.db, disp.locators);
      results.disposal.fewest.push(fewest);
      results.disposal.rawDelete.push(del);
      results.disposal.rawUnlink.push(unl);
      results.disposal.runs.push(r);
      log(`run ${run + 1} disposal: ${fmtRate(M / r.seconds)} records/s (${fmtS(r.seconds)} s, set-up ${fmtS(r.setupS)} s); raw delete ${fmtRate(M / del)} rows/s, raw unlink ${fmtRate(M / unl)} files/s, fewest writes ${fmtRate(M / fewest)} records/s`);
    }
  }
  if (state) rmSync(state.dir, { recursive: true, force: true });
  results.totalS = secondsSince(started);

  const md = report(results);
  process.stdout.write(`\n${md}\n`);
  if (WRITE) {
    writeBenchmarksMd(md, facts.date.slice(0, 10));
    log('BENCHMARKS.md updated');
  }
  // subject rights: erasure fan-out and subject access (bench/rights.ts), their own section
  if (!ONLY) await rightsMain(WRITE);
  // the Kafka adapter against kcat on librdkafka's mock cluster: its own section (bench/kafka.ts)
  if (!ONLY) {
    if (kcatAvailable()) await kafkaMain(KAFKA_N, RUNS, WRITE);
    else log('Kafka measurement skipped: kcat is not installed (apt-get install kcat librdkafka-dev)');
  }
  if (process.env.BENCH_PROFILE_WINDOWS) writeFileSync(process.env.BENCH_PROFILE_WINDOWS, JSON.stringify({ windows, maps: sourceMaps() }));
}

/**
 * The source maps of the project's TypeScript as tsx compiled it, so bench/profile-summary.ts can
 * turn a profile's line numbers (of the compiled code) back into lines of the .ts files.
 */
function sourceMaps(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const file of Object.keys(require.cache)) {
    if (file.includes('node_modules') || !/\/(services|contracts|workflows)\//.test(file)) continue;
    const sm = findSourceMap(file);
    if (sm) out[file] = { ...sm.payload, sourcesContent: undefined };
  }
  return out;
}

const yes = (ok: boolean) => (ok ? '**yes**' : '**no**');
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const runsOf = (xs: number[]) => xs.map(fmtRate).join(' / ');

function report(r: Results): string {
  const f = r.facts;
  const lines: string[] = [];
  lines.push(`## ${f.date.slice(0, 10)} — ${f.cpu}, ${f.cores} cores`);
  lines.push('');
  lines.push(`N = ${N.toLocaleString('en-GB')} events, M = ${M.toLocaleString('en-GB')} records, median of ${RUNS} run(s) after a warm-up; batches of ${BATCH.toLocaleString('en-GB')}.`);
  lines.push('');
  lines.push('| Measurement | Platform | Raw limit (same run) | Platform / raw | Target | Met |');
  lines.push('|---|---:|---:|---:|---:|:-:|');
  if (r.ingest && r.mix) {
    const ing = median(r.ingest.runs.map((x) => N / x.ingestS));
    const e2e = median(r.ingest.runs.map((x) => N / (x.ingestS + x.projectS)));
    const proj = median(r.ingest.runs.map((x) => N / x.projectS));
    const raw = median(r.ingest.raw.map((s) => N / s));
    lines.push(`| Ingest only: validate, PAN-scan, link, seal, append (events/s) | ${fmtRate(ing)} | ${fmtRate(raw)} rows/s insert | ${ratio(ing, raw)} | — | — |`);
    lines.push(`| Projection alone: register with due time (events/s) | ${fmtRate(proj)} | — | — | — | — |`);
    lines.push(`| **Ingest + projection, end to end (events/s)** | **${fmtRate(e2e)}** | ${fmtRate(raw)} rows/s insert | ${ratio(e2e, raw)} | ≥ ${fmtRate(INGEST_TARGET)} | ${yes(e2e >= INGEST_TARGET)} |`);
    const same = median(r.ingest.runs.map((x) => N / x.sameRowsS));
    lines.push(`| ↳ raw SQLite: the rows the platform stored, written again with no logic (events/s) | — | ${fmtRate(same)} | ${ratio(e2e, same)} | — | — |`);
    const fewest = median(r.ingest.runs.map((x) => N / x.fewestRowsS));
    lines.push(`| ↳ raw SQLite: the fewest rows any registry could write for the same events, no logic (events/s) | — | ${fmtRate(fewest)} | ${ratio(e2e, fewest)} | — | — |`);
    const logic = median(r.ingest.logic.map((s) => N / s));
    lines.push(`| ↳ the platform's logic alone, no storage, one core (events/s) | — | ${fmtRate(logic)} | ${ratio(e2e, logic)} | — | — |`);
    const bound = bestOnCores(r.ingest.runs.map((x, i) => [r.ingest!.logic[i]!, x.fewestRowsS] as const), f.cores);
    lines.push(`| ↳ best possible on ${f.cores} cores: that logic and those fewest rows, perfectly parallel (events/s) | — | ${fmtRate(bound)} | ${ratio(e2e, bound)} | ≥ ${fmtRate(INGEST_TARGET)} | ${yes(bound >= INGEST_TARGET)} |`);
  }
  if (r.disposal) {
    const d = r.disposal;
    const plat = median(d.runs.map((x) => M / x.seconds));
    const del = median(d.rawDelete.map((s) => M / s));
    const unl = median(d.rawUnlink.map((s) => M / s));
    const combined = median(d.rawDelete.map((s, i) => M / (s + d.rawUnlink[i]!)));
    lines.push(`| **Disposal, files connector (records/s)** | **${fmtRate(plat)}** | ${fmtRate(combined)} combined (delete + unlink, serial) | ${ratio(plat, combined)} | ≥ ${fmtRate(DISPOSAL_TARGET)} | ${yes(plat >= DISPOSAL_TARGET)} |`);
    lines.push(`| ↳ raw SQLite DELETE by primary key (rows/s) | — | ${fmtRate(del)} | ${ratio(plat, del)} | — | — |`);
    lines.push(`| ↳ raw fs.unlink, 64 in flight (files/s) | — | ${fmtRate(unl)} | ${ratio(plat, unl)} | — | — |`);
    const fewest = median(d.fewest.map((s) => M / s));
    lines.push(`| ↳ the fewest writes a crash-safe disposal can make, with unlinks, no logic (records/s) | — | ${fmtRate(fewest)} | ${ratio(plat, fewest)} | ≥ ${fmtRate(DISPOSAL_TARGET)} | ${yes(fewest >= DISPOSAL_TARGET)} |`);
  }
  lines.push('');
  lines.push('Per-run figures (run 1 / 2 / 3):');
  lines.push('');
  if (r.ingest && r.mix) {
    const mix = r.mix;
    lines.push(`- ingest only, events/s: ${runsOf(r.ingest.runs.map((x) => N / x.ingestS))}`);
    lines.push(`- ingest + projection, events/s: ${runsOf(r.ingest.runs.map((x) => N / (x.ingestS + x.projectS)))}`);
    lines.push(`- raw insert, rows/s: ${runsOf(r.ingest.raw.map((s) => N / s))}`);
    lines.push(`- the platform's own rows written raw (events/s): ${runsOf(r.ingest.runs.map((x) => N / x.sameRowsS))}. These are every row of subjects, blind_index, key_vault, event_log (in ${Math.ceil(N / BATCH)} transactions) then records and audit (in as many again), copied from that run's database into a fresh file with the same schema, indexes and pragmas: the SQLite floor under the platform's storage with no validation, crypto or JSON. It is a floor, not a limit: records are written once in their final state, where the projector upserts some twice`);
    lines.push(`- the fewest rows (events/s): ${runsOf(r.ingest.runs.map((x) => N / x.fewestRowsS))}. The same events' rows from that run's database, but only what any registry answering the issue's queries must write: one log row (event id unique; no record or time index), per new subject one row with its wrapped key and its blind-index rows, one record row written once with its due and subject indexes, and one audit entry per transaction (not per record), ingest and registration in the same transactions of ${FEWEST_ROWS_CHUNK.toLocaleString('en-GB')} events (ten times the bench's batches). No validation, crypto, JSON or hashing. Below the target, no design on SQLite reaches it on this machine`);
    lines.push(`- the logic alone (events/s, one core): ${runsOf(r.ingest.logic.map((s) => N / s))}. The same events through the functions ingest and the projector call, with no storage (bench/logic.ts): contract and policy check, PAN scan, blind-index and record-id HMACs, a data key made and wrapped per new subject, the seal, the retention decision, the JSON the store writes, the audit entry's hash`);
    lines.push(`- best possible on ${f.cores} cores (events/s): ${runsOf(r.ingest.runs.map((x, i) => bestOnCores([[r.ingest!.logic[i]!, x.fewestRowsS]], f.cores)))} = ${f.cores} / (logic seconds per event + fewest-rows seconds per event): every core busy all the time, no cost to hand work between threads. SQLite has one writer, so the write side cannot be spread; this bound assumes the logic can`);
    lines.push(`- ingest mix: ${mix.records.toLocaleString('en-GB')} records (${mix.recordsWithDue.toLocaleString('en-GB')} with a due time; the rest are complaints still open), ~${mix.avgJsonBytes} B of JSON per event as submitted (the raw insert writes exactly these), ~${Math.round(median(r.ingest.runs.map((x) => x.storedBytes)))} B per event-log row as stored (meta + sealed)`);
    const kinds = Object.entries(mix.byKind).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${((100 * v) / N).toFixed(1)}%`);
    lines.push(`- event mix: ${kinds.join(', ')}`);
  }
  if (r.disposal) {
    const d = r.disposal;
    lines.push(`- disposal, records/s: ${runsOf(d.runs.map((x) => M / x.seconds))}`);
    lines.push(`- raw DELETE, rows/s: ${runsOf(d.rawDelete.map((s) => M / s))}; raw unlink, files/s: ${runsOf(d.rawUnlink.map((s) => M / s))}`);
    lines.push(`- the fewest writes, records/s: ${runsOf(d.fewest.map((s) => M / s))}. On a copy of the same prepared database and fresh files, rounds of 2,000 due records as the sweep's: one transaction moves them to disposing with one task each (the file; the log shares the database and needs none), the files are unlinked 64 in flight, one transaction marks each task done, blanks the record's log rows and marks the record disposed; one audit entry per transaction; the state text written back unchanged (no JSON, no hashing)`);
    lines.push(`- per disposed record the platform writes: its registry row twice (disposing, disposed; ~${Math.round(median(d.runs.map((x) => x.stateBytes)))} B of state), 2 deletion tasks (the file, the event log's copy) each inserted, then updated to done without its locator, the event's log row (sealed section and locators blanked), 2 audit entries (disposal started, record disposed); the raw DELETE uses 1 KB rows and secure_delete = ON as the store does; files are ${WAV.length} B, up to 500 per folder`);
    lines.push(`- "combined" raw = M / (DELETE time + unlink time): the platform does both kinds of work, one after the other, so their sum is the raw path it competes with; the ratio against each alone is in the rows below it`);
  }
  lines.push('');
  lines.push(`Machine: ${f.cpu}; ${f.cores} cores; ${f.ramGiB} GiB RAM; Node ${f.node}; better-sqlite3 ${f.betterSqlite3}; SQLite ${f.sqlite}; temp dir ${f.tmpdir} (${f.tmpFs}); measured ${f.date}; whole bench ${r.totalS.toFixed(0)} s.`);
  return lines.join('\n');
}

const INTRO = `# Benchmarks

Run with \`npm run bench\` (same as \`npx tsx bench/run.ts\`) from the repository root. It takes a few
minutes on two cores, uses only temp directories (removed afterwards) and no network, and adds or
replaces today's section below. Options: \`BENCH_EVENTS\` (default 100000), \`BENCH_RECORDS\`
(default 50000), \`BENCH_RUNS\` (default 3), \`BENCH_KAFKA_EVENTS\` (default 50000),
\`BENCH_ONLY=ingest|disposal|kafka\`, \`--no-write\`, \`--profile\`.

**End to end** means what \`POST /v1/events\` plus the projector do: each event is validated against the
contract and its council's policy pack, scanned for card numbers, linked to a pseudonymous subject
(blind index), sealed under the subject's data key, appended to the event log, and registered in the
registry with its due time. Events are submitted through \`platform.ingest\` in batches of 1,000 and
then \`platform.project()\` runs until the log is drained; the figure is events / (ingest + projection time).
**Disposal** is \`advanceClock('P41D')\` (which sweeps) plus sweeps until every record is disposed,
through the real files connector; the bench checks every record is disposed, every file is gone and
no sealed section is left in the log. The recordings are ingested and projected once, untimed, and
that database is copied into each run's fresh data dir, beside freshly created files.

\`npx tsx bench/run.ts --profile\` profiles one ingest run (50,000 events; add \`BENCH_ONLY=disposal\`
for the sweep) under \`node --cpu-prof\` and prints the top functions of the timed window only, with
lines mapped back to the TypeScript (\`bench/profile-summary.ts\`).

File-system timings vary a lot on the VM these were measured on (ext4 on virtio, mounted with
\`discard\`): creating the same 50,000 files took from 1 to 10 s from one minute to the next, so
read the raw unlink figure as noisy.

Each platform figure sits beside the raw limit of the same machine, measured in the same run:
better-sqlite3 inserting the same rows (the submitted JSON keyed by event id; WAL,
synchronous=NORMAL, 1,000 per transaction), deleting rows by primary key, and \`fs.unlink\` with
64 in flight. The platform runtime is opened without \`.start()\`, so no background timers run.

Four more figures say what any design could reach on the machine, not only this one
(\`bench/raw.ts\`, \`bench/logic.ts\`): **the fewest rows** any registry answering the issue's queries
must write for the same events (one log row, the new subjects' key and blind-index rows, one record
row with its due and subject indexes, one audit entry per transaction, transactions of 10,000), with
no logic; **the logic alone**, the same events through the functions ingest and the projector call,
with no storage, on one core; and from the two, **the best possible on this machine's cores** (every
core busy, nothing lost handing work between threads). For disposal, **the fewest writes** a
crash-safe disposal can make (one task per record for the file, the log purged in the completing
transaction, one audit entry per transaction) with the same unlinks.

**Subject rights** (\`bench/rights.ts\`, also \`BENCH_ONLY=rights\`; \`BENCH_RIGHTS_SUBJECTS\` default 20,
\`BENCH_RIGHTS_BACKGROUND\` default 20,000 events of other people): an erasure across five stores of
Nottinghamshire (CRM, web chat and payments over HTTP to the loopback simulator, call recordings as
files, the customer portal by command and acknowledgement) plus the log, timed from the decision to
the certificate, p95; beside the same five deletions made by calling the connectors directly. And a
subject access export for a subject with 1,000 records, beside reading and decrypting the same
sealed rows with no platform.

**Kafka** (\`bench/kafka.ts\`, also \`npx tsx bench/kafka.ts\` or \`BENCH_ONLY=kafka\`; run last in the full bench,
needs \`kcat\` and \`librdkafka-dev\`): the Kafka adapter's produce (\`KafkaEventStream.publish\`, batches of
1,000) and consume (\`subscribe\` from the beginning, commit after each batch) beside kcat's raw rate for
the same messages, all on one librdkafka mock cluster (3 brokers on loopback) in the same run. The mock
is an in-memory, single-process broker: its absolute figures say nothing about a real cluster; the
ratio against kcat is the point. \`BENCH_ONLY=kafka npx tsx bench/run.ts --profile\` profiles the
adapter's two timed windows.
`;

function writeBenchmarksMd(section: string, date: string) {
  const file = resolve(__dirname, '..', 'BENCHMARKS.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  // keep earlier days' sections; today's is replaced
  const sections = old
    .split(/^(?=## )/m)
    .slice(1)
    .filter((s) => !s.startsWith(`## ${date}`) || s.startsWith(KAFKA_HEADING(date)) || s.startsWith(RIGHTS_HEADING(date)))
    .map((s) => s.trimEnd());
  writeFileSync(file, `${INTRO}\n${[...sections, section.trimEnd()].join('\n\n')}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
