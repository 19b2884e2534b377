import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { EncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, PayloadAuthenticationError, UnknownPayloadKeyError, payloadKeyFromMaster } from './codec';

const MASTER = Buffer.alloc(32, 7);
const OTHER_MASTER = Buffer.alloc(32, 9);
const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? new Uint8Array()).toString('utf8');
const personal = { subjectRef: 'subj_x', callerNumber: '07700900123', name: 'Jane Example' };

describe('payloadKeyFromMaster', () => {
  it('derives the same key and key id from the same master key, different ones from another key or version', () => {
    const a = payloadKeyFromMaster(MASTER);
    expect(payloadKeyFromMaster(Buffer.from(MASTER))).toEqual(a);
    expect(a.key).toHaveLength(32);
    expect(a.keyId).toMatch(/^tpk1_[A-Za-z0-9_-]{16}$/);
    expect(payloadKeyFromMaster(OTHER_MASTER).keyId).not.toBe(a.keyId);
    const v2 = payloadKeyFromMaster(MASTER, 2);
    expect(v2.keyId).toMatch(/^tpk2_/);
    expect(v2.key.equals(a.key)).toBe(false);
    // neither the master key nor the payload key shows in the key id
    expect(a.keyId).not.toContain(a.key.toString('base64url').slice(0, 8));
  });

  it('refuses master key material that is not 32 bytes', () => {
    expect(() => payloadKeyFromMaster(Buffer.alloc(16))).toThrow(/32 bytes/);
  });
});

describe('EncryptionCodec', () => {
  const key = payloadKeyFromMaster(MASTER);
  const codec = new EncryptionCodec(key);
  const payloads: Payload[] = [defaultPayloadConverter.toPayload(personal), defaultPayloadConverter.toPayload(undefined), defaultPayloadConverter.toPayload(new Uint8Array([0, 1, 2])), { metadata: { encoding: Buffer.from('json/plain'), custom: Buffer.from('x') } }];

  it('round-trips payloads exactly (metadata, data, no data), with nothing readable on the wire', async () => {
    const encoded = await codec.encode(payloads);
    expect(encoded).toHaveLength(payloads.length);
    for (const e of encoded) {
      expect(text(e.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
      expect(text(e.metadata![KEY_ID_METADATA])).toBe(key.keyId);
      expect(text(e.data)).not.toContain('07700900123');
      expect(text(e.data)).not.toContain('Jane');
    }
    const decoded = await codec.decode(encoded);
    expect(decoded.map((p) => ({ metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, text(v)])), data: p.data ? [...p.data] : null }))).toEqual(
      payloads.map((p) => ({ metadata: Object.fromEntries(Object.entries(p.metadata!).map(([k, v]) => [k, text(v)])), data: p.data ? [...p.data] : null })),
    );
    expect(defaultPayloadConverter.fromPayload(decoded[0]!)).toEqual(personal);
  });

  it('uses a fresh IV per payload: the same value never encrypts the same way twice', async () => {
    const [a, b] = await codec.encode([payloads[0]!, payloads[0]!]);
    expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
  });

  it('a tampered payload fails authentication', async () => {
    const [e] = await codec.encode([payloads[0]!]);
    const data = Buffer.from(e!.data!);
    data[data.length - 1]! ^= 0x01;
    await expect(codec.decode([{ ...e!, data }])).rejects.toThrow(PayloadAuthenticationError);
    const truncated = { ...e!, data: Buffer.from(e!.data!).subarray(0, 10) };
    await expect(codec.decode([truncated])).rejects.toThrow(/failed authentication/);
  });

  it('a payload whose key id was swapped for another key the codec holds fails authentication', async () => {
    const old = payloadKeyFromMaster(MASTER, 2);
    const both = new EncryptionCodec(key, [old]);
    const [e] = await both.encode([payloads[0]!]);
    const swapped = { ...e!, metadata: { ...e!.metadata, [KEY_ID_METADATA]: Buffer.from(old.keyId) } };
    await expect(both.decode([swapped])).rejects.toThrow(PayloadAuthenticationError);
  });

  it('an unknown key id fails clearly, naming the key id', async () => {
    const [e] = await new EncryptionCodec(payloadKeyFromMaster(OTHER_MASTER)).encode([payloads[0]!]);
    const err = await codec.decode([e!]).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(UnknownPayloadKeyError);
    expect((err as Error).message).toContain(`key id "${payloadKeyFromMaster(OTHER_MASTER).keyId}"`);
    expect((err as Error).message).toContain(key.keyId);
  });

  it('after a rotation, payloads under the previous key still decode; new ones use the current key', async () => {
    const v1 = new EncryptionCodec(key);
    const [old] = await v1.encode([payloads[0]!]);
    const v2key = payloadKeyFromMaster(MASTER, 2);
    const rotated = new EncryptionCodec(v2key, [key]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([old!]))[0]!)).toEqual(personal);
    const [fresh] = await rotated.encode([payloads[0]!]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe(v2key.keyId);
  });

  it('payloads that are not encrypted pass through decode unchanged', async () => {
    const plain = defaultPayloadConverter.toPayload({ batch: 100 });
    const [out] = await codec.decode([plain]);
    expect(out).toBe(plain);
    expect(await codec.decode([])).toEqual([]);
  });
});
