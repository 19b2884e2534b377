import { freshPorts, type PortsFactory } from './ports-under-test';

/** only for runtimes whose log cannot refuse a repeat itself (Kafka): the embedded log dedupes on append */
export function idempotencyKeysConformance(adapter: string, open: PortsFactory) {
  describe(`IdempotencyKeys conformance: ${adapter}`, () => {
    const ports = freshPorts(open);
    const keys = () => {
      const k = ports().idempotency;
      if (!k) throw new Error(`${adapter} was declared to have idempotency keys but its factory gave none`);
      return k;
    };

    test('remembers accepted ids and reports only those as seen', async () => {
      const k = keys();
      expect(await k.seen(['evt-1', 'evt-2'])).toEqual(new Set());
      await k.remember(['evt-1', 'evt-3'], '2026-03-01T10:00:00.000Z');
      expect(await k.seen(['evt-1', 'evt-2', 'evt-3'])).toEqual(new Set(['evt-1', 'evt-3']));
      expect(await k.seen([])).toEqual(new Set());
    });

    test('remembering an id twice, alone or among new ones, is no error and keeps the new ones', async () => {
      const k = keys();
      await k.remember(['evt-1'], '2026-03-01T10:00:00.000Z');
      await k.remember(['evt-1', 'evt-2'], '2026-03-01T11:00:00.000Z');
      await k.remember([], '2026-03-01T11:00:00.000Z');
      expect(await k.seen(['evt-1', 'evt-2'])).toEqual(new Set(['evt-1', 'evt-2']));
    });
  });
}
