import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DeletionRequest, DeletionResult } from '@custodian/core';
import { DEFAULT_RETRY } from '@custodian/workflows';
import { FilesConnector, type FileOps } from './files';

// A locator shaped like the ones vendors really produce, with a phone number and a name in it.
const PERSONAL = 'calls/07700900123-jane-doe.wav';

let sandbox: string;
let root: string;
let outside: string;

beforeEach(() => {
  sandbox = mkdtempSync(path.join(tmpdir(), 'custodian-files-'));
  root = path.join(sandbox, 'root');
  outside = path.join(sandbox, 'outside');
  mkdirSync(path.join(root, 'calls'), { recursive: true });
  mkdirSync(outside);
});
afterEach(() => rmSync(sandbox, { recursive: true, force: true }));

let n = 0;
const req = (locator: string): DeletionRequest => ({ taskId: `t${++n}`, recordId: 'rec-1', controller: 'newark-sherwood', store: 'recordings', locator, attempt: 1 });
const put = (rel: string, base = root): string => {
  const p = path.join(base, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, 'audio');
  return p;
};
const one = async (c: FilesConnector, locator: string): Promise<DeletionResult> => {
  const [r] = await c.delete([req(locator)]);
  if (!r) throw new Error('no result');
  return r;
};

describe('FilesConnector', () => {
  it('removes the file and says so without repeating the locator', async () => {
    const file = put(PERSONAL);
    const c = new FilesConnector({ root });
    const r = await one(c, PERSONAL);
    expect(r).toEqual({ outcome: 'deleted', detail: 'file removed' });
    expect(existsSync(file)).toBe(false);
    expect(c.kind).toBe('files');
    expect(c.retry).toBe(DEFAULT_RETRY);
  });

  it('reports a missing file, or a missing directory, as absent, so a repeated deletion is harmless', async () => {
    put(PERSONAL);
    const c = new FilesConnector({ root });
    const [first, second, noDir, fileAsDir] = await c.delete([req(PERSONAL), req(PERSONAL), req('2019/03/none.wav'), req(`${PERSONAL}/inner.wav`)]);
    // The two requests for one file race; exactly one of them removed it.
    expect([first?.outcome, second?.outcome].sort()).toEqual(['absent', 'deleted']);
    expect(noDir).toEqual({ outcome: 'absent', detail: 'no file at locator' });
    expect(fileAsDir).toEqual({ outcome: 'absent', detail: 'no file at locator' });
    expect(await one(c, PERSONAL)).toEqual({ outcome: 'absent', detail: 'no file at locator' });
  });

  it('refuses locators that climb out of the root, are absolute, empty or name the root', async () => {
    const victim = put('victim.wav', sandbox);
    const c = new FilesConnector({ root });
    const results = await c.delete([req('../victim.wav'), req('calls/../../victim.wav'), req(victim), req(''), req('a\0b'), req('.'), req('calls/../x.wav')]);
    for (const r of results) expect(r.outcome).toBe('failed');
    expect(results.map((r) => r.detail)).toEqual([
      'locator escapes the store root ("..")',
      'locator escapes the store root ("..")',
      'locator is an absolute path; it must be relative to the store root',
      'locator is empty',
      'locator contains a NUL byte',
      'locator names the store root, not a file',
      'locator escapes the store root ("..")',
    ]);
    expect(existsSync(victim)).toBe(true);
  });

  it('refuses a directory symlinked to somewhere outside the root', async () => {
    const victim = put('victim.wav', outside);
    symlinkSync(outside, path.join(root, 'escape'));
    const r = await one(new FilesConnector({ root }), 'escape/victim.wav');
    expect(r).toEqual({ outcome: 'failed', detail: 'locator resolves outside the store root (through a symbolic link)' });
    expect(existsSync(victim)).toBe(true);
  });

  it('follows directory symlinks that stay inside the root', async () => {
    const file = put('2024/a.wav');
    symlinkSync(path.join(root, '2024'), path.join(root, 'current'));
    expect(await one(new FilesConnector({ root }), 'current/a.wav')).toEqual({ outcome: 'deleted', detail: 'file removed' });
    expect(existsSync(file)).toBe(false);
  });

  it('refuses to unlink a file symlink, since the data it points to would survive', async () => {
    const victim = put('victim.wav', outside);
    symlinkSync(victim, path.join(root, 'calls', 'link.wav'));
    const r = await one(new FilesConnector({ root }), 'calls/link.wav');
    expect(r.outcome).toBe('failed');
    expect(r.detail).toMatch(/symbolic link/);
    expect(existsSync(victim)).toBe(true);
    expect(existsSync(path.join(root, 'calls', 'link.wav'))).toBe(true);
  });

  it('works when the root itself is reached through a symlink', async () => {
    const file = put(PERSONAL);
    const alias = path.join(sandbox, 'alias');
    symlinkSync(root, alias);
    expect(await one(new FilesConnector({ root: alias }), PERSONAL)).toEqual({ outcome: 'deleted', detail: 'file removed' });
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a directory', async () => {
    expect(await one(new FilesConnector({ root }), 'calls')).toEqual({ outcome: 'failed', detail: 'locator names a directory, not a file' });
  });

  it('asks for a retry, never "absent", when the root is missing', async () => {
    const c = new FilesConnector({ root: path.join(sandbox, 'not-mounted') });
    const [r] = await c.delete([req(PERSONAL)]);
    expect(r).toEqual({ outcome: 'retry', detail: 'store root is not available (ENOENT)' });
    // Mounted later: the earlier failure was not cached.
    mkdirSync(path.join(sandbox, 'not-mounted', 'calls'), { recursive: true });
    put(PERSONAL, path.join(sandbox, 'not-mounted'));
    expect(await one(c, PERSONAL)).toEqual({ outcome: 'deleted', detail: 'file removed' });
  });

  it('maps transient errors to retry and permission errors to failed, by code only', async () => {
    const failing = (code: string): FileOps => ({
      realpath: async (p) => p,
      lstat: async () => ({ isSymbolicLink: () => false, isDirectory: () => false }),
      unlink: async (p) => {
        throw Object.assign(new Error(`${code}: operation failed, unlink '${p}'`), { code });
      },
    });
    const outcome = async (code: string): Promise<DeletionResult> => one(new FilesConnector({ root, fs: failing(code) }), PERSONAL);
    for (const code of ['EBUSY', 'EMFILE', 'EAGAIN']) expect(await outcome(code)).toEqual({ outcome: 'retry', detail: `file system busy or unavailable (${code})` });
    for (const code of ['EACCES', 'EPERM']) expect(await outcome(code)).toEqual({ outcome: 'failed', detail: `permission denied (${code})` });
    expect(await outcome('ENOENT')).toEqual({ outcome: 'absent', detail: 'no file at locator' });
    expect(await outcome('EWEIRD')).toEqual({ outcome: 'failed', detail: 'unexpected file system error (EWEIRD)' });
  });

  it('resolves the root once, and each directory once per batch', async () => {
    const counts = new Map<string, number>();
    const fs: FileOps = {
      realpath: async (p) => {
        counts.set(p, (counts.get(p) ?? 0) + 1);
        return p;
      },
      lstat: async () => ({ isSymbolicLink: () => false, isDirectory: () => false }),
      unlink: async () => undefined,
    };
    const c = new FilesConnector({ root, fs });
    await c.delete(Array.from({ length: 100 }, (_, i) => req(`calls/${i}.wav`)));
    await c.delete([req('calls/x.wav')]);
    expect(counts.get(root)).toBe(1);
    expect(counts.get(path.join(root, 'calls'))).toBe(2);
  });

  // how fast is bench/'s question (BENCHMARKS.md); here: a large batch across directories, every result in order
  it('deletes a batch of 5,000 files across directories, keeping results in order', async () => {
    const locators: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const l = `${2020 + (i % 5)}/${String(i % 40).padStart(2, '0')}/call-${i}.wav`;
      put(l);
      locators.push(l);
    }
    // Every tenth request is for a file that never existed, interleaved to check ordering.
    const requests = locators.flatMap((l, i) => (i % 10 === 0 ? [req(l), req(`${l}.missing`)] : [req(l)]));
    const c = new FilesConnector({ root });
    const results = await c.delete(requests);
    expect(results).toHaveLength(requests.length);
    results.forEach((r, i) => expect(r.outcome).toBe(requests[i]?.locator.endsWith('.missing') ? 'absent' : 'deleted'));
    for (const l of locators) expect(existsSync(path.join(root, l))).toBe(false);
  }, 60_000);
});
