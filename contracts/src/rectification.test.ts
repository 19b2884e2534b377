import { applyCorrections } from './rectification';

describe('applyCorrections', () => {
  it('corrects identifiers and every contact block holding the detail, and says where', () => {
    const out = applyCorrections(
      { identifiers: [{ kind: 'email', value: 'old@example.org' }, { kind: 'phone', value: '07700 900123' }], payload: { caseRef: 'X', contact: { name: 'Pat Jnoes', email: 'old@example.org', address: { lines: ['1 High St'], postcode: 'NG1 1AA' } } } },
      [
        { field: 'email', value: 'new@example.org' },
        { field: 'name', value: 'Pat Jones' },
        { field: 'postcode', value: 'NG1 1AB' },
      ],
    );
    expect(out.identifiers).toEqual([{ kind: 'email', value: 'new@example.org' }, { kind: 'phone', value: '07700 900123' }]);
    expect(out.payload).toEqual({ caseRef: 'X', contact: { name: 'Pat Jones', email: 'new@example.org', address: { lines: ['1 High St'], postcode: 'NG1 1AB' } } });
    expect(out.changed.sort()).toEqual(['identifiers[0]', 'payload.contact.address.postcode', 'payload.contact.email', 'payload.contact.name']);
  });
  it('changes nothing where the detail is not held or already right', () => {
    const out = applyCorrections({ identifiers: [{ kind: 'phone', value: '07700 900123' }], payload: { recordingId: 'R', callerNumber: '07700 900123' } }, [{ field: 'email', value: 'x@example.org' }, { field: 'phone', value: '07700 900123' }]);
    expect(out.changed).toEqual([]);
  });
  it('corrects the caller number of a recording and a visitor name', () => {
    expect(applyCorrections({ identifiers: [], payload: { callerNumber: '07700 900999' } }, [{ field: 'phone', value: '07700 900123' }]).changed).toEqual(['payload.callerNumber']);
    expect(applyCorrections({ identifiers: [], payload: { visitorName: 'Olu Ade' } }, [{ field: 'name', value: 'Olu Adebayo' }]).payload).toEqual({ visitorName: 'Olu Adebayo' });
  });
});
