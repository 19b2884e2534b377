import { freshPorts, type PortsFactory } from './ports-under-test';

const key = (n: number) => Buffer.alloc(40, n);

export function keyVaultConformance(adapter: string, open: PortsFactory) {
  describe(`KeyVault conformance: ${adapter}`, () => {
    const ports = freshPorts(open);

    test('putIfAbsent stores new keys and returns them; get returns only known kids', async () => {
      const { vault } = ports();
      const out = await vault.putIfAbsent([
        { kid: 'k1', wrapped: key(1) },
        { kid: 'k2', wrapped: key(2) },
      ]);
      expect(out).toEqual(new Map([['k1', key(1)], ['k2', key(2)]]));
      const got = await vault.get(['k2', 'k1', 'k-unknown']);
      expect([...got.keys()].sort()).toEqual(['k1', 'k2']);
      expect(Buffer.compare(got.get('k1')!, key(1))).toBe(0);
      expect(Buffer.compare(got.get('k2')!, key(2))).toBe(0);
      expect(await vault.get([])).toEqual(new Map());
    });

    test('putIfAbsent never replaces a key: the first writer wins, in later calls and within one call', async () => {
      const { vault } = ports();
      await vault.putIfAbsent([{ kid: 'k1', wrapped: key(1) }]);
      const out = await vault.putIfAbsent([
        { kid: 'k1', wrapped: key(9) },
        { kid: 'k2', wrapped: key(2) },
        { kid: 'k2', wrapped: key(8) },
      ]);
      expect(Buffer.compare(out.get('k1')!, key(1))).toBe(0);
      expect(Buffer.compare(out.get('k2')!, key(2))).toBe(0);
      expect(Buffer.compare((await vault.get(['k1'])).get('k1')!, key(1))).toBe(0);
      expect(Buffer.compare((await vault.get(['k2'])).get('k2')!, key(2))).toBe(0);
    });

    test('a key handed out is a copy: changing it does not change the vault', async () => {
      const { vault } = ports();
      const input = key(1);
      const out = await vault.putIfAbsent([{ kid: 'k1', wrapped: input }]);
      input.fill(5);
      out.get('k1')!.fill(6);
      (await vault.get(['k1'])).get('k1')!.fill(7);
      expect(Buffer.compare((await vault.get(['k1'])).get('k1')!, key(1))).toBe(0);
    });

    test('destroy shreds a key once: it reads as null afterwards and is never re-created under that kid', async () => {
      const { vault } = ports();
      await vault.putIfAbsent([{ kid: 'k1', wrapped: key(1) }, { kid: 'k2', wrapped: key(2) }]);
      expect(await vault.destroy('k1')).toBe(true);
      expect(await vault.destroy('k1')).toBe(false);
      expect(await vault.destroy('k-unknown')).toBe(false);
      expect(await vault.get(['k1', 'k2'])).toEqual(new Map([['k1', null], ['k2', key(2)]]));
      const again = await vault.putIfAbsent([{ kid: 'k1', wrapped: key(3) }]);
      expect(again).toEqual(new Map([['k1', null]]));
      expect((await vault.get(['k1'])).get('k1')).toBeNull();
    });

    test('destroying an unknown kid does not reserve it', async () => {
      const { vault } = ports();
      expect(await vault.destroy('k1')).toBe(false);
      const out = await vault.putIfAbsent([{ kid: 'k1', wrapped: key(1) }]);
      expect(Buffer.compare(out.get('k1')!, key(1))).toBe(0);
    });
  });
}
