import type { RecordState } from '../record';

/** a Newark & Sherwood call recording, due 40 days after it was made; override what a test is about */
export function recordingState(over: Partial<RecordState> = {}): RecordState {
  return {
    id: 'rec_recording1',
    controller: 'newark-sherwood',
    category: 'call-recording',
    subjectRef: 'subj_person0001',
    status: 'active',
    lawfulBasis: '6(1)(e)',
    policyVersion: 'newark-sherwood@1.0.0',
    retention: { duration: 'P40D', trigger: 'occurred', action: 'delete' },
    lifecycle: { firstAt: '2024-01-01T10:00:00.000Z', lastAt: '2024-01-01T10:00:00.000Z', open: true, closedAt: null, escalatedAt: null, events: 1, reopenedAt: null },
    clockStartedAt: '2024-01-01T10:00:00.000Z',
    dueAt: '2024-02-10T10:00:00.000Z',
    dueReason: 'Kept P40D from when it was recorded (2024-01-01T10:00:00.000Z), so due at 2024-02-10T10:00:00.000Z.',
    locations: [{ store: 'recordings-files', locator: 'a.wav' }],
    team: 'customer-services',
    callCentreLocation: 'castle-house',
    registeredAt: '2024-01-01T10:00:05.000Z',
    updatedAt: '2024-01-01T10:00:05.000Z',
    lastOffset: 7,
    disposal: null,
    ...over,
  };
}

/** a North Kesteven enquiry, held on consent, due two years after its last activity */
export function enquiryState(over: Partial<RecordState> = {}): RecordState {
  return recordingState({
    id: 'rec_enquiry0001',
    controller: 'north-kesteven',
    category: 'enquiry',
    lawfulBasis: '6(1)(a)',
    policyVersion: 'north-kesteven@1.0.0',
    retention: { duration: 'P2Y', trigger: 'last-activity', action: 'delete' },
    lifecycle: { firstAt: '2026-01-05T09:00:00.000Z', lastAt: '2026-01-05T09:00:00.000Z', open: true, closedAt: null, escalatedAt: null, events: 1, reopenedAt: null },
    clockStartedAt: '2026-01-05T09:00:00.000Z',
    dueAt: '2028-01-05T09:00:00.000Z',
    dueReason: 'Kept P2Y from the last activity.',
    locations: [{ store: 'crm', locator: 'ENQ-1' }],
    caseRefs: ['ENQ-1'],
    team: null,
    callCentreLocation: null,
    registeredAt: '2026-01-05T09:00:01.000Z',
    updatedAt: '2026-01-05T09:00:01.000Z',
    lastOffset: 1,
    ...over,
  });
}
