import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { KeyVault, SealedBox } from './ports';

/**
 * Field-level encryption: every subject has a data key (AES-256-GCM) wrapped by the master key, so
 * destroying the subject's wrapped key makes every sealed copy (log, topics, dead letters, backups)
 * unreadable without touching them. The master key never leaves this module's closures.
 */

const ALG = 'aes-256-gcm';

/**
 * CSPRNG output drawn 64 KiB at a time: one randomBytes call per event (IVs, ids) was a tenth of
 * ingest time. Slices are copied out, so no caller holds a view into the pool.
 */
let pool = Buffer.alloc(0);
let poolPos = 0;
export function random(n: number): Buffer {
  if (poolPos + n > pool.length) {
    pool = randomBytes(Math.max(65_536, n));
    poolPos = 0;
  }
  const out = Buffer.from(pool.subarray(poolPos, poolPos + n));
  pool.fill(0, poolPos, poolPos + n);
  poolPos += n;
  return out;
}

export class KeyShreddedError extends Error {
  constructor(readonly kid: string) {
    super(`data key ${kid} has been destroyed`);
  }
}

function encrypt(key: Buffer, plaintext: Buffer, aad: string): { iv: Buffer; tag: Buffer; ct: Buffer } {
  const iv = random(12);
  const c = createCipheriv(ALG, key, iv);
  c.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([c.update(plaintext), c.final()]);
  return { iv, tag: c.getAuthTag(), ct };
}

function decrypt(key: Buffer, iv: Buffer, tag: Buffer, ct: Buffer, aad: string): Buffer {
  const d = createDecipheriv(ALG, key, iv);
  d.setAAD(Buffer.from(aad));
  d.setAuthTag(tag);
  return Buffer.concat([d.update(ct), d.final()]);
}

export class MasterKey {
  private readonly wrapKey: Buffer;
  private readonly indexKey: Buffer;
  private readonly idKey: Buffer;
  constructor(material: Buffer) {
    if (material.length !== 32) throw new Error('the master key must be 32 bytes (base64 of 32 random bytes)');
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), info, 32));
    this.wrapKey = derive('custodian/key-wrap/v1');
    this.indexKey = derive('custodian/blind-index/v1');
    this.idKey = derive('custodian/record-id/v1');
  }
  static fromBase64(b64: string): MasterKey {
    return new MasterKey(Buffer.from(b64, 'base64'));
  }
  static generate(): Buffer {
    return random(32);
  }
  wrap(kid: string, dataKey: Buffer): Buffer {
    const { iv, tag, ct } = encrypt(this.wrapKey, dataKey, `wrap|${kid}`);
    return Buffer.concat([iv, tag, ct]);
  }
  unwrap(kid: string, wrapped: Buffer): Buffer {
    return decrypt(this.wrapKey, wrapped.subarray(0, 12), wrapped.subarray(12, 28), wrapped.subarray(28), `wrap|${kid}`);
  }
  /** keyed blind index of a linking key, scoped to one controller */
  blindIndex(controller: string, linkingKey: string): string {
    // 128 bits is ample for an index key and halves the index
    return createHmac('sha256', this.indexKey).update(`${controller}\u0000${linkingKey}`).digest().subarray(0, 16).toString('base64url');
  }
  /** deterministic, non-reversible record id: replays and re-deliveries map to the same record */
  recordId(controller: string, category: string, recordKey: string): string {
    return `rec_${createHmac('sha256', this.idKey).update(`${controller}\u0000${category}\u0000${recordKey}`).digest('base64url').slice(0, 24)}`;
  }
}

/** Seals and opens personal data with per-subject (or per-dead-letter) data keys. */
export class Sealer {
  private readonly cache = new Map<string, Buffer | null>();
  constructor(
    private readonly master: MasterKey,
    private readonly vault: KeyVault,
    private readonly cacheSize = 50_000,
  ) {}

  private remember(kid: string, key: Buffer | null) {
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(kid, key);
  }

  /** data keys for `kids`, creating those that do not exist yet */
  async keysFor(kids: string[]): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    const missing: string[] = [];
    for (const kid of new Set(kids)) {
      const k = this.cache.get(kid);
      if (k) out.set(kid, k);
      else missing.push(kid);
    }
    if (!missing.length) return out;
    const stored = await this.vault.get(missing);
    const fresh = missing.filter((kid) => stored.get(kid) === undefined);
    // one vault write for every new key of the batch; a concurrent writer may have won a kid: use whichever the vault kept
    const made = new Map<string, { key: Buffer; wrapped: Buffer }>();
    for (const kid of fresh) {
      const key = random(32);
      made.set(kid, { key, wrapped: this.master.wrap(kid, key) });
    }
    const created = fresh.length ? await this.vault.putIfAbsent([...made].map(([kid, m]) => ({ kid, wrapped: m.wrapped }))) : new Map<string, Buffer | null>();
    for (const kid of missing) {
      const wrapped = stored.has(kid) ? stored.get(kid)! : created.get(kid);
      if (!wrapped) throw new KeyShreddedError(kid);
      const mine = made.get(kid);
      // the key this call made and the vault kept needs no unwrapping
      const key = mine && mine.wrapped.equals(wrapped) ? mine.key : this.master.unwrap(kid, wrapped);
      this.remember(kid, key);
      out.set(kid, key);
    }
    return out;
  }

  sealWith(kid: string, key: Buffer, value: unknown, context: string): SealedBox {
    const { iv, tag, ct } = encrypt(key, Buffer.from(JSON.stringify(value)), `${kid}|${context}`);
    return { v: 1, kid, iv: iv.toString('base64'), tag: tag.toString('base64'), ct: ct.toString('base64') };
  }

  async seal(kid: string, value: unknown, context: string): Promise<SealedBox> {
    const key = (await this.keysFor([kid])).get(kid)!;
    return this.sealWith(kid, key, value, context);
  }

  /** opens a sealed box; a destroyed key yields KeyShreddedError */
  async open<T = unknown>(box: SealedBox, context: string): Promise<T> {
    let key = this.cache.get(box.kid);
    if (key === null) throw new KeyShreddedError(box.kid);
    if (!key) {
      const wrapped = (await this.vault.get([box.kid])).get(box.kid);
      if (!wrapped) throw new KeyShreddedError(box.kid);
      key = this.master.unwrap(box.kid, wrapped);
      this.remember(box.kid, key);
    }
    const pt = decrypt(key, Buffer.from(box.iv, 'base64'), Buffer.from(box.tag, 'base64'), Buffer.from(box.ct, 'base64'), `${box.kid}|${context}`);
    return JSON.parse(pt.toString('utf8')) as T;
  }

  forget(kid: string) {
    this.cache.set(kid, null);
  }
}

/**
 * A sealed box as bytes for stores that keep binary (SQLite BLOB, MongoDB BinData): about a third
 * smaller than its JSON with base64 fields. Layout: version, kid length, kid, 12-byte IV, 16-byte tag, ciphertext.
 */
export function packSealed(box: SealedBox): Buffer {
  const kid = Buffer.from(box.kid, 'utf8');
  if (kid.length > 255) throw new Error('a data key id is at most 255 bytes');
  const iv = Buffer.from(box.iv, 'base64');
  const tag = Buffer.from(box.tag, 'base64');
  const ct = Buffer.from(box.ct, 'base64');
  if (iv.length !== 12 || tag.length !== 16) throw new Error('a sealed box has a 12-byte IV and a 16-byte tag');
  return Buffer.concat([Buffer.from([box.v, kid.length]), kid, iv, tag, ct]);
}

export function unpackSealed(b: Buffer): SealedBox {
  if (b.length < 30 || b[0] !== 1) throw new Error('not a packed sealed box (version 1)');
  const kidEnd = 2 + b[1]!;
  return {
    v: 1,
    kid: b.toString('utf8', 2, kidEnd),
    iv: b.toString('base64', kidEnd, kidEnd + 12),
    tag: b.toString('base64', kidEnd + 12, kidEnd + 28),
    ct: b.toString('base64', kidEnd + 28),
  };
}
