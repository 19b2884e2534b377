/**
 * Raw limits, measured in the same process and on the same disk as the platform: what
 * better-sqlite3 and the file system can do with no platform logic at all.
 */
import { mkdirSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { nowNs, pool, secondsSince } from './util';

function open(file: string, secureDelete: boolean) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // the platform's store runs with secure_delete = ON; the delete limit uses the same setting
  if (secureDelete) db.pragma('secure_delete = ON');
  return db;
}

const SCHEMA = `CREATE TABLE t (n INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT NOT NULL UNIQUE, v TEXT NOT NULL)`;

/**
 * Inserts `rows` (unique key + JSON text) into a fresh file: WAL, synchronous=NORMAL, batches of
 * `batch` rows per transaction, the shape of the event log (rowid + unique text key).
 */
export function rawInsert(file: string, rows: ReadonlyArray<readonly [string, string]>, batch = 1_000): number {
  const db = open(file, false);
  try {
    db.exec(SCHEMA);
    const ins = db.prepare(`INSERT INTO t(k, v) VALUES (?, ?)`);
    const tx = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) ins.run(rows[i]![0], rows[i]![1]);
    });
    const t0 = nowNs();
    for (let i = 0; i < rows.length; i += batch) tx(i, Math.min(rows.length, i + batch));
    return secondsSince(t0);
  } finally {
    db.close();
  }
}

/**
 * Fills a fresh file with `m` rows of `bytes` of JSON text (untimed), then deletes them all by
 * primary key in batches of `batch` per transaction (timed). secure_delete as the platform runs it.
 */
export function rawDelete(file: string, m: number, bytes: number, batch = 1_000): number {
  const db = open(file, true);
  try {
    db.exec(`CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT NOT NULL)`);
    const filler = JSON.stringify({ pad: 'x'.repeat(Math.max(0, bytes - 12)) });
    const ins = db.prepare(`INSERT INTO t(id, v) VALUES (?, ?)`);
    const keys: string[] = [];
    db.transaction(() => {
      for (let i = 0; i < m; i++) {
        const k = `rec_${String(i).padStart(20, '0')}`;
        keys.push(k);
        ins.run(k, filler);
      }
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    const del = db.prepare(`DELETE FROM t WHERE id = ?`);
    const tx = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) if (del.run(keys[i]!).changes !== 1) throw new Error('raw delete missed a row');
    });
    const t0 = nowNs();
    for (let i = 0; i < m; i += batch) tx(i, Math.min(m, i + batch));
    return secondsSince(t0);
  } finally {
    db.close();
  }
}

/** Writes the files (untimed), then unlinks them all with `inFlight` async unlinks at once (timed). */
export async function rawUnlink(root: string, locators: readonly string[], content: Buffer, inFlight = 64): Promise<number> {
  const paths = await createFiles(root, locators, content);
  const t0 = nowNs();
  await pool(paths, inFlight, (p) => fsp.unlink(p));
  return secondsSince(t0);
}

/** Creates the files a store would hold (64 writes in flight: creating inodes is slow on this kind of disk). */
export async function createFiles(root: string, locators: readonly string[], content: Buffer): Promise<string[]> {
  const paths = locators.map((l) => join(root, l));
  for (const d of new Set(paths.map((p) => dirname(p)))) mkdirSync(d, { recursive: true });
  await pool(paths, 64, (p) => fsp.writeFile(p, content, { flag: 'wx' }));
  return paths;
}

/** the tables an accepted event and its registration write, in the order ingest then projection write them */
const INGEST_TABLES = ['subjects', 'blind_index', 'key_vault', 'event_log'] as const;
const PROJECTION_TABLES = ['records', 'audit'] as const;

/**
 * The floor under the platform's own storage: copies every row the platform wrote (read untimed
 * from its database) into a fresh file with the same schema and indexes, `chunks` transactions
 * for the ingest tables and `chunks` for the projection tables, each a slice of every table, as
 * the platform's batches are. What is left between this and the platform is logic, not SQLite.
 */
export function rawSameRows(src: Database.Database, file: string, schema: string, chunks: number): number {
  const read = (t: string) => src.prepare(`SELECT * FROM ${t} ORDER BY rowid`).raw().all() as unknown[][];
  // blind_index has no rowid; its rows come back in hash order, which would insert far cheaper than the arrival order the platform sees
  const shuffled = (rows: unknown[][]) => {
    let seed = 42;
    for (let i = rows.length - 1; i > 0; i--) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      const j = seed % (i + 1);
      [rows[i], rows[j]] = [rows[j]!, rows[i]!];
    }
    return rows;
  };
  const tables = [...INGEST_TABLES, ...PROJECTION_TABLES].map((t) => ({ t, rows: t === 'blind_index' ? shuffled(src.prepare(`SELECT * FROM blind_index`).raw().all() as unknown[][]) : read(t) }));
  const db = open(file, true);
  try {
    db.pragma('cache_size = -65536');
    db.pragma('wal_autocheckpoint = 10000');
    db.exec(schema);
    const ins = new Map(tables.map(({ t, rows }) => [t, db.prepare(`INSERT INTO ${t} VALUES (${rows[0] ? rows[0].map(() => '?').join(', ') : '?'})`)]));
    const phase = (names: readonly string[]) => {
      const these = tables.filter((x) => names.includes(x.t));
      for (let c = 0; c < chunks; c++) {
        db.transaction(() => {
          for (const { t, rows } of these) {
            const from = Math.floor((rows.length * c) / chunks);
            const to = Math.floor((rows.length * (c + 1)) / chunks);
            const stmt = ins.get(t)!;
            for (let i = from; i < to; i++) stmt.run(rows[i]);
          }
        })();
      }
    };
    const t0 = nowNs();
    phase(INGEST_TABLES);
    phase(PROJECTION_TABLES);
    return secondsSince(t0);
  } finally {
    db.close();
  }
}

/** events per transaction in the fewest-rows floor: ten times the bench's batches, which only helps it */
export const FEWEST_ROWS_CHUNK = 10_000;

/**
 * The fewest rows any registry that answers the queries can write per event, with the
 * platform's own bytes (read untimed from the run's database), in transactions of
 * FEWEST_ROWS_CHUNK events with ingest and registration together (no second pass over the log):
 * one log row (its event id unique, for de-duplication; no record or time index), for each new
 * subject one row holding its wrapped key and one blind-index row per identifier, one record row
 * written once in its final state with the two indexes the sweep and subject requests need (due
 * time, subject), and one audit entry per transaction instead of one per record. No validation,
 * crypto, JSON or hashing. If this is below a target, no design on this schema of SQLite reaches it
 * on this machine; what the platform adds beyond it is its logic and its extra rows.
 */
export function rawFewestRows(src: Database.Database, file: string): number {
  const log = src.prepare(`SELECT event_id, appended_at, record_id, subject_ref, meta, sealed FROM event_log ORDER BY offset`).raw().all() as unknown[][];
  const subjects = src.prepare(`SELECT s.ref, s.controller, s.created_at, k.wrapped FROM subjects s LEFT JOIN key_vault k ON k.kid = 'subj:' || s.ref ORDER BY s.rowid`).raw().all() as unknown[][];
  // blind-index rows in the order their subjects arrived (their hashes are random, as the platform meets them)
  const blind = src.prepare(`SELECT b.controller, b.hash, b.subject_ref FROM blind_index b JOIN subjects s ON s.ref = b.subject_ref ORDER BY s.rowid`).raw().all() as unknown[][];
  const records = src.prepare(`SELECT id, controller, category, subject_ref, status, due_at, disposed_at, state FROM records ORDER BY rowid`).raw().all() as unknown[][];
  const db = open(file, true);
  try {
    db.pragma('cache_size = -65536');
    db.pragma('wal_autocheckpoint = 10000');
    db.exec(`
      CREATE TABLE event_log (offset INTEGER PRIMARY KEY, event_id TEXT NOT NULL UNIQUE, appended_at TEXT NOT NULL, record_id TEXT NOT NULL, subject_ref TEXT NOT NULL, meta TEXT NOT NULL, sealed BLOB);
      CREATE TABLE subjects (ref TEXT PRIMARY KEY, controller TEXT NOT NULL, created_at TEXT NOT NULL, wrapped BLOB);
      CREATE TABLE blind_index (controller TEXT NOT NULL, hash TEXT NOT NULL, subject_ref TEXT NOT NULL, PRIMARY KEY (controller, hash)) WITHOUT ROWID;
      CREATE TABLE records (id TEXT PRIMARY KEY, controller TEXT NOT NULL, category TEXT NOT NULL, subject_ref TEXT NOT NULL, status TEXT NOT NULL, due_at TEXT, disposed_at TEXT, state TEXT NOT NULL);
      CREATE INDEX records_due ON records(status, due_at);
      CREATE INDEX records_subject ON records(subject_ref);
      CREATE TABLE audit (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, target_id TEXT, entry TEXT NOT NULL);`);
    const ins = {
      log: db.prepare(`INSERT INTO event_log(event_id, appended_at, record_id, subject_ref, meta, sealed) VALUES (?, ?, ?, ?, ?, ?)`),
      subjects: db.prepare(`INSERT INTO subjects VALUES (?, ?, ?, ?)`),
      blind: db.prepare(`INSERT INTO blind_index VALUES (?, ?, ?)`),
      records: db.prepare(`INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      audit: db.prepare(`INSERT INTO audit(at, target_id, entry) VALUES (?, NULL, ?)`),
    };
    const chunks = Math.max(1, Math.ceil(log.length / FEWEST_ROWS_CHUNK));
    const slice = (rows: unknown[][], c: number) => rows.slice(Math.floor((rows.length * c) / chunks), Math.floor((rows.length * (c + 1)) / chunks));
    // one entry per transaction: a 64-hex hash per event stands in for what it would commit to
    const auditEntry = (n: number) => 'f'.repeat(64 * n);
    const t0 = nowNs();
    for (let c = 0; c < chunks; c++) {
      db.transaction(() => {
        for (const r of slice(subjects, c)) ins.subjects.run(r);
        for (const r of slice(blind, c)) ins.blind.run(r);
        const events = slice(log, c);
        for (const r of events) ins.log.run(r);
        for (const r of slice(records, c)) ins.records.run(r);
        ins.audit.run('2026-01-05T09:00:00.000Z', auditEntry(events.length));
      })();
    }
    return secondsSince(t0);
  } finally {
    db.close();
  }
}

/**
 * The fewest writes a crash-safe disposal can make with the platform's schema, on a copy of the
 * run's prepared database and files: per round of `batch` due records (read by the due index), one
 * transaction moves them to `disposing` with one deletion task each (the file; the log shares the
 * database, so its purge needs no task), the files are unlinked (64 in flight), and one
 * transaction marks each task done, blanks the record's log rows and marks it disposed; one audit
 * entry per transaction. The records' own state text is written back unchanged: no JSON, no hashing.
 */
export async function rawFewestDisposal(file: string, root: string, store: string, now: string, batch = 2_000): Promise<number> {
  const db = open(file, true);
  try {
    // untimed: where each record's file is (the platform reads it from the record it already holds)
    const where = new Map((db.prepare(`SELECT r.id, json_extract(l.value, '$.locator') AS locator FROM records r, json_each(r.state, '$.locations') l WHERE json_extract(l.value, '$.store') = ?`).all(store) as Array<{ id: string; locator: string }>).map((x) => [x.id, x.locator]));
    const locatorOf = (id: string) => {
      const l = where.get(id);
      if (!l) throw new Error(`fewest-writes disposal: record ${id} has no ${store} locator`);
      return l;
    };
    db.pragma('cache_size = -65536');
    db.pragma('wal_autocheckpoint = 10000');
    const due = db.prepare(`SELECT id, state FROM records WHERE status = 'active' AND due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT ?`);
    const begin = db.prepare(`UPDATE records SET status = 'disposing', state = ? WHERE id = ?`);
    const task = db.prepare(`INSERT INTO deletion_tasks(task_id, record_id, status, next_attempt_at, task) VALUES (?, ?, 'pending', ?, ?)`);
    const done = db.prepare(`UPDATE deletion_tasks SET status = 'done', task = ? WHERE task_id = ?`);
    const blank = db.prepare(`UPDATE event_log SET sealed = NULL WHERE record_id = ?`);
    const disposed = db.prepare(`UPDATE records SET status = 'disposed', due_at = NULL, disposed_at = ?, state = ? WHERE id = ?`);
    const audit = db.prepare(`INSERT INTO audit(seq, at, target_id, entry) VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM audit), ?, NULL, ?)`);
    const t0 = nowNs();
    for (;;) {
      const rows = due.all(now, batch) as Array<{ id: string; state: string }>;
      if (!rows.length) break;
      db.transaction(() => {
        for (const r of rows) {
          begin.run(r.state, r.id);
          task.run(`task_${r.id}`, r.id, now, locatorOf(r.id));
        }
        audit.run(now, 'f'.repeat(64 * rows.length));
      })();
      await pool(rows, 64, (r) => fsp.unlink(join(root, locatorOf(r.id))));
      db.transaction(() => {
        for (const r of rows) {
          done.run('[disposed]', `task_${r.id}`);
          if (blank.run(r.id).changes < 1) throw new Error('fewest-writes disposal: no log row for a record');
          disposed.run(now, r.state, r.id);
        }
        audit.run(now, 'f'.repeat(64 * rows.length));
      })();
    }
    return secondsSince(t0);
  } finally {
    db.close();
  }
}
