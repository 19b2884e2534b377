import { createHash } from 'node:crypto';
import type { AuditEntry, AuditInput, AuditVerification } from './ports';

/**
 * The audit trail is a hash chain: each entry's hash covers its content and the previous hash, so
 * altering, inserting or removing any entry breaks every hash after it. Adapters store entries;
 * this module is the only place that computes or checks hashes.
 */

export const GENESIS = '0'.repeat(64);

/** JSON with sorted keys, so the hash does not depend on property order after a round trip. */
export function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

export function entryHash(e: Omit<AuditEntry, 'hash'>): string {
  const { seq, at, actor, action, target, reason, policyVersion, details, prevHash } = e;
  // the top level has a fixed shape: only the free-form parts need canonical ordering
  const body = JSON.stringify([seq, at, actor, action, target ? [target.kind, target.id] : null, reason, policyVersion ?? null, prevHash]);
  return createHash('sha256').update(body).update(details === undefined ? '' : canonical(details)).digest('hex');
}

export function chain(prev: { seq: number; hash: string } | null, inputs: AuditInput[], atIso: string): AuditEntry[] {
  let seq = prev?.seq ?? 0;
  let prevHash = prev?.hash ?? GENESIS;
  return inputs.map((i) => {
    seq += 1;
    const base = { ...i, seq, at: atIso, prevHash };
    const hash = entryHash(base);
    prevHash = hash;
    return { ...base, hash };
  });
}

/** Streams through entries in seq order; reports the first one that does not verify. */
export class ChainVerifier {
  private expectedSeq = 1;
  private prevHash = GENESIS;
  private count = 0;
  private bad: AuditVerification['firstBad'];

  push(e: AuditEntry): boolean {
    if (this.bad) return false;
    this.count++;
    if (e.seq !== this.expectedSeq) this.bad = { seq: e.seq, problem: `entry ${this.expectedSeq} is missing (found ${e.seq} next)` };
    else if (e.prevHash !== this.prevHash) this.bad = { seq: e.seq, problem: 'previous-hash link does not match the entry before it' };
    else if (entryHash(e) !== e.hash) this.bad = { seq: e.seq, problem: 'content does not match its hash (altered)' };
    this.expectedSeq = e.seq + 1;
    this.prevHash = e.hash;
    return !this.bad;
  }

  /** `head` is the stored chain head; a removed tail shows as a head the entries never reached */
  result(head: { seq: number; hash: string } | null): AuditVerification {
    if (!this.bad && head && (head.seq !== this.expectedSeq - 1 || head.hash !== this.prevHash)) {
      this.bad = { seq: head.seq, problem: `the chain ends at ${this.expectedSeq - 1} but the recorded head is ${head.seq} (entries removed)` };
    }
    return { ok: !this.bad, entries: this.count, headHash: this.count ? this.prevHash : null, ...(this.bad ? { firstBad: this.bad } : {}) };
  }
}
