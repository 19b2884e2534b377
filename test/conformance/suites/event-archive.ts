import type { StoredEvent } from '@custodian/core';
import { freshPorts, sealedBox, type PortsFactory } from './ports-under-test';

const event = (eventId: string, recordId: string, receivedAt: string): StoredEvent => ({
  eventId,
  type: 'contact.received',
  version: 1,
  source: { system: 'crm' },
  controller: 'council-a',
  category: 'enquiry',
  occurredAt: receivedAt,
  receivedAt,
  subjectRef: 'subj-1',
  recordId,
  facts: { recordKey: recordId, transition: 'open' },
  locations: [{ store: 'crm', locator: `CRM-${recordId}` }],
  cardData: [],
  policyVersion: 'council-a@1.0.0',
  sealed: sealedBox('subj:subj-1'),
});

export function eventArchiveConformance(adapter: string, open: PortsFactory) {
  describe(`EventArchive conformance: ${adapter}`, () => {
    const ports = freshPorts(open);
    const archive = () => {
      const a = ports().archive;
      if (!a) throw new Error(`${adapter} has no event archive`);
      return a;
    };

    test('keeps each event once, and finds a record\'s events in arrival order', async () => {
      const a = archive();
      await a.keep([event('e2', 'rec-a', '2026-03-02T09:00:00.000Z'), event('e1', 'rec-a', '2026-03-01T09:00:00.000Z'), event('e3', 'rec-b', '2026-03-01T09:00:00.000Z')]);
      await a.keep([event('e1', 'rec-a', '2026-03-01T09:00:00.000Z')]);
      const got = await a.ofRecord('rec-a');
      expect(got.map((e) => e.eventId)).toEqual(['e1', 'e2']);
      expect(got[0]).toStrictEqual(event('e1', 'rec-a', '2026-03-01T09:00:00.000Z'));
      expect(await a.ofRecord('rec-missing')).toEqual([]);
    });

    test('a purge removes sealed sections and locators, counts them, and a replay does not bring them back', async () => {
      const a = archive();
      await a.keep([event('e1', 'rec-a', '2026-03-01T09:00:00.000Z'), event('e2', 'rec-a', '2026-03-02T09:00:00.000Z'), event('e3', 'rec-b', '2026-03-01T09:00:00.000Z')]);
      expect(await a.purge(['rec-a', 'rec-none'])).toEqual(new Map([['rec-a', 2], ['rec-none', 0]]));
      expect((await a.ofRecord('rec-a')).map((e) => [e.sealed, e.locations])).toEqual([
        [null, [{ store: 'crm', locator: '[disposed]' }]],
        [null, [{ store: 'crm', locator: '[disposed]' }]],
      ]);
      await a.keep([event('e1', 'rec-a', '2026-03-01T09:00:00.000Z')]);
      expect((await a.ofRecord('rec-a'))[0]!.sealed).toBeNull();
      expect((await a.ofRecord('rec-b'))[0]!.sealed).not.toBeNull();
      expect(await a.purge(['rec-a'])).toEqual(new Map([['rec-a', 0]]));
    });

    test('rewriteSealed replaces sealed sections still held, never a purged one', async () => {
      const a = archive();
      await a.keep([event('e1', 'rec-a', '2026-03-01T09:00:00.000Z'), event('e2', 'rec-b', '2026-03-01T09:00:00.000Z')]);
      await a.purge(['rec-b']);
      const fresh = sealedBox('subj:subj-1', 12);
      expect(await a.rewriteSealed([{ eventId: 'e1', sealed: fresh }, { eventId: 'e2', sealed: fresh }, { eventId: 'e9', sealed: fresh }])).toBe(1);
      expect((await a.ofRecord('rec-a'))[0]!.sealed).toStrictEqual(fresh);
      expect((await a.ofRecord('rec-b'))[0]!.sealed).toBeNull();
    });
  });
}
