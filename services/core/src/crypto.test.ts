import { randomBytes } from 'node:crypto';
import { KeyShreddedError, MasterKey, Sealer, packSealed, unpackSealed } from './crypto';
import { MemoryKeyVault } from './test-support/memory-ports';
import type { SealedBox } from './ports';

const material = Buffer.alloc(32, 7);

function setup() {
  const master = new MasterKey(material);
  const vault = new MemoryKeyVault();
  const sealer = new Sealer(master, vault);
  return { master, vault, sealer };
}

const flip = (b64: string, at = 0) => {
  const b = Buffer.from(b64, 'base64');
  b[at] = b[at]! ^ 0x01;
  return b.toString('base64');
};

describe('MasterKey', () => {
  it('rejects material that is not 32 bytes', () => {
    expect(() => new MasterKey(Buffer.alloc(16))).toThrow(/32 bytes/);
    expect(() => new MasterKey(Buffer.alloc(33))).toThrow(/32 bytes/);
    expect(() => MasterKey.fromBase64(Buffer.alloc(24).toString('base64'))).toThrow(/32 bytes/);
    expect(() => MasterKey.fromBase64('')).toThrow(/32 bytes/);
  });

  it('accepts a generated key and its base64 form', () => {
    const g = MasterKey.generate();
    expect(g).toHaveLength(32);
    expect(MasterKey.fromBase64(g.toString('base64')).blindIndex('derby', 'k')).toBe(new MasterKey(g).blindIndex('derby', 'k'));
  });

  it('wraps and unwraps a data key; the wrapping is bound to its kid', () => {
    const m = new MasterKey(material);
    const dk = randomBytes(32);
    const w = m.wrap('subj:a', dk);
    expect(m.unwrap('subj:a', w).equals(dk)).toBe(true);
    expect(() => m.unwrap('subj:b', w)).toThrow();
    expect(() => new MasterKey(Buffer.alloc(32, 8)).unwrap('subj:a', w)).toThrow();
  });

  it('blind index: stable for one controller, different across controllers and master keys', () => {
    const m = new MasterKey(material);
    const a1 = m.blindIndex('north-kesteven', 'phone:441529414155');
    const a2 = new MasterKey(Buffer.from(material)).blindIndex('north-kesteven', 'phone:441529414155');
    expect(a1).toBe(a2);
    // 128 bits of HMAC-SHA-256, base64url
    expect(a1).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(a1).not.toContain('441529414155');
    expect(m.blindIndex('derby', 'phone:441529414155')).not.toBe(a1);
    expect(m.blindIndex('north-kesteven', 'phone:441529414156')).not.toBe(a1);
    expect(new MasterKey(Buffer.alloc(32, 9)).blindIndex('north-kesteven', 'phone:441529414155')).not.toBe(a1);
  });

  it('blind index separates controller and key unambiguously', () => {
    const m = new MasterKey(material);
    expect(m.blindIndex('ab', 'c')).not.toBe(m.blindIndex('a', 'bc'));
  });

  it('record id: deterministic, prefixed, and different per controller, category or key', () => {
    const m = new MasterKey(material);
    const id = m.recordId('derby', 'complaint', 'CMP-1');
    expect(id).toBe(new MasterKey(Buffer.from(material)).recordId('derby', 'complaint', 'CMP-1'));
    expect(id).toMatch(/^rec_[A-Za-z0-9_-]{24}$/);
    expect(m.recordId('durham', 'complaint', 'CMP-1')).not.toBe(id);
    expect(m.recordId('derby', 'enquiry', 'CMP-1')).not.toBe(id);
    expect(m.recordId('derby', 'complaint', 'CMP-2')).not.toBe(id);
    expect(new MasterKey(Buffer.alloc(32, 9)).recordId('derby', 'complaint', 'CMP-1')).not.toBe(id);
  });
});

describe('Sealer', () => {
  it('seals and opens a value (round trip), without the clear text in the box', async () => {
    const { sealer } = setup();
    const value = { identifiers: [{ kind: 'email', value: 'pat@example.org' }], payload: { n: 1, s: 'Pat Jones' } };
    const box = await sealer.seal('subj:1', value, 'evt-1');
    expect(box).toMatchObject({ v: 1, kid: 'subj:1' });
    expect(JSON.stringify(box)).not.toContain('Pat Jones');
    expect(JSON.stringify(box)).not.toContain('pat@example.org');
    expect(await sealer.open(box, 'evt-1')).toEqual(value);
  });

  it('uses a fresh IV for every seal', async () => {
    const { sealer } = setup();
    const a = await sealer.seal('subj:1', 'same', 'c');
    const b = await sealer.seal('subj:1', 'same', 'c');
    expect(a.iv).not.toBe(b.iv);
    expect(a.ct).not.toBe(b.ct);
  });

  it('a fresh Sealer over the same vault and master key opens what another sealed', async () => {
    const { master, vault, sealer } = setup();
    const box = await sealer.seal('subj:1', { x: 1 }, 'ctx');
    expect(await new Sealer(master, vault).open(box, 'ctx')).toEqual({ x: 1 });
  });

  it('creates one data key per kid, stored only wrapped', async () => {
    const { vault, sealer } = setup();
    const keys = await sealer.keysFor(['subj:1', 'subj:2', 'subj:1']);
    expect([...keys.keys()].sort()).toEqual(['subj:1', 'subj:2']);
    expect(vault.keys.size).toBe(2);
    const again = await new Sealer(new MasterKey(material), vault).keysFor(['subj:1']);
    expect(again.get('subj:1')!.equals(keys.get('subj:1')!)).toBe(true);
    // the vault holds wrapped keys, not the data keys
    expect(vault.keys.get('subj:1')!.includes(keys.get('subj:1')!)).toBe(false);
  });

  it('when another writer created the same kid first, both seal under the key the vault kept', async () => {
    const master = new MasterKey(material);
    const vault = new MemoryKeyVault();
    const winner = new Sealer(master, vault);
    const box = await winner.seal('subj:race', { n: 1 }, 'e1');
    // the loser looked before the winner wrote, so it made a key of its own and lost the put
    const loser = new Sealer(master, { get: async () => new Map(), putIfAbsent: (e) => vault.putIfAbsent(e), destroy: (kid) => vault.destroy(kid) });
    const mine = await loser.seal('subj:race', { n: 2 }, 'e2');
    await expect(winner.open(mine, 'e2')).resolves.toEqual({ n: 2 });
    await expect(new Sealer(master, vault).open(box, 'e1')).resolves.toEqual({ n: 1 });
  });

  it('tampered ciphertext, tag or IV fails to open', async () => {
    const { sealer } = setup();
    const box = await sealer.seal('subj:1', { secret: 'x'.repeat(40) }, 'ctx');
    const tampered: SealedBox[] = [
      { ...box, ct: flip(box.ct, 5) },
      { ...box, tag: flip(box.tag) },
      { ...box, iv: flip(box.iv) },
    ];
    for (const t of tampered) await expect(sealer.open(t, 'ctx')).rejects.toThrow();
    expect(await sealer.open(box, 'ctx')).toEqual({ secret: 'x'.repeat(40) });
  });

  it('the wrong context (AAD) fails to open', async () => {
    const { sealer } = setup();
    const box = await sealer.seal('subj:1', 'v', 'evt-1');
    await expect(sealer.open(box, 'evt-2')).rejects.toThrow();
  });

  it('a box moved to another subject kid fails to open', async () => {
    const { sealer } = setup();
    const box = await sealer.seal('subj:1', 'v', 'c');
    await sealer.keysFor(['subj:2']);
    await expect(sealer.open({ ...box, kid: 'subj:2' }, 'c')).rejects.toThrow();
  });

  it('a destroyed key (vault.destroy + sealer.forget) gives KeyShreddedError on open and on seal', async () => {
    const { vault, sealer } = setup();
    const box = await sealer.seal('subj:1', { a: 1 }, 'c');
    expect(await vault.destroy('subj:1')).toBe(true);
    sealer.forget('subj:1');
    const err = await sealer.open(box, 'c').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeyShreddedError);
    expect((err as KeyShreddedError).kid).toBe('subj:1');
    await expect(sealer.seal('subj:1', { a: 2 }, 'c')).rejects.toBeInstanceOf(KeyShreddedError);
    await expect(sealer.keysFor(['subj:1'])).rejects.toBeInstanceOf(KeyShreddedError);
    // the key was not silently re-created
    expect(vault.keys.get('subj:1')).toBeNull();
  });

  it('a fresh Sealer reading the vault cannot open after the key is destroyed', async () => {
    const { master, vault, sealer } = setup();
    const box = await sealer.seal('subj:1', { a: 1 }, 'c');
    await vault.destroy('subj:1');
    const fresh = new Sealer(master, vault);
    await expect(fresh.open(box, 'c')).rejects.toBeInstanceOf(KeyShreddedError);
    await expect(fresh.seal('subj:1', 'x', 'c')).rejects.toBeInstanceOf(KeyShreddedError);
    expect(await vault.destroy('subj:1')).toBe(false);
  });

  it('other subjects are unaffected by one subject being shredded', async () => {
    const { vault, sealer } = setup();
    const a = await sealer.seal('subj:1', 'a', 'c');
    const b = await sealer.seal('subj:2', 'b', 'c');
    await vault.destroy('subj:1');
    sealer.forget('subj:1');
    await expect(sealer.open(a, 'c')).rejects.toBeInstanceOf(KeyShreddedError);
    expect(await sealer.open(b, 'c')).toBe('b');
  });

  it('opening a box whose key never existed is reported as shredded, not created', async () => {
    const { vault, sealer } = setup();
    const other = setup();
    const box = await other.sealer.seal('subj:ghost', 'v', 'c');
    await expect(sealer.open(box, 'c')).rejects.toBeInstanceOf(KeyShreddedError);
    expect(vault.keys.has('subj:ghost')).toBe(false);
  });

  it('keeps working when its cache is full (evicted keys are read again from the vault)', async () => {
    const master = new MasterKey(material);
    const vault = new MemoryKeyVault();
    const sealer = new Sealer(master, vault, 2);
    const boxes = await Promise.all(['k1', 'k2', 'k3', 'k4'].map(async (k) => [k, await sealer.seal(k, k, 'c')] as const));
    for (const [k, box] of boxes) expect(await sealer.open(box, 'c')).toBe(k);
  });
});

describe('packed sealed boxes', () => {
  it('round-trip, and are about a quarter smaller than the JSON form', async () => {
    const { sealer } = setup();
    const box = await sealer.seal('subj:abc', { identifiers: [{ kind: 'email', value: 'a@example.org' }], payload: { note: 'x'.repeat(400) } }, 'evt-1');
    const packed = packSealed(box);
    expect(unpackSealed(packed)).toEqual(box);
    expect(packed.length).toBeLessThan(JSON.stringify(box).length * 0.8);
  });

  it('refuse what is not a version-1 box rather than misreading it', () => {
    expect(() => unpackSealed(Buffer.from('{"v":1}'))).toThrow(/version 1/);
    expect(() => packSealed({ v: 1, kid: 'k', iv: 'AAAA', tag: 'AAAA', ct: '' })).toThrow(/12-byte IV/);
  });
});
