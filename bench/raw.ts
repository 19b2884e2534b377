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
