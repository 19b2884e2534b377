import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { DeletionConnector, DeletionRequest, DeletionResult } from '@custodian/core';
import { DEFAULT_RETRY, type RetryPolicy } from '@custodian/workflows';
import { ConnectorConfigError } from './errors';
import { mapBounded } from './pool';

/** The three file-system calls the connector makes; injectable so error handling can be tested as root. */
export interface FileOps {
  realpath(p: string): Promise<string>;
  lstat(p: string): Promise<{ isSymbolicLink(): boolean; isDirectory(): boolean }>;
  unlink(p: string): Promise<void>;
}

export interface FilesConnectorOptions {
  /** directory the store's locators are relative to */
  root: string;
  retry?: RetryPolicy;
  /** deletions in flight at once (default 64) */
  concurrency?: number;
  fs?: FileOps;
}

const NODE_FS: FileOps = {
  realpath: (p) => fsp.realpath(p),
  lstat: (p) => fsp.lstat(p),
  unlink: (p) => fsp.unlink(p),
};

// Worth another attempt later: the file is held open, or we (or the share) ran short of resources.
const TRANSIENT = new Set(['EBUSY', 'EMFILE', 'ENFILE', 'EAGAIN', 'EWOULDBLOCK', 'EINTR', 'ETIMEDOUT', 'ESTALE', 'EIO']);
// A missing path component means nothing is there to delete, which is what idempotency needs.
const NOTHING_THERE = new Set(['ENOENT', 'ENOTDIR']);

const MAX_LOCATOR = 4096;

/**
 * Deletes recordings kept as files under one root. Locators are paths relative to the root and
 * may embed personal data (vendors name files after callers), so no detail string ever repeats them
 * and neither do Node's error messages, which carry the path: only error codes are reported.
 */
export class FilesConnector implements DeletionConnector {
  readonly kind = 'files';
  readonly retry: RetryPolicy;
  private readonly root: string;
  private readonly concurrency: number;
  private readonly fs: FileOps;
  private rootReal: Promise<string> | null = null;

  constructor(options: FilesConnectorOptions) {
    if (!options.root) throw new ConnectorConfigError('FilesConnector needs a root directory');
    this.root = path.resolve(options.root);
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.concurrency = options.concurrency ?? 64;
    this.fs = options.fs ?? NODE_FS;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) throw new ConnectorConfigError('FilesConnector concurrency must be a positive integer');
  }

  async delete(requests: DeletionRequest[]): Promise<DeletionResult[]> {
    if (requests.length === 0) return [];
    let root: string;
    try {
      root = await this.resolveRoot();
    } catch (e) {
      // Never report "absent" because the whole store is missing: an unmounted share would look like
      // every recording was already gone, and the certificate would say so.
      const code = errorCode(e);
      const r: DeletionResult = NOTHING_THERE.has(code) || TRANSIENT.has(code)
        ? { outcome: 'retry', detail: `store root is not available (${code})` }
        : { outcome: 'failed', detail: `store root cannot be read (${code})` };
      return requests.map(() => r);
    }
    // Recordings cluster in few directories; resolving each directory once per batch rather than per
    // file is most of the difference between ~60k and ~30k deletions/s. Not kept across batches so a
    // directory swapped for a symlink is noticed by the next batch.
    const parents = new Map<string, Promise<string>>();
    return mapBounded(requests, this.concurrency, (r) => this.deleteOne(root, r.locator, parents));
  }

  private resolveRoot(): Promise<string> {
    if (!this.rootReal) {
      const p = this.fs.realpath(this.root);
      this.rootReal = p;
      // A failure is not cached: the share may be mounted by the next batch.
      p.catch(() => {
        if (this.rootReal === p) this.rootReal = null;
      });
    }
    return this.rootReal;
  }

  private async deleteOne(root: string, locator: string, parents: Map<string, Promise<string>>): Promise<DeletionResult> {
    const refused = checkLocator(locator);
    if (refused) return { outcome: 'failed', detail: refused };

    const full = path.join(root, locator);
    if (full === root || full === root + path.sep) return { outcome: 'failed', detail: 'locator names the store root, not a file' };
    const parent = path.dirname(full);
    const name = path.basename(full);

    let parentReal: string;
    try {
      let pending = parents.get(parent);
      if (!pending) {
        pending = this.fs.realpath(parent);
        parents.set(parent, pending);
      }
      parentReal = await pending;
    } catch (e) {
      return fromError(e, 'no file at locator');
    }
    // The lexical checks cannot see symlinked directories; the resolved parent can.
    if (!isInside(root, parentReal)) return { outcome: 'failed', detail: 'locator resolves outside the store root (through a symbolic link)' };

    const target = path.join(parentReal, name);
    try {
      const st = await this.fs.lstat(target);
      // Unlinking a link would report "deleted" while the recording it points to lives on.
      if (st.isSymbolicLink()) return { outcome: 'failed', detail: 'locator names a symbolic link; the file it points to was not removed' };
      if (st.isDirectory()) return { outcome: 'failed', detail: 'locator names a directory, not a file' };
    } catch (e) {
      return fromError(e, 'no file at locator');
    }
    try {
      await this.fs.unlink(target);
      return { outcome: 'deleted', detail: 'file removed' };
    } catch (e) {
      // Someone removed it between lstat and unlink: still gone, still idempotent.
      return fromError(e, 'no file at locator');
    }
  }
}

/** Why a locator is refused before touching the disk, or null if it is acceptable. */
function checkLocator(locator: string): string | null {
  if (typeof locator !== 'string' || locator.length === 0) return 'locator is empty';
  if (locator.length > MAX_LOCATOR) return 'locator is too long';
  if (locator.includes('\0')) return 'locator contains a NUL byte';
  if (path.isAbsolute(locator)) return 'locator is an absolute path; it must be relative to the store root';
  // Refused even when it would land back inside the root ("a/../b"): the kernel resolves ".." after
  // following "a", which may be a symlink, so the lexical answer is not the real one.
  if (locator.split(/[\\/]/).includes('..')) return 'locator escapes the store root ("..")';
  return null;
}

function isInside(root: string, p: string): boolean {
  if (p === root) return true;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return p.startsWith(prefix);
}

function errorCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{1,32}$/.test(code) ? code : 'UNKNOWN';
}

function fromError(e: unknown, absentDetail: string): DeletionResult {
  const code = errorCode(e);
  if (NOTHING_THERE.has(code)) return { outcome: 'absent', detail: absentDetail };
  if (TRANSIENT.has(code)) return { outcome: 'retry', detail: `file system busy or unavailable (${code})` };
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return { outcome: 'failed', detail: `permission denied (${code})` };
    case 'EROFS':
      return { outcome: 'failed', detail: 'store is mounted read-only (EROFS)' };
    case 'ELOOP':
      return { outcome: 'failed', detail: 'too many symbolic links (ELOOP)' };
    case 'ENAMETOOLONG':
      return { outcome: 'failed', detail: 'locator is too long (ENAMETOOLONG)' };
    case 'EISDIR':
      return { outcome: 'failed', detail: 'locator names a directory, not a file (EISDIR)' };
    default:
      return { outcome: 'failed', detail: `unexpected file system error (${code})` };
  }
}
