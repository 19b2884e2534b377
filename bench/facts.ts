import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem, tmpdir } from 'node:os';
import Database from 'better-sqlite3';

export interface MachineFacts {
  date: string;
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  betterSqlite3: string;
  sqlite: string;
  tmpdir: string;
  tmpFs: string;
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    if (line) return line.split(':')[1]!.trim();
  } catch {
    /* not Linux */
  }
  return cpus()[0]?.model ?? 'unknown';
}

/** the file system the temp dirs live on (the files connector and SQLite both write there) */
function fsOf(dir: string): string {
  try {
    let best = { mnt: '', type: 'unknown' };
    for (const l of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [, mnt, type] = l.split(' ');
      if (mnt && type && (dir === mnt || dir.startsWith(mnt.endsWith('/') ? mnt : `${mnt}/`)) && mnt.length > best.mnt.length) best = { mnt, type };
    }
    return `${best.type} at ${best.mnt}`;
  } catch {
    return 'unknown';
  }
}

export function machineFacts(): MachineFacts {
  const req = createRequire(`${process.cwd()}/`);
  const bs = (req('better-sqlite3/package.json') as { version: string }).version;
  const db = new Database(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  return {
    date: new Date().toISOString(),
    cpu: cpuModel(),
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    betterSqlite3: bs,
    sqlite,
    tmpdir: tmpdir(),
    tmpFs: fsOf(tmpdir()),
  };
}
