import { CATEGORIES_BY_TYPE, EventEnvelope, fieldErrors, lifecycleFacts, type FieldError } from './envelope';
import { EVENT_TYPES, type EventType } from './payloads';

const contact = { name: 'Ada Lovelace', email: 'ada@example.org', phone: '+44 7700 900123', address: { lines: ['1 High Street', 'Sleaford'], postcode: 'NG34 7EF' } };
const recording = { team: 'customer-services', callCentreLocation: 'castle-house', startedAt: '2026-01-31T09:30:00Z', durationSeconds: 312, pauses: [{ reason: 'payment', fromSecond: 60, toSecond: 120 }] };

/** One valid payload per event type; `satisfies` makes a new event type a compile error here until it has one. */
const PAYLOADS = {
  'contact.received': { caseRef: 'ENQ-1001', channel: 'phone', service: 'waste', summary: 'missed bin', contact },
  'contact.updated': { caseRef: 'ENQ-1001', summary: 'bin collected' },
  'contact.closed': { caseRef: 'ENQ-1001', outcome: 'resolved' },
  'call.recorded': { recordingId: 'REC-9', direction: 'inbound', callerNumber: '01529 414155', ...recording },
  'webchat.recorded': { chatId: 'CHAT-7', provider: 'click4assistance', transcriptExcerpt: 'hello', ...recording },
  'complaint.opened': { complaintRef: 'CMP-1', kind: 'complaint', service: 'housing', summary: 'repair late', contact },
  'complaint.updated': { complaintRef: 'CMP-1', stage: 2, note: 'escalated internally' },
  'complaint.closed': { complaintRef: 'CMP-1', outcome: 'upheld' },
  'complaint.escalated': { complaintRef: 'CMP-1', to: 'local-government-and-social-care-ombudsman', ombudsmanRef: 'LGSCO-22' },
  'payment.taken': { paymentRef: 'PAY-1', amountPence: 4500, service: 'garden waste', channel: 'phone', card: { token: 'tok_abcdefgh', last4: '1111', scheme: 'visa' } },
  'payment.refunded': { paymentRef: 'PAY-1', refundRef: 'REF-1', amountPence: 4500 },
  'visitor.signed-in': { visitId: 'V-1', site: 'Council House', visitorName: 'Ada Lovelace', hostName: 'Reception' },
  'crm.profile.registered': { customerRef: 'CUST-1', profile: contact, channel: 'web-form' },
  'crm.profile.updated': { customerRef: 'CUST-1', profile: { email: 'ada@example.net' } },
  'crm.profile.closed': { customerRef: 'CUST-1', reason: 'inactive' },
  'equalities.monitoring-submitted': { responseId: 'EQ-1', service: 'libraries', answers: { ethnicity: 'prefer not to say' } },
} satisfies Record<EventType, object>;

function event(type: EventType, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: `evt-${type.replace(/\./g, '-')}-0001`,
    version: 1,
    type,
    source: { system: 'crm', instance: 'prod' },
    controller: 'north-kesteven',
    occurredAt: '2026-01-31T09:30:00Z',
    subject: { identifiers: [{ kind: 'email', value: 'ada@example.org' }] },
    category: CATEGORIES_BY_TYPE[type][0],
    payload: PAYLOADS[type],
    ...overrides,
  };
}

function errorsOf(input: unknown): FieldError[] {
  const r = EventEnvelope.safeParse(input);
  if (r.success) throw new Error('expected the event to be rejected');
  return fieldErrors(r.error);
}

describe('EventEnvelope', () => {
  it('has a fixture for each of the 16 event types', () => {
    expect(EVENT_TYPES).toHaveLength(16);
    expect(Object.keys(PAYLOADS).sort()).toEqual([...EVENT_TYPES].sort());
  });

  it.each(EVENT_TYPES)('parses a valid %s event and derives its lifecycle facts', (type) => {
    const r = EventEnvelope.safeParse(event(type));
    if (!r.success) throw new Error(JSON.stringify(fieldErrors(r.error)));
    expect(r.data.type).toBe(type);
    expect(r.data.locations).toEqual([]);
    // zod infers a looser union than the declared EventEnvelope type, which narrows by `type`
    expect(lifecycleFacts(r.data as EventEnvelope).recordKey).toMatch(/^[A-Z]+-\d+$/);
  });

  it('rejects an unknown payload field, naming the object and the field', () => {
    const errs = errorsOf(event('payment.taken', { payload: { ...PAYLOADS['payment.taken'], cardNumber: '4111111111111111' } }));
    expect(errs).toHaveLength(1);
    expect(errs[0]!.path).toBe('payload');
    expect(errs[0]!.message).toContain('cardNumber');
  });

  it('rejects an unknown field deep in a payload with the nested path', () => {
    const errs = errorsOf(event('contact.received', { payload: { ...PAYLOADS['contact.received'], contact: { ...contact, nhsNumber: '943 476 5919' } } }));
    expect(errs.map((e) => e.path)).toEqual(['payload.contact']);
    expect(errs[0]!.message).toContain('nhsNumber');
  });

  it('reports the path of an invalid payload value', () => {
    const errs = errorsOf(event('call.recorded', { payload: { ...PAYLOADS['call.recorded'], pauses: [{ reason: 'lunch', fromSecond: 1 }] } }));
    expect(errs.map((e) => e.path)).toEqual(['payload.pauses[0].reason']);
  });

  it('rejects a category the event type cannot carry, with path "category"', () => {
    const errs = errorsOf(event('call.recorded', { category: 'enquiry' }));
    expect(errs).toEqual([{ path: 'category', message: expect.stringContaining('call-recording') }]);
  });

  it('reports a missing eventId at path "eventId"', () => {
    const e = event('contact.received');
    delete e.eventId;
    expect(errorsOf(e)).toEqual([{ path: 'eventId', message: 'is required (string)' }]);
  });

  it.each(['2026-01-31 09:30', '2026-01-31T09:30:00', '31/01/2026', '2026-02-30T09:00:00Z', ''])('rejects occurredAt %p', (occurredAt) => {
    const errs = errorsOf(event('contact.received', { occurredAt }));
    expect(errs.map((x) => x.path)).toEqual(['occurredAt']);
    expect(errs[0]!.message).toMatch(/ISO 8601/);
  });

  it('refuses a caseRef on an equalities monitoring payload, which must stay apart from case data', () => {
    const errs = errorsOf(event('equalities.monitoring-submitted', { payload: { ...PAYLOADS['equalities.monitoring-submitted'], caseRef: 'ENQ-1001' } }));
    expect(errs.map((x) => x.path)).toEqual(['payload']);
    expect(errs[0]!.message).toContain('caseRef');
  });

  it('rejects an unknown event type with the list of known types', () => {
    const errs = errorsOf(event('contact.received', { type: 'contact.deleted' }));
    expect(errs[0]!.path).toBe('type');
    expect(errs[0]!.message).toContain('contact.received');
  });

  it('reports every problem at once, so a producer can fix an event in one go', () => {
    const e = event('complaint.closed', { controller: 'North Kesteven', occurredAt: 'yesterday', payload: { complaintRef: 'CMP-1', outcome: 'sorted' } });
    expect(errorsOf(e).map((x) => x.path).sort()).toEqual(['controller', 'occurredAt', 'payload.outcome']);
  });
});
