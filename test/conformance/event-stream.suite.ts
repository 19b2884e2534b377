import type { EventStream, StoredEvent, StreamBatch, Subscription } from '@custodian/core';

export interface StreamUnderTest {
  stream: EventStream;
  close(): Promise<void>;
}

/** a stored event as ingest makes it; `sealed` is opaque to the stream */
export function storedEvent(n: number, subject: string, type = 'contact.received'): StoredEvent {
  const id = String(n).padStart(6, '0');
  return {
    eventId: `evt-${id}`,
    type,
    version: 1,
    source: { system: 'crm' },
    controller: 'derby',
    category: type.startsWith('call') ? 'call-recording' : 'enquiry',
    occurredAt: new Date(Date.UTC(2026, 2, 1, 9, 0, n % 60)).toISOString(),
    receivedAt: '2026-03-01T10:00:00.000Z',
    subjectRef: subject,
    recordId: `rec_${subject}_${type.split('.')[0]}`,
    facts: { recordKey: `ENQ-${subject}`, transition: 'open' } as StoredEvent['facts'],
    locations: [{ store: 'crm', locator: `ENQ-${subject}` }],
    cardData: [],
    policyVersion: 'derby@1.0.0',
    sealed: { v: 1, kid: `subj:${subject}`, iv: 'AAAAAAAAAAAAAAAA', tag: 'AAAAAAAAAAAAAAAAAAAAAA==', ct: Buffer.from(`sealed ${id}`).toString('base64') },
  };
}

/** collects what a subscription delivers until `until` holds (or the deadline passes) */
export async function collect(stream: EventStream, group: string, until: (seen: StoredEvent[]) => boolean, opts: { timeoutMs?: number; handler?: (b: StreamBatch) => Promise<void> } = {}) {
  const seen: StoredEvent[] = [];
  const batches: StreamBatch[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const sub: Subscription = await stream.subscribe(group, async (b) => {
    if (opts.handler) await opts.handler(b);
    batches.push(b);
    seen.push(...b.events);
    if (until(seen)) done();
  });
  const timer = setTimeout(done, opts.timeoutMs ?? 15_000);
  await finished;
  clearTimeout(timer);
  await sub.stop();
  return { seen, batches };
}

const ids = (es: StoredEvent[]) => es.map((e) => e.eventId);

/**
 * The EventStream contract, for every adapter: the embedded log always, Kafka against the mock
 * cluster (and a real broker wherever one is reachable).
 */
export function eventStreamConformance(name: string, make: () => Promise<StreamUnderTest>) {
  describe(`EventStream conformance: ${name}`, () => {
    let s: StreamUnderTest;
    beforeEach(async () => {
      s = await make();
    });
    afterEach(async () => {
      await s.close();
    });

    it('delivers everything published, each subject in publish order, at the offsets publish reported', async () => {
      const events = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => storedEvent(n, n % 2 ? 'subj_a' : 'subj_b', n % 3 ? 'contact.received' : 'call.recorded'));
      const statuses = await s.stream.publish(events);
      expect(statuses.map((x) => x.status)).toEqual(Array(10).fill('appended'));
      const { seen } = await collect(s.stream, 'g1', (x) => x.length >= 10);
      expect(ids(seen).sort()).toEqual(ids(events).sort());
      for (const subject of ['subj_a', 'subj_b']) {
        for (const family of ['contact', 'call']) {
          const sent = events.filter((e) => e.subjectRef === subject && e.type.startsWith(family));
          expect(ids(seen.filter((e) => e.subjectRef === subject && e.type.startsWith(family)))).toEqual(ids(sent));
        }
      }
      const offsetOf = new Map(statuses.map((x) => [x.eventId, x.status === 'appended' ? x.offset : -2]));
      for (const e of seen) expect(e.offset).toBe(offsetOf.get(e.eventId));
      // what the stream hands back is what was published, sealed section included
      const byId = new Map(events.map((e) => [e.eventId, e]));
      for (const e of seen) expect({ ...e, offset: undefined }).toEqual({ ...byId.get(e.eventId)!, offset: undefined });
    });

    it('keeps groups apart, and a group that stopped resumes after its last committed batch', async () => {
      await s.stream.publish([0, 1, 2].map((n) => storedEvent(n, 'subj_a')));
      const first = await collect(s.stream, 'g1', (x) => x.length >= 3);
      expect(ids(first.seen)).toEqual(['evt-000000', 'evt-000001', 'evt-000002']);
      await s.stream.publish([3, 4].map((n) => storedEvent(n, 'subj_a')));
      const resumed = await collect(s.stream, 'g1', (x) => x.length >= 2);
      expect(ids(resumed.seen)).toEqual(['evt-000003', 'evt-000004']);
      const other = await collect(s.stream, 'g2', (x) => x.length >= 5);
      expect(ids(other.seen)).toEqual(['evt-000000', 'evt-000001', 'evt-000002', 'evt-000003', 'evt-000004']);
    });

    it('hands a batch whose handler failed over again, and skips nothing after it', async () => {
      await s.stream.publish([0, 1, 2, 3].map((n) => storedEvent(n, 'subj_a')));
      let failures = 0;
      const { seen } = await collect(s.stream, 'g1', (x) => new Set(ids(x)).size >= 4, {
        handler: async () => {
          if (failures++ < 2) throw new Error('the registry is down');
        },
      });
      expect(failures).toBeGreaterThanOrEqual(3);
      expect([...new Set(ids(seen))]).toEqual(['evt-000000', 'evt-000001', 'evt-000002', 'evt-000003']);
    });
  });
}
