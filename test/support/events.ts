/** Event builders for the end-to-end suites: valid by default, overridable field by field. */
let seq = 0;
const nextId = (p: string) => `${p}-${String(++seq).padStart(6, '0')}-${Math.random().toString(36).slice(2, 8)}`;

type Over = Record<string, unknown>;

export function envelope(type: string, controller: string, category: string, occurredAt: string, payload: Over, over: Over = {}) {
  return {
    eventId: nextId('evt'),
    type,
    version: 1,
    source: { system: 'e2e' },
    controller,
    occurredAt,
    subject: { identifiers: [{ kind: 'email', value: 'pat.jones@example.org' }, { kind: 'phone', value: '07700 900123' }] },
    category,
    locations: [],
    payload,
    ...over,
  };
}

export function callRecorded(controller: string, recordingId: string, at: string, locations: Array<{ store: string; locator: string }>, over: Over = {}) {
  return envelope(
    'call.recorded',
    controller,
    'call-recording',
    at,
    { recordingId, direction: 'inbound', team: 'customer-services', callCentreLocation: 'castle-house', startedAt: at, durationSeconds: 245, pauses: [{ reason: 'payment', fromSecond: 100, toSecond: 160 }], callerNumber: '07700 900123' },
    { locations, ...over },
  );
}

export function complaint(kind: 'opened' | 'updated' | 'closed', controller: string, complaintRef: string, at: string, over: Over = {}) {
  const payload =
    kind === 'opened'
      ? { complaintRef, service: 'Waste collection', summary: 'Bins missed three weeks running', contact: { name: 'Pat Jones', email: 'pat.jones@example.org' } }
      : kind === 'updated'
        ? { complaintRef, stage: 2, note: 'Escalated to stage 2' }
        : { complaintRef, outcome: 'upheld' };
  return envelope(`complaint.${kind}`, controller, 'complaint', at, payload, { locations: [{ store: 'crm', locator: complaintRef }], ...over });
}

export function enquiry(controller: string, caseRef: string, at: string, summary = 'Question about council tax banding', over: Over = {}) {
  return envelope('contact.received', controller, 'enquiry', at, { caseRef, channel: 'phone', service: 'Council tax', summary, contact: { name: 'Pat Jones', phone: '07700 900123' } }, { locations: [{ store: 'crm', locator: caseRef }], ...over });
}

export function payment(controller: string, paymentRef: string, at: string, reference: string, over: Over = {}) {
  return envelope('payment.taken', controller, 'payment', at, { paymentRef, amountPence: 12500, service: 'Garden waste permit', channel: 'phone', reference, card: { token: 'tok_9f8e7d6c5b4a', last4: '1111', scheme: 'visa' } }, { locations: [{ store: 'payments', locator: paymentRef }], ...over });
}
