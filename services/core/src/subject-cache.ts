import type { SubjectIndex } from './ports';

/**
 * Remembers which subject each blind index belongs to, so a returning person costs no store
 * round trip. Safe because a hash, once linked, never moves to another subject; the one thing
 * that unlinks hashes is erasure, which must call `forget` (in every process that caches).
 * Holds only keyed hashes and pseudonymous refs, never identifiers.
 */
export class SubjectCache implements SubjectIndex {
  private readonly owner = new Map<string, string>();

  constructor(
    private readonly inner: SubjectIndex,
    private readonly capacity = 200_000,
  ) {}

  async resolve(requests: Array<{ controller: string; hashes: string[]; newRef: string }>, nowIso: string) {
    const out: Array<{ ref: string; created: boolean; conflicts: string[] }> = new Array(requests.length);
    const misses: number[] = [];
    requests.forEach((r, i) => {
      const ref = this.known(r.controller, r.hashes);
      if (ref) out[i] = { ref, created: false, conflicts: [] };
      else misses.push(i);
    });
    if (!misses.length) return out;
    const resolved = await this.inner.resolve(misses.map((i) => requests[i]!), nowIso);
    misses.forEach((i, k) => {
      const res = resolved[k]!;
      out[i] = res;
      // after a conflict some hashes stay with another subject: learn nothing from it
      if (!res.conflicts.length) for (const h of requests[i]!.hashes) this.remember(`${requests[i]!.controller}|${h}`, res.ref);
    });
    return out;
  }

  find(controller: string, hashes: string[]): Promise<string | null> {
    return this.inner.find(controller, hashes);
  }

  /** erasure: the store drops the subject's hashes, and this process stops answering from memory */
  async forget(ref: string): Promise<Array<{ controller: string; hash: string }>> {
    this.forgetCached(ref);
    return this.inner.forget(ref);
  }

  /** the subject's hashes are no longer linked: other processes that cache call this when told of an erasure */
  forgetCached(ref: string) {
    for (const [k, v] of this.owner) if (v === ref) this.owner.delete(k);
  }

  /** every hash known and all to the same subject; anything less goes to the store */
  private known(controller: string, hashes: string[]): string | undefined {
    if (!hashes.length) return undefined;
    let ref: string | undefined;
    for (const h of hashes) {
      const r = this.owner.get(`${controller}|${h}`);
      if (r === undefined || (ref !== undefined && r !== ref)) return undefined;
      ref = r;
    }
    return ref;
  }

  private remember(key: string, ref: string) {
    if (this.owner.size >= this.capacity) this.owner.delete(this.owner.keys().next().value!);
    this.owner.set(key, ref);
  }
}
