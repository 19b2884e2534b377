import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';

/*
 * Temporal keeps every activity input and result, workflow argument and result in its history, in
 * clear, for as long as the namespace retains it. This codec encrypts all of them before they leave
 * the worker or client (AES-256-GCM), so personal data that a payload may carry never reaches the
 * server readable. Workflow ids and search attributes are not payloads: they stay pseudonymous.
 */

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PayloadKey {
  /** stored in clear in each payload's metadata: a fingerprint of the key, never the key */
  keyId: string;
  key: Buffer;
}

/**
 * The payload key, derived from the master key material (the 32 bytes of CUSTODIAN_MASTER_KEY) with
 * HKDF under its own label, as crypto.ts derives its keys: the keys derived there are unchanged, and
 * this key cannot be used to unwrap data keys. A new `version` is a new key (rotation).
 */
export function payloadKeyFromMaster(material: Buffer, version = 1): PayloadKey {
  if (material.length !== 32) throw new Error('the master key must be 32 bytes (base64 of 32 random bytes)');
  const key = Buffer.from(hkdfSync('sha256', material, Buffer.alloc(0), `custodian/temporal-payload/v${version}`, 32));
  const fingerprint = createHmac('sha256', key).update('custodian/temporal-payload/key-id').digest('base64url').slice(0, 16);
  return { keyId: `tpk${version}_${fingerprint}`, key };
}

export class UnknownPayloadKeyError extends Error {
  constructor(readonly keyId: string, known: string[]) {
    super(`payload is encrypted with key id "${keyId}", which this process does not hold (it holds: ${known.join(', ') || 'none'}); start it with the master key (and key version) that wrote the history`);
    this.name = 'UnknownPayloadKeyError';
  }
}

export class PayloadAuthenticationError extends Error {
  constructor(readonly keyId: string) {
    super(`encrypted payload (key id "${keyId}") failed authentication: it was altered, truncated or not written by Custodian`);
    this.name = 'PayloadAuthenticationError';
  }
}

const utf8 = (s: string) => Buffer.from(s, 'utf8');

/**
 * The inner payload as bytes: metadata entries then data, length-prefixed, so that metadata (the
 * converter's encoding) is encrypted along with the data and restored exactly.
 */
function frame(p: Payload): Buffer {
  const parts: Buffer[] = [];
  const entries = Object.entries(p.metadata ?? {});
  const head = Buffer.alloc(4);
  head.writeUInt32BE(entries.length);
  parts.push(head);
  for (const [k, v] of entries) {
    const key = utf8(k);
    const lens = Buffer.alloc(6);
    lens.writeUInt16BE(key.length, 0);
    lens.writeUInt32BE(v.length, 2);
    parts.push(lens, key, Buffer.from(v));
  }
  const hasData = p.data !== undefined && p.data !== null;
  parts.push(Buffer.from([hasData ? 1 : 0]));
  if (hasData) parts.push(Buffer.from(p.data!));
  return Buffer.concat(parts);
}

function unframe(b: Buffer): Payload {
  let at = 0;
  const count = b.readUInt32BE(at);
  at += 4;
  const metadata: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    const kl = b.readUInt16BE(at);
    const vl = b.readUInt32BE(at + 2);
    at += 6;
    const k = b.subarray(at, at + kl).toString('utf8');
    at += kl;
    metadata[k] = new Uint8Array(b.subarray(at, at + vl));
    at += vl;
  }
  const hasData = b[at] === 1;
  at += 1;
  return hasData ? { metadata, data: new Uint8Array(b.subarray(at)) } : { metadata };
}

const aad = (keyId: string) => utf8(`custodian/temporal-payload|${keyId}`);

/**
 * Encrypts with the current key; decrypts with any key it holds (the current one and those before a
 * rotation, so histories written before it stay readable). Payloads that are not encrypted (written
 * before the codec was enabled) decode as they are.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly keys: Map<string, Buffer>;
  constructor(
    private readonly current: PayloadKey,
    previous: PayloadKey[] = [],
  ) {
    this.keys = new Map([current, ...previous].map((k) => [k.keyId, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const iv = randomBytes(IV_BYTES);
      const c = createCipheriv('aes-256-gcm', this.current.key, iv);
      c.setAAD(aad(this.current.keyId));
      const ct = Buffer.concat([c.update(frame(p)), c.final()]);
      return {
        metadata: { encoding: utf8(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: utf8(this.current.keyId), [CIPHER_METADATA]: utf8(CIPHER) },
        data: new Uint8Array(Buffer.concat([iv, c.getAuthTag(), ct])),
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => {
      const encoding = p.metadata?.encoding;
      if (!encoding || Buffer.from(encoding).toString('utf8') !== ENCRYPTED_ENCODING) return p;
      const rawKeyId = p.metadata?.[KEY_ID_METADATA];
      const keyId = rawKeyId ? Buffer.from(rawKeyId).toString('utf8') : '';
      const key = this.keys.get(keyId);
      if (!key) throw new UnknownPayloadKeyError(keyId || '(none)', [...this.keys.keys()]);
      const data = Buffer.from(p.data ?? new Uint8Array());
      if (data.length < IV_BYTES + TAG_BYTES) throw new PayloadAuthenticationError(keyId);
      try {
        const d = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
        d.setAAD(aad(keyId));
        d.setAuthTag(data.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
        return unframe(Buffer.concat([d.update(data.subarray(IV_BYTES + TAG_BYTES)), d.final()]));
      } catch {
        throw new PayloadAuthenticationError(keyId);
      }
    });
  }
}
