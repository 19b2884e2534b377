import { fieldErrors } from './envelope';
import { PolicyPack, type PolicyPackInput } from './policy';

const CITE = 'shared/knowledge/uk-data-protection.md#retention-periods-seen-in-councils-schedules-for-defaults-where-a-notice-defers-to-our-schedule';

/** A small valid pack; each test breaks one thing in a fresh copy. */
function pack(): PolicyPackInput {
  return {
    id: 'test-council',
    council: 'Test District Council',
    version: '1.0.0',
    notice: { title: 'Test notice', seed: 'shared/seeds/test.txt' },
    dpoContact: 'dpo@test.gov.uk',
    cardData: { onDetect: 'reject', provenance: { source: 'notice', quote: 'recording stops during payments' } },
    automatedDecisions: false,
    transfers: { stance: 'none-outside-uk-eea', provenance: { source: 'assumption', assumption: 'no-transfers' } },
    stores: [
      { id: 'vendor', name: 'Vendor recordings', kind: 'http', processor: 'vendor-co', country: 'GB' },
      { id: 'files', name: 'Own servers', kind: 'files', country: 'GB' },
    ],
    processors: [{ id: 'vendor-co', name: 'Vendor Co', role: 'processor', service: 'recording', country: 'GB', provenance: { source: 'notice', quote: 'hosted by our provider' } }],
    categories: [
      {
        id: 'call-recording',
        description: 'calls',
        personalData: ['recording'],
        lawfulBasis: { primary: '6(1)(e)', provenance: { source: 'notice', quote: 'public task' } },
        retention: { duration: 'P40D', trigger: 'occurred', action: 'delete', provenance: { source: 'assumption', assumption: 'recording-period' } },
        stores: ['vendor', 'files'],
        purposes: ['training'],
      },
    ],
    assumptions: [
      { id: 'no-transfers', text: 'none', cites: [CITE] },
      { id: 'recording-period', text: '40 days', cites: [CITE] },
    ],
  };
}

function errorsOf(input: unknown) {
  const r = PolicyPack.safeParse(input);
  if (r.success) throw new Error('expected the pack to be rejected');
  return fieldErrors(r.error);
}

describe('PolicyPack schema', () => {
  it('accepts a consistent pack and fills defaults', () => {
    const r = PolicyPack.safeParse(pack());
    if (!r.success) throw new Error(JSON.stringify(fieldErrors(r.error)));
    expect(r.data.categories[0]!.segregated).toBe(false);
    expect(r.data.categories[0]!.lawfulBasis.additional).toEqual([]);
    expect(r.data.recipients).toEqual([]);
  });

  it('rejects a category that lists an undeclared store, at the store entry', () => {
    const p = pack();
    p.categories[0]!.stores = ['vendor', 'archive'];
    expect(errorsOf(p)).toEqual([{ path: 'categories[0].stores[1]', message: expect.stringContaining('"archive"') }]);
  });

  it('rejects a retention rule that points at an undeclared assumption', () => {
    const p = pack();
    p.categories[0]!.retention.provenance = { source: 'assumption', assumption: 'made-up' };
    expect(errorsOf(p)).toEqual([{ path: 'categories[0].retention.provenance.assumption', message: expect.stringContaining('"made-up"') }]);
  });

  it('rejects undeclared assumptions in lawful basis, transfers and card data provenance', () => {
    const p = pack();
    p.categories[0]!.lawfulBasis.provenance = { source: 'assumption', assumption: 'x-basis' };
    p.transfers.provenance = { source: 'assumption', assumption: 'x-transfers' };
    p.cardData.provenance = { source: 'assumption', assumption: 'x-card' };
    expect(errorsOf(p).map((e) => e.path).sort()).toEqual([
      'cardData.provenance.assumption',
      'categories[0].lawfulBasis.provenance.assumption',
      'transfers.provenance.assumption',
    ]);
  });

  it('rejects a store operated by an undeclared processor', () => {
    const p = pack();
    p.processors = [];
    expect(errorsOf(p)).toEqual([{ path: 'stores[0].processor', message: expect.stringContaining('"vendor-co"') }]);
  });

  it('rejects a category declared twice', () => {
    const p = pack();
    p.categories.push({ ...p.categories[0]! });
    expect(errorsOf(p).map((e) => e.path)).toEqual(['categories[1].id']);
  });

  it('rejects a notice statement without a quote and an assumption without its id', () => {
    const p = pack();
    p.cardData.provenance = { source: 'notice' };
    p.transfers.provenance = { source: 'assumption' };
    expect(errorsOf(p).map((e) => e.path).sort()).toEqual(['cardData.provenance', 'transfers.provenance']);
  });

  it('rejects unknown fields, so a typo cannot silently drop a rule', () => {
    const p = pack() as unknown as { categories: Array<Record<string, unknown>> };
    p.categories[0]!.retension = { duration: 'P1Y' };
    expect(errorsOf(p)).toEqual([{ path: 'categories[0]', message: expect.stringContaining('retension') }]);
  });

  it.each(['40D', 'P', 'P1.5Y', 'PT40H'])('rejects the retention duration %p', (duration) => {
    const p = pack();
    p.categories[0]!.retention.duration = duration;
    expect(errorsOf(p).map((e) => e.path)).toEqual(['categories[0].retention.duration']);
  });

  // Gaps in policy.ts, reported with a proposed diff (the schema is outside this change). These pass while the
  // gap exists and fail once it is closed, prompting whoever closes it to make them ordinary tests.
  test('an undeclared assumption in processor, recipient or recording provenance is rejected', () => {
    const p = pack();
    p.processors![0]!.provenance = { source: 'assumption', assumption: 'x-processor' };
    errorsOf(p);
  });

  test('an undeclared assumption named by a notice provenance is rejected', () => {
    const p = pack();
    p.cardData.provenance = { source: 'notice', quote: 'q', assumption: 'x-qualifier' };
    errorsOf(p);
  });
});
