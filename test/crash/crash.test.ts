/**
 * SIGKILL the embedded service during ingest and during disposal, restart it, and check the
 * promises: no accepted event lost, nothing overdue 60 s after restart, no deletion reported twice
 * with different outcomes. The vendor simulator lives in this (parent) process so it outlives the kills.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { startVendorSimulator, type VendorSimulator } from '@custodian/connectors';
import { loadPolicyPacks } from '@custodian/core';
import { demoBindings, simulatorId } from '@custodian/demo/src/bindings';
import { callRecorded } from '../support/events';
import { runOnce, startService, type Running } from '../support/process';

jest.setTimeout(240_000);

const SIM_TOKEN = 'crash-sim-token';
let dir: string;
let sim: VendorSimulator;
let env: Record<string, string>;
let svc: Running | undefined;
let token: string;

const dbFile = () => join(dir, 'data', 'custodian.db');
function query<T>(sql: string, ...args: unknown[]): T {
  const db = new Database(dbFile(), { readonly: true });
  try {
    return db.prepare(sql).all(...args) as T;
  } finally {
    db.close();
  }
}

function one<T>(sql: string, ...args: unknown[]): T {
  const [row] = query<T[]>(sql, ...args);
  if (row === undefined) throw new Error(`no row for ${sql}`);
  return row;
}

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${svc!.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
}

async function kill() {
  svc!.child.kill('SIGKILL');
  await svc!.exited;
  svc = undefined;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'custodian-crash-'));
  sim = await startVendorSimulator({ token: SIM_TOKEN, host: '127.0.0.1' });
  const bindingsFile = join(dir, 'connectors.json');
  writeFileSync(bindingsFile, JSON.stringify(demoBindings(loadPolicyPacks(), { filesRoot: join(dir, 'files'), vendorUrl: sim.url, tokenEnv: 'SIM_TOKEN' })));
  env = {
    CUSTODIAN_DATA_DIR: join(dir, 'data'),
    CUSTODIAN_HTTP_PORT: '0',
    CUSTODIAN_CONNECTORS: bindingsFile,
    CUSTODIAN_SIMULATED_CLOCK: '1',
    CUSTODIAN_MASTER_KEY: Buffer.alloc(32, 9).toString('base64'),
    CUSTODIAN_SWEEP_INTERVAL_MS: '1000',
    SIM_TOKEN,
  };
  token = await runOnce(['issue-token', 'crash-test', 'service', 'operator', 'dpo'], env);
});

afterAll(async () => {
  if (svc) await kill();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

const NOW = new Date().toISOString();
const recordingLocations = (i: number) => [
  { store: '8x8', locator: `REC-${i}` },
  { store: 'recordings-files', locator: `2026/${i}.wav` },
];

test('SIGKILL during ingest loses no accepted event', async () => {
  svc = await startService(env);
  const acceptedIds = new Set<string>();
  let batch = 0;
  let inFlight: Promise<Response> | undefined;
  // keep posting until the kill lands in the middle of a request
  const killAt = Date.now() + 1_500;
  while (Date.now() < killAt) {
    const events = Array.from({ length: 500 }, (_, k) => {
      const i = batch * 500 + k;
      return callRecorded('newark-sherwood', `REC-${i}`, NOW, recordingLocations(i), { eventId: `crash-evt-${String(i).padStart(7, '0')}` });
    });
    batch++;
    inFlight = post('/v1/events', events);
    const res = await inFlight;
    const body = (await res.json()) as { results: Array<{ status: string; eventId: string }> };
    for (const r of body.results) if (r.status === 'accepted') acceptedIds.add(r.eventId);
  }
  const lastBatch = Array.from({ length: 500 }, (_, k) => callRecorded('newark-sherwood', `REC-L${k}`, NOW, [], { eventId: `crash-last-${String(k).padStart(5, '0')}` }));
  const pending = post('/v1/events', lastBatch).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 5));
  await kill();
  await pending;
  expect(acceptedIds.size).toBeGreaterThan(1_000);

  svc = await startService(env);
  const logged = new Set(query<Array<{ event_id: string }>>('SELECT event_id FROM event_log').map((r) => r.event_id));
  const lost = [...acceptedIds].filter((id) => !logged.has(id));
  expect(lost).toEqual([]);
  // and every logged event reaches the registry after the restart
  const deadline = Date.now() + 30_000;
  let unprojected = -1;
  while (Date.now() < deadline) {
    const { head } = one<{ head: number }>('SELECT MAX(offset) AS head FROM event_log');
    const { committed } = one<{ committed: number }>(`SELECT committed FROM consumer_offsets WHERE grp = 'lifecycle'`);
    unprojected = head - committed;
    if (unprojected === 0) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(unprojected).toBe(0);
  const { n } = one<{ n: number }>(`SELECT COUNT(*) AS n FROM records WHERE category = 'call-recording'`);
  expect(n).toBe(logged.size);
});

test('SIGKILL during disposal: nothing overdue 60 s after restart, no connector called twice with a different outcome', async () => {
  // put every recording where its event says it is, so deletions have something to delete
  const ids = query<Array<{ state: string }>>(`SELECT state FROM records WHERE status = 'active'`).map((r) => JSON.parse(r.state) as { locations: Array<{ store: string; locator: string }> });
  for (const r of ids) {
    for (const l of r.locations) {
      if (l.store === 'recordings-files') {
        const f = join(dir, 'files', 'newark-sherwood', 'recordings-files', l.locator);
        mkdirSync(dirname(f), { recursive: true });
        writeFileSync(f, 'wav');
      } else {
        await fetch(`${sim.url}/v1/recordings/${encodeURIComponent(simulatorId('newark-sherwood', l.store, l.locator))}`, { method: 'PUT', headers: { authorization: `Bearer ${SIM_TOKEN}` } });
      }
    }
  }
  sim.delayNext(1_000_000, 10); // the provider is a little slow, so the sweep is still running when the kill comes
  const advancing = post('/v1/clock/advance', { by: 'P41D' }).catch(() => undefined);
  await new Promise((r) => setTimeout(r, 700));
  const midway = query<Array<{ status: string; n: number }>>(`SELECT status, COUNT(*) AS n FROM records GROUP BY status`);
  await kill();
  await advancing;
  expect(midway.find((s) => s.status === 'disposing')?.n ?? 0).toBeGreaterThan(0);

  const restartedAt = Date.now();
  svc = await startService(env);
  let overdue = -1;
  while (Date.now() - restartedAt < 60_000) {
    const { n } = one<{ n: number }>(`SELECT COUNT(*) AS n FROM records WHERE status != 'disposed'`);
    overdue = n;
    if (n === 0) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(overdue).toBe(0);

  // every provider deletion answered the same for the same task, however often it was asked
  const byKey = new Map<string, Set<number>>();
  for (const c of sim.calls.filter((c) => c.method === 'DELETE' && c.status !== 0)) {
    const set = byKey.get(c.idempotencyKey!) ?? new Set<number>();
    set.add(c.status);
    byKey.set(c.idempotencyKey!, set);
  }
  const inconsistent = [...byKey.entries()].filter(([, s]) => s.size > 1);
  expect(inconsistent).toEqual([]);
  // one receipt per store per record, and the data is gone everywhere
  const tasks = query<Array<{ record_id: string; n: number }>>(`SELECT record_id, COUNT(*) AS n FROM deletion_tasks GROUP BY record_id HAVING n != (SELECT COUNT(*) FROM deletion_tasks t2 WHERE t2.record_id = deletion_tasks.record_id AND t2.status = 'done')`);
  expect(tasks).toEqual([]);
  for (const r of ids.slice(0, 200)) {
    for (const l of r.locations) {
      if (l.store === 'recordings-files') expect(existsSync(join(dir, 'files', 'newark-sherwood', 'recordings-files', l.locator))).toBe(false);
      else expect(sim.has(simulatorId('newark-sherwood', l.store, l.locator))).toBe(false);
    }
  }
});
