/**
 * Deterministic generators of valid events for the benchmark. Everything is generated before any
 * timing starts. Shapes follow contracts/src/payloads.ts and the five policy packs in
 * contracts/policy-packs (stores and categories each council declares).
 */

/** mulberry32: small, fast, seeded; the bench must not depend on Math.random */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Pat', 'Sam', 'Alex', 'Jo', 'Chris', 'Priya', 'Mohammed', 'Olivia', 'Amelia', 'George', 'Harry', 'Isla', 'Noah', 'Fatima', 'Wei', 'Aoife', 'Ewan', 'Ruth', 'Tomasz', 'Grace'];
const LAST = ['Jones', 'Smith', 'Patel', 'Khan', 'Williams', 'Brown', 'Taylor', 'Davies', 'Evans', 'Wilson', 'Thomas', 'Roberts', 'Walker', 'Wright', 'Nowak', 'Murphy', 'Hughes', 'Green', 'Clarke', 'Hall'];
const STREETS = ['Castle Gate', 'Kelham Road', 'Station Street', 'Mill Lane', 'Church Walk', 'Victoria Street', 'Albert Road', 'London Road'];
const TOWNS = ['Newark', 'Southwell', 'Derby', 'Sleaford', 'Durham', 'Mansfield', 'West Bridgford', 'Ollerton'];
const POSTCODE_AREAS = ['NG24', 'NG25', 'DE1', 'DE22', 'NG34', 'DH1', 'NG18', 'NG2'];
const SERVICES = ['Council tax', 'Waste collection', 'Housing repairs', 'Planning', 'Parking', 'Benefits', 'Environmental health', 'Licensing'];
const SUMMARIES = [
  'Caller asked about their council tax banding after moving house and wanted to know whether a single person discount applies from the date of the move.',
  'Bins were missed on the last two collection days; the resident has a medical condition and asked for an assisted collection to be arranged.',
  'Report of a damp patch spreading on the bedroom ceiling of a council property; tenant asked for an inspection this week if possible.',
  'Question about the progress of a planning application for a rear extension and whether neighbours have objected to it so far.',
  'Request for a resident parking permit for a second vehicle and how long the application usually takes to be processed.',
  'Enquiry about housing benefit backdating after a change of circumstances was reported late because of a hospital stay.',
];
const COMPLAINT_SUMMARIES = [
  'Bins missed three weeks running despite two earlier reports; the resident is unhappy with how the previous calls were handled.',
  'Repairs appointment was cancelled twice without notice and nobody called back as promised; the tenant took two days off work.',
  'Noise from a neighbouring property has continued for months and the complainant feels the council has not acted on the evidence sent.',
];
const TEAMS = ['customer-services', 'revenues', 'housing-options', 'environmental-services'];

export interface Person {
  name: string;
  email: string;
  phone: string;
  dob: string;
  postcode: string;
  address: string[];
}

function pad(n: number, w: number) {
  return String(n).padStart(w, '0');
}

export function makePeople(count: number, rnd: () => number): Person[] {
  const out: Person[] = [];
  for (let i = 0; i < count; i++) {
    const f = FIRST[Math.floor(rnd() * FIRST.length)]!;
    const l = LAST[Math.floor(rnd() * LAST.length)]!;
    const area = POSTCODE_AREAS[i % POSTCODE_AREAS.length]!;
    const letters = 'ABDEFGHJLNPQRSTUWXYZ';
    const pc = `${area} ${1 + (i % 9)}${letters[i % 20]}${letters[Math.floor(i / 20) % 20]}`;
    out.push({
      name: `${f} ${l}`,
      email: `${f}.${l}.${i}@example.org`.toLowerCase(),
      // 11 digits: a UK mobile number shape, too short to read as a card number
      phone: `07${pad(400 + (i % 600), 3)} ${pad(Math.floor(i / 600) % 1_000_000, 6)}`,
      dob: `${1940 + (i % 60)}-${pad(1 + (i % 12), 2)}-${pad(1 + (i % 28), 2)}`,
      postcode: pc,
      address: [`${1 + (i % 180)} ${STREETS[i % STREETS.length]}`, TOWNS[i % TOWNS.length]!],
    });
  }
  return out;
}

type Ev = Record<string, unknown> & { eventId: string; controller: string };

export interface IngestMix {
  events: Ev[];
  /** distinct records the stream opens */
  records: number;
  /** of those, how many must end with a due time (all but complaints still open) */
  recordsWithDue: number;
  byKind: Record<string, number>;
  avgJsonBytes: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The ingest mix across the five councils: Newark & Sherwood call recordings with two locations
 * (8x8 and the recordings files store), enquiries and their follow-ups, complaints opened and later
 * closed, payments with a processor token for Derby and Nottinghamshire (1% with a card number typed
 * into the reference, which those councils accept truncated), Nottinghamshire web chats, Durham CRM
 * profiles. People come from a pool, so identifiers repeat and subject linking finds existing subjects.
 */
export function ingestMix(n: number, now: Date, seed = 42): IngestMix {
  const rnd = prng(seed);
  const people = makePeople(Math.max(500, Math.floor(n / 4)), rnd);
  const nowMs = now.getTime();
  const DAY = 86_400_000;
  const events: Ev[] = [];
  const byKind: Record<string, number> = {};
  let seq = 0;
  let records = 0;
  let openComplaints = 0;
  const complaintsToClose: Array<{ controller: string; ref: string; openedMs: number; who: Person }> = [];
  const enquiriesToFollow: Array<{ controller: string; ref: string; openedMs: number; who: Person }> = [];
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)]!;
  const person = () => people[Math.floor(rnd() * people.length)]!;
  const ids = (p: Person) => {
    const r = rnd();
    // most systems send email + phone; some add name + date of birth; a few only know the phone
    if (r < 0.1) return [{ kind: 'phone', value: p.phone }];
    if (r < 0.3) return [{ kind: 'email', value: p.email }, { kind: 'phone', value: p.phone }, { kind: 'name', value: p.name }, { kind: 'date-of-birth', value: p.dob }];
    return [{ kind: 'email', value: p.email }, { kind: 'phone', value: p.phone }];
  };
  // random hex as tracers make them; letters every few characters so the PAN scanner has no long digit run
  // to read as a card number (see the report: an all-digit stretch in a traceparent can be truncated)
  const hex = (len: number) => {
    let s = '';
    for (let i = 0; i < len; i++) s += i % 4 === 3 ? 'abcdef'[Math.floor(rnd() * 6)] : '0123456789abcdef'[Math.floor(rnd() * 16)];
    return s;
  };
  const trace = () => ({ traceparent: `00-${hex(32)}-${hex(16)}-01` });
  const env = (type: string, controller: string, category: string, atMs: number, who: Person, payload: Record<string, unknown>, locations: Array<{ store: string; locator: string }>) => {
    seq++;
    byKind[`${controller} ${type}`] = (byKind[`${controller} ${type}`] ?? 0) + 1;
    const e: Ev = {
      eventId: `evt-${controller}-${pad(seq, 8)}`,
      type,
      version: 1,
      source: { system: `${controller}-${category}`, instance: 'prod-1' },
      controller,
      occurredAt: iso(atMs),
      subject: { identifiers: ids(who) },
      category,
      locations,
      payload,
      ...(seq % 4 === 0 ? { trace: trace() } : {}),
    };
    events.push(e);
  };
  // occurred within the last 30 days, never in the future
  const past = () => nowMs - Math.floor(rnd() * 30 * DAY) - 60_000;

  while (events.length < n) {
    const r = rnd();
    const who = person();
    if (r < 0.25) {
      // Newark & Sherwood call recording: kept at 8x8 and as a file
      const at = past();
      const id = `NS-REC-${pad(seq, 9)}`;
      const day = iso(at).slice(0, 10).replace(/-/g, '/');
      const loc = rnd() < 0.6 ? 'castle-house' : 'kelham-hall';
      env('call.recorded', 'newark-sherwood', 'call-recording', at, who, {
        recordingId: id,
        direction: rnd() < 0.8 ? 'inbound' : 'outbound',
        callerNumber: who.phone,
        team: pick(TEAMS),
        callCentreLocation: loc,
        startedAt: iso(at),
        durationSeconds: 30 + Math.floor(rnd() * 900),
        pauses: rnd() < 0.3 ? [{ reason: 'payment', fromSecond: 100, toSecond: 160 }] : [],
      }, [
        { store: '8x8', locator: `8x8/${loc}/${id}` },
        { store: 'recordings-files', locator: `${day}/${loc}/${id}.wav` },
      ]);
      records++;
    } else if (r < 0.5) {
      const controller = pick(['derby', 'durham', 'north-kesteven', 'nottinghamshire'] as const);
      const at = past();
      const ref = `ENQ-${controller.slice(0, 3).toUpperCase()}-${pad(seq, 9)}`;
      env('contact.received', controller, 'enquiry', at, who, {
        caseRef: ref,
        channel: pick(['phone', 'email', 'web-form', 'face-to-face'] as const),
        service: pick(SERVICES),
        summary: pick(SUMMARIES),
        contact: { name: who.name, email: who.email, phone: who.phone, address: { lines: who.address, postcode: who.postcode } },
      }, [{ store: 'crm', locator: ref }]);
      records++;
      if (rnd() < 0.4) enquiriesToFollow.push({ controller, ref, openedMs: at, who });
    } else if (r < 0.55 && enquiriesToFollow.length) {
      const q = enquiriesToFollow.shift()!;
      const at = Math.min(nowMs - 1000, q.openedMs + Math.floor(rnd() * 3 * DAY));
      if (rnd() < 0.5) env('contact.updated', q.controller, 'enquiry', at, q.who, { caseRef: q.ref, summary: pick(SUMMARIES) }, [{ store: 'crm', locator: q.ref }]);
      else env('contact.closed', q.controller, 'enquiry', at, q.who, { caseRef: q.ref, outcome: 'Resolved at first contact; no further action needed.' }, [{ store: 'crm', locator: q.ref }]);
    } else if (r < 0.65) {
      const controller = pick(['derby', 'north-kesteven', 'nottinghamshire'] as const);
      const at = past();
      const ref = `CMP-${controller.slice(0, 3).toUpperCase()}-${pad(seq, 9)}`;
      env('complaint.opened', controller, 'complaint', at, who, {
        complaintRef: ref,
        kind: 'complaint',
        service: pick(SERVICES),
        stage: 1,
        summary: pick(COMPLAINT_SUMMARIES),
        contact: { name: who.name, email: who.email, phone: who.phone },
      }, [{ store: 'crm', locator: ref }]);
      records++;
      openComplaints++;
      if (rnd() < 0.7) complaintsToClose.push({ controller, ref, openedMs: at, who });
    } else if (r < 0.73 && complaintsToClose.length) {
      const c = complaintsToClose.shift()!;
      const at = Math.min(nowMs - 1000, c.openedMs + Math.floor(rnd() * 10 * DAY));
      env('complaint.closed', c.controller, 'complaint', at, c.who, { complaintRef: c.ref, outcome: pick(['upheld', 'partly-upheld', 'not-upheld', 'resolved'] as const), note: 'Apology sent and the service team briefed on the missed follow-up.' }, [{ store: 'crm', locator: c.ref }]);
      openComplaints--;
    } else if (r < 0.88) {
      const controller = pick(['derby', 'nottinghamshire'] as const);
      const at = past();
      const ref = `PAY-${controller.slice(0, 3).toUpperCase()}-${pad(seq, 9)}`;
      const withPan = rnd() < 0.01;
      env('payment.taken', controller, 'payment', at, who, {
        paymentRef: ref,
        amountPence: 500 + Math.floor(rnd() * 50_000),
        currency: 'GBP',
        service: pick(['Garden waste permit', 'Parking permit', 'Council tax', 'Bulky waste collection']),
        channel: 'phone',
        // a card number typed into free text by an agent: accepted by these councils, stored truncated
        reference: withPan ? `Card 4111 1111 1111 1111 read out by caller, ref ${ref}` : `Paid by phone, ref ${ref}`,
        card: { token: `tok_${hex(20)}`, last4: pad(seq % 10_000, 4), scheme: pick(['visa', 'mastercard', 'amex'] as const) },
        payer: { name: who.name, email: who.email },
      }, [{ store: 'payments', locator: ref }]);
      records++;
    } else if (r < 0.93) {
      const at = past();
      const id = `C4A-${pad(seq, 9)}`;
      env('webchat.recorded', 'nottinghamshire', 'webchat-recording', at, who, {
        chatId: id,
        provider: 'click4assistance',
        transcriptExcerpt: 'Customer asked how to report a missed bin; agent logged the report and gave the reference.',
        team: 'customer-services',
        callCentreLocation: 'county-hall',
        startedAt: iso(at),
        durationSeconds: 60 + Math.floor(rnd() * 600),
        pauses: [],
      }, [{ store: 'click4assistance', locator: id }]);
      records++;
    } else if (r < 0.97) {
      const controller = rnd() < 0.5 ? 'north-kesteven' : 'nottinghamshire';
      const store = controller === 'north-kesteven' ? 'telephony-recordings' : 'call-recordings';
      const at = past();
      const id = `${controller === 'north-kesteven' ? 'NK' : 'NT'}-REC-${pad(seq, 9)}`;
      env('call.recorded', controller, 'call-recording', at, who, {
        recordingId: id,
        direction: 'inbound',
        callerNumber: who.phone,
        team: pick(TEAMS),
        callCentreLocation: 'council-offices',
        startedAt: iso(at),
        durationSeconds: 30 + Math.floor(rnd() * 900),
        pauses: [],
      }, [{ store, locator: `${iso(at).slice(0, 10)}/${id}.wav` }]);
      records++;
    } else {
      const at = past();
      const ref = `DUR-CUST-${pad(seq, 9)}`;
      env('crm.profile.registered', 'durham', 'crm-profile', at, who, {
        customerRef: ref,
        profile: { name: who.name, email: who.email, phone: who.phone, dateOfBirth: who.dob, address: { lines: who.address, postcode: who.postcode } },
        channel: 'web-form',
      }, [{ store: 'crm', locator: ref }]);
      records++;
    }
  }
  let bytes = 0;
  for (const e of events) bytes += Buffer.byteLength(JSON.stringify(e));
  return { events, records, recordsWithDue: records - openComplaints, byKind, avgJsonBytes: Math.round(bytes / events.length) };
}

/** Newark & Sherwood call recordings held only as files in `recordings-files`; locators cluster by day and site. */
export function recordingsOnlyFiles(m: number, now: Date, seed = 7): { events: Ev[]; locators: string[] } {
  const rnd = prng(seed);
  const people = makePeople(Math.max(500, Math.floor(m / 3)), rnd);
  const events: Ev[] = [];
  const locators: string[] = [];
  const nowMs = now.getTime();
  for (let i = 0; i < m; i++) {
    // within the last day: due 40 days after, so advancing 41 days makes every one due
    const at = nowMs - 60_000 - Math.floor(rnd() * 86_000_000);
    const who = people[Math.floor(rnd() * people.length)]!;
    const id = `NS-REC-D-${pad(i, 9)}`;
    const site = i % 2 ? 'castle-house' : 'kelham-hall';
    // ~500 recordings per folder, like a recorder's day/site/batch layout
    const locator = `${iso(at).slice(0, 10)}/${site}/b${pad(Math.floor(i / 1000), 4)}/${id}.wav`;
    locators.push(locator);
    events.push({
      eventId: `evt-disp-${pad(i, 9)}`,
      type: 'call.recorded',
      version: 1,
      source: { system: 'newark-sherwood-recorder' },
      controller: 'newark-sherwood',
      occurredAt: iso(at),
      subject: { identifiers: [{ kind: 'email', value: who.email }, { kind: 'phone', value: who.phone }] },
      category: 'call-recording',
      locations: [{ store: 'recordings-files', locator }],
      payload: {
        recordingId: id,
        direction: 'inbound',
        callerNumber: who.phone,
        team: 'customer-services',
        callCentreLocation: site,
        startedAt: iso(at),
        durationSeconds: 30 + Math.floor(rnd() * 900),
        pauses: [],
      },
    });
  }
  return { events, locators };
}
