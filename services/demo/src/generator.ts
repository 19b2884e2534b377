import { Faker, base, en, en_GB } from '@faker-js/faker';
import {
  CATEGORIES_BY_TYPE,
  DATA_CATEGORIES,
  findPans,
  type CategoryPolicy,
  type DataCategory,
  type DataLocation,
  type EventType,
  type Payload,
  type PolicyPack,
  type SubjectIdentifier,
} from '@custodian/contracts';
import type { LoadedPack } from '@custodian/core';

/*
 * A synthetic but plausible stream of what five councils' systems would publish: contacts, recordings,
 * complaints, payments, visitor sign-ins, CRM profiles and equalities forms. It exists so the platform can
 * be demonstrated and load-tested without real personal data, and it deliberately contains a few broken
 * events that the platform, not the generator, has to catch.
 */

export interface DemoStreamOptions {
  packs: LoadedPack[];
  seed: number;
  /** the first calendar day (UTC) of the stream; events before this instant are not emitted */
  start: Date;
  days: number;
  /** average number of new contacts (record-opening interactions) per council per day; follow-ups come on top */
  perCouncilPerDay: number;
  /** share of emitted events replaced by a broken one (default 0.01) */
  badEventRate?: number;
}

export interface DemoArtifact {
  controller: string;
  store: string;
  locator: string;
  kind: 'files' | 'http';
  /** for files: the size of the stand-in file to write */
  bytes?: number;
}

export interface DemoStream {
  events: unknown[];
  artifacts: DemoArtifact[];
  stats: Record<string, number>;
}

export const BAD_EVENT_KINDS = [
  'missing-event-id',
  'wrong-category',
  'card-number-in-free-text',
  'unknown-field',
  'malformed-occurred-at',
  'unknown-controller',
] as const;
export type BadEventKind = (typeof BAD_EVENT_KINDS)[number];

interface Envelope<T extends EventType = EventType> {
  eventId: string;
  version: 1;
  type: T;
  source: { system: string };
  controller: string;
  occurredAt: string;
  category: DataCategory;
  subject: { identifiers: SubjectIdentifier[] };
  locations: DataLocation[];
  payload: Payload<T>;
}

// ---------------------------------------------------------------------------------------------------------
// Randomness. Structure (counts, timing, lifecycle branches) comes from a PRNG and content from faker, each
// seeded per council, so one council's stream does not change when another pack is added or edited.

function hashSeed(seed: number, label: string): number {
  // FNV-1a over the text only: mixing the number in as well let seed 7 and seed 8 cancel out
  let h = 0x811c9dc5;
  for (const ch of `${seed}:${label}`) {
    h ^= ch.charCodeAt(0);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** mulberry32: small, fast and identical on every platform, which Math.random is not */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [v, w] of entries) {
      r -= w;
      if (r < 0) return v;
    }
    return entries[entries.length - 1]![0];
  }
}

// ---------------------------------------------------------------------------------------------------------
// Geography and services. Faker's en_GB locale has no British surnames or real postcode districts, and a
// DPO looking at the demo notices "Greenfelder, EI3 5KR" at once, so these come from curated lists.

interface Town {
  town: string;
  districts: readonly string[];
  std: string;
}
interface Geo {
  code: string;
  tier: 'county' | 'district' | 'unitary';
  towns: readonly Town[];
  sites: readonly string[];
  callCentres: readonly string[];
}

const GEO: Record<string, Geo> = {
  nottinghamshire: {
    code: 'NCC',
    tier: 'county',
    towns: [
      { town: 'Mansfield', districts: ['NG18', 'NG19'], std: '01623' },
      { town: 'Worksop', districts: ['S80', 'S81'], std: '01909' },
      { town: 'Retford', districts: ['DN22'], std: '01777' },
      { town: 'West Bridgford', districts: ['NG2'], std: '0115' },
      { town: 'Beeston', districts: ['NG9'], std: '0115' },
      { town: 'Hucknall', districts: ['NG15'], std: '0115' },
      { town: 'Arnold', districts: ['NG5'], std: '0115' },
      { town: 'Sutton-in-Ashfield', districts: ['NG17'], std: '01623' },
      { town: 'Carlton', districts: ['NG4'], std: '0115' },
      { town: 'Newark', districts: ['NG24'], std: '01636' },
    ],
    sites: ['County Hall'],
    callCentres: ['county-hall'],
  },
  'north-kesteven': {
    code: 'NKDC',
    tier: 'district',
    towns: [
      { town: 'Sleaford', districts: ['NG34'], std: '01529' },
      { town: 'North Hykeham', districts: ['LN6'], std: '01522' },
      { town: 'Waddington', districts: ['LN5'], std: '01522' },
      { town: 'Branston', districts: ['LN4'], std: '01522' },
      { town: 'Bracebridge Heath', districts: ['LN4'], std: '01522' },
      { town: 'Ruskington', districts: ['NG34'], std: '01526' },
      { town: 'Heckington', districts: ['NG34'], std: '01529' },
      { town: 'Navenby', districts: ['LN5'], std: '01522' },
    ],
    sites: ['Council Offices, Kesteven Street'],
    callCentres: ['kesteven-street'],
  },
  derby: {
    code: 'DCC',
    tier: 'unitary',
    towns: [
      { town: 'Allestree', districts: ['DE22'], std: '01332' },
      { town: 'Chaddesden', districts: ['DE21'], std: '01332' },
      { town: 'Normanton', districts: ['DE23'], std: '01332' },
      { town: 'Mickleover', districts: ['DE3'], std: '01332' },
      { town: 'Littleover', districts: ['DE23'], std: '01332' },
      { town: 'Alvaston', districts: ['DE24'], std: '01332' },
      { town: 'Sinfin', districts: ['DE24'], std: '01332' },
      { town: 'Spondon', districts: ['DE21'], std: '01332' },
      { town: 'Derby', districts: ['DE1', 'DE22', 'DE23'], std: '01332' },
    ],
    sites: ['The Council House', 'The Council House', 'Derby Register Office'],
    callCentres: ['council-house'],
  },
  'newark-sherwood': {
    code: 'NSDC',
    tier: 'district',
    towns: [
      { town: 'Newark', districts: ['NG24'], std: '01636' },
      { town: 'Balderton', districts: ['NG24'], std: '01636' },
      { town: 'Southwell', districts: ['NG25'], std: '01636' },
      { town: 'Collingham', districts: ['NG23'], std: '01636' },
      { town: 'Ollerton', districts: ['NG22'], std: '01623' },
      { town: 'Edwinstowe', districts: ['NG21'], std: '01623' },
      { town: 'Rainworth', districts: ['NG21'], std: '01623' },
      { town: 'Clipstone', districts: ['NG21'], std: '01623' },
      { town: 'Blidworth', districts: ['NG21'], std: '01623' },
    ],
    sites: ['Castle House'],
    callCentres: ['castle-house', 'kelham-hall'],
  },
  durham: {
    code: 'DURH',
    tier: 'unitary',
    towns: [
      { town: 'Durham', districts: ['DH1'], std: '0191' },
      { town: 'Chester-le-Street', districts: ['DH2', 'DH3'], std: '0191' },
      { town: 'Consett', districts: ['DH8'], std: '01207' },
      { town: 'Stanley', districts: ['DH9'], std: '01207' },
      { town: 'Bishop Auckland', districts: ['DL14'], std: '01388' },
      { town: 'Newton Aycliffe', districts: ['DL5'], std: '01325' },
      { town: 'Spennymoor', districts: ['DL16'], std: '01388' },
      { town: 'Seaham', districts: ['SR7'], std: '0191' },
      { town: 'Peterlee', districts: ['SR8'], std: '0191' },
      { town: 'Barnard Castle', districts: ['DL12'], std: '01833' },
    ],
    sites: ['County Hall'],
    callCentres: ['county-hall'],
  },
};

function geoFor(council: string): Geo {
  const known = GEO[council];
  if (known) return known;
  // Ofcom keeps 01632 for drama, so an unknown council gets numbers that reach nobody.
  const code = council.split('-').map((w) => w[0]!.toUpperCase()).join('') + 'C';
  return {
    code,
    tier: 'unitary',
    towns: [{ town: 'Anytown', districts: ['AB1', 'AB2'], std: '01632' }],
    sites: ['Civic Centre'],
    callCentres: ['civic-centre'],
  };
}

const FIRST_NAMES = [
  'Oliver', 'George', 'Harry', 'Jack', 'Jacob', 'Noah', 'Charlie', 'Muhammad', 'Thomas', 'Oscar', 'William',
  'James', 'Alfie', 'Henry', 'Joshua', 'Freddie', 'Archie', 'Ethan', 'Daniel', 'Samuel', 'Joseph', 'Adam',
  'Lewis', 'Ryan', 'Liam', 'Connor', 'Callum', 'Kieran', 'Dean', 'Gary', 'Paul', 'Mark', 'David', 'Steven',
  'Andrew', 'Ian', 'Kevin', 'Graham', 'Keith', 'Brian', 'Colin', 'Derek', 'Trevor', 'Stuart', 'Craig', 'Darren',
  'Wayne', 'Amit', 'Rajesh', 'Tomasz', 'Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Lily', 'Isabella', 'Rosie',
  'Sophia', 'Grace', 'Freya', 'Emily', 'Ella', 'Poppy', 'Charlotte', 'Evie', 'Jessica', 'Sophie', 'Chloe',
  'Emma', 'Hannah', 'Lauren', 'Rebecca', 'Sarah', 'Laura', 'Gemma', 'Kelly', 'Nicola', 'Claire', 'Joanne',
  'Lisa', 'Karen', 'Susan', 'Julie', 'Tracey', 'Sharon', 'Angela', 'Margaret', 'Patricia', 'Jean', 'Brenda',
  'Sheila', 'Maureen', 'Pauline', 'Priya', 'Aisha', 'Fatima', 'Zainab', 'Agnieszka', 'Siobhan', 'Leanne',
] as const;

const SURNAMES = [
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright',
  'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Patel',
  'Khan', 'Lewis', 'James', 'Phillips', 'Mason', 'Mitchell', 'Turner', 'Hill', 'Cooper', 'Ward', 'Morris',
  'Moore', 'King', 'Harrison', 'Baker', 'Allen', 'Scott', 'Young', 'Hughes', 'Edwards', 'Bell', 'Bailey',
  'Parker', 'Kelly', 'Carter', 'Shaw', 'Cook', 'Richardson', 'Marshall', 'Hussain', 'Ali', 'Ahmed', 'Begum',
  'Singh', 'Kaur', 'Sharma', 'Kowalski', 'Nowak', "O'Brien", 'Murphy', 'Walsh', 'Simpson', 'Atkinson', 'Dixon',
  'Harper', 'Fletcher', 'Holmes', 'Barker', 'Hudson', 'Chapman', 'Pearson', 'Hewitt', 'Bradley', 'Bates',
  'Gibson', 'Lowe', 'Brooks', 'Foster', 'Greenwood', 'Stevenson', 'Burton', 'Dawson', 'Hammond', 'Naylor',
  'Pickering', 'Hardy', 'Charlton', 'Robson', 'Armstrong', 'Dodds', 'Milburn', 'Elliott', 'Storey',
] as const;

const EMAIL_PROVIDERS = [
  ['gmail.com', 30], ['hotmail.co.uk', 14], ['outlook.com', 12], ['yahoo.co.uk', 8], ['btinternet.com', 8],
  ['icloud.com', 7], ['sky.com', 4], ['live.co.uk', 4], ['aol.com', 2], ['virginmedia.com', 3],
] as const;

const CONTRACTOR_TRADES = [
  'Electrical Ltd', 'Building Services Ltd', '& Sons', 'Facilities Management Ltd', 'Plumbing & Heating',
  'Security Ltd', 'Lift Services Ltd', 'IT Solutions Ltd', 'Cleaning Services', 'Roofing Ltd',
] as const;

type Tier = Geo['tier'];
interface ServiceDef {
  name: string;
  tiers: readonly Tier[];
  housing?: boolean;
  enquiries: readonly string[];
  complaints: readonly string[];
  compliments?: readonly string[];
  outcomes: readonly string[];
  /** what a payment for this service looks like; absent: the service takes no payments */
  payment?: { pence: readonly [number, number]; reference: (f: Faker, r: Rng) => string };
}

const ALL: readonly Tier[] = ['county', 'district', 'unitary'];
const UPPER: readonly Tier[] = ['county', 'unitary'];
const LOWER: readonly Tier[] = ['district', 'unitary'];

const SERVICES: readonly ServiceDef[] = [
  {
    name: 'Council tax',
    tiers: LOWER,
    enquiries: [
      'Moving out of {street} at the end of the month and asks for a final bill.',
      'Asks whether she qualifies for the single person discount now her partner has moved out.',
      'Received a reminder notice but says the direct debit was set up last month.',
      'Wants to spread this year\'s council tax over 12 instalments instead of 10.',
      'Asks why the property on {street} has been placed in band C.',
    ],
    complaints: [
      'Says the direct debit was taken twice this month and nobody has returned his calls.',
      'Unhappy that a summons was issued while a payment arrangement was being agreed.',
    ],
    outcomes: ['Final bill issued.', 'Discount applied from the date of change.', 'Instalments re-profiled.', 'Band explained; signposted to the Valuation Office Agency.'],
    payment: { pence: [4_500, 24_000], reference: (_f, r) => `Council tax account ${r.int(30_000_000, 69_999_999)}` },
  },
  {
    name: 'Waste and recycling',
    tiers: LOWER,
    enquiries: [
      'Green bin not collected on {street} for the second week running.',
      'Asks for a replacement blue-lidded recycling bin; the old one was damaged by the lorry.',
      'Wants to book a bulky waste collection for a sofa and a fridge freezer.',
      'Reports fly-tipping in the lay-by near {street}.',
      'Asks for an assisted collection as she can no longer pull the bin to the kerb after a hip operation.',
    ],
    complaints: [
      'Bins have been missed three times since the route changed and reports were ignored.',
      'Crew left the street covered in litter after collection.',
    ],
    compliments: ['Thanks the crew on {street} for always returning the bin to the property.'],
    outcomes: ['Missed collection logged; crew to return within 48 hours.', 'Replacement bin ordered.', 'Bulky collection booked.', 'Passed to the enforcement team.'],
    payment: { pence: [2_500, 6_000], reference: (f) => `Bulky waste collection ${f.string.alpha({ length: 2, casing: 'upper' })}${f.string.numeric(6)}` },
  },
  {
    name: 'Garden waste',
    tiers: LOWER,
    enquiries: ['Asks when the garden waste subscription renews and whether a second bin can be added.'],
    complaints: ['Paid for garden waste in March and the bin has not been emptied since August.'],
    outcomes: ['Subscription details confirmed.', 'Second bin added to the account.'],
    payment: { pence: [4_000, 5_500], reference: (f) => `Garden waste subscription GW${f.string.numeric(6)}` },
  },
  {
    name: 'Housing repairs',
    tiers: LOWER,
    housing: true,
    enquiries: [
      'Reports damp and mould in the back bedroom of the flat on {street}.',
      'Boiler not working; no heating or hot water since yesterday.',
      'Kitchen tap leaking under the sink; asks for a plumber.',
      'Front door will not lock after a break-in last night; police have given a crime number.',
    ],
    complaints: [
      'Repair to a leaking roof reported in the summer is still outstanding.',
      'Contractor did not turn up to two booked appointments.',
    ],
    compliments: ['Praises the operative who fixed the boiler the same day.'],
    outcomes: ['Emergency repair raised.', 'Routine repair booked.', 'Damp and mould survey booked.'],
  },
  {
    name: 'Housing options',
    tiers: LOWER,
    housing: true,
    enquiries: [
      'Has been served a section 21 notice and is worried about becoming homeless.',
      'Asks about her position on the housing register.',
    ],
    complaints: ['Unhappy with the banding decision on his housing application.'],
    outcomes: ['Referred to a housing options officer.', 'Banding explained.'],
  },
  {
    name: 'Planning',
    tiers: LOWER,
    enquiries: [
      'Objects to the two-storey extension proposed at {n} {street}.',
      'Asks whether a rear conservatory needs planning permission.',
      'Reports building work without permission at the end of {street}.',
    ],
    complaints: ['Says neighbours were not notified about the application next door.'],
    outcomes: ['Comment logged against the application.', 'Advice given on permitted development.', 'Passed to planning enforcement.'],
    payment: { pence: [25_800, 52_800], reference: (f, r) => `Planning application ${r.int(24, 26)}/${f.string.numeric(5)}/FUL` },
  },
  {
    name: 'Parking',
    tiers: ALL,
    enquiries: ['Appeals a penalty charge notice issued on {street}; says the pay-and-display ticket was on the dashboard.', 'Asks how to apply for a residents\' parking permit.'],
    complaints: ['Says a civil enforcement officer was rude when issuing a ticket.'],
    outcomes: ['Appeal acknowledged.', 'Permit application link sent.'],
    payment: { pence: [3_500, 7_000], reference: (f) => `PCN ${f.string.alpha({ length: 2, casing: 'upper' })}${f.string.numeric(8)}` },
  },
  {
    name: 'Benefits',
    tiers: LOWER,
    enquiries: ['Asks about council tax support after losing his job.', 'Wants to know why her housing benefit has been suspended.'],
    complaints: ['Claim has taken more than six weeks to assess.'],
    outcomes: ['Claim form sent.', 'Reason for suspension explained.'],
  },
  {
    name: 'Adult social care',
    tiers: UPPER,
    enquiries: [
      'Daughter asking about a care needs assessment for her mother, who lives alone in {town}.',
      'Asks how the contribution towards home care is worked out.',
      'Asks for a carer\'s assessment; he looks after his wife, who has dementia.',
    ],
    complaints: ['Unhappy that the home care visits are often late and shorter than agreed.'],
    outcomes: ['Referred for a Care Act assessment.', 'Financial assessment booked.', 'Carer\'s assessment booked.'],
    payment: { pence: [2_000, 30_000], reference: (f) => `Care contribution ${f.string.alpha({ length: 3, casing: 'upper' })}${f.string.numeric(6)}` },
  },
  {
    name: "Children's services",
    tiers: UPPER,
    enquiries: [
      'Asks about free early education for her two-year-old.',
      'Wants information on becoming a foster carer.',
      'Asks about support for a child with special educational needs.',
    ],
    complaints: ['Unhappy with how long the education, health and care plan is taking.'],
    outcomes: ['Information sent.', 'Referred to the fostering team.', 'Passed to the SEND team.'],
  },
  {
    name: 'Highways',
    tiers: UPPER,
    enquiries: ['Reports a deep pothole outside {n} {street}.', 'Street light not working on {street} for a week.', 'Asks for a dropped kerb outside the house.'],
    complaints: ['Pothole reported twice has now damaged a tyre.'],
    compliments: ['Thanks the gritting crews for clearing {street} before the school run.'],
    outcomes: ['Inspection raised.', 'Repair ordered.', 'Dropped kerb application sent.'],
    payment: { pence: [12_000, 45_000], reference: (f) => `Dropped kerb application HW${f.string.numeric(6)}` },
  },
  {
    name: 'Libraries',
    tiers: UPPER,
    enquiries: ['Asks about renewing books online.', 'Asks whether the library in {town} has a reading group.'],
    complaints: [],
    compliments: ['Says the staff at {town} library were very helpful with her CV.'],
    outcomes: ['Information given.'],
  },
  {
    name: 'Blue badge',
    tiers: UPPER,
    enquiries: ['Asks about applying for a blue badge after a stroke.', 'Badge expires next month; asks how to renew.'],
    complaints: ['Application has been waiting twelve weeks.'],
    outcomes: ['Application form sent.', 'Renewal reminder set.'],
    payment: { pence: [1_000, 1_000], reference: (f) => `Blue badge ${f.string.alpha({ length: 2, casing: 'upper' })}${f.string.numeric(6)}` },
  },
  {
    name: 'Registrars',
    tiers: UPPER,
    enquiries: ['Wants to book an appointment to register a birth.', 'Asks for a copy of a death certificate.'],
    complaints: [],
    outcomes: ['Appointment booked.', 'Certificate ordered.'],
    payment: { pence: [1_250, 3_800], reference: (f) => `Certificate order RG${f.string.numeric(6)}` },
  },
  {
    name: 'Environmental health',
    tiers: LOWER,
    enquiries: ['Reports a neighbour\'s dog barking through the night.', 'Reports rats in the garden backing onto the allotments.'],
    complaints: ['Noise complaint made a month ago has not been followed up.'],
    outcomes: ['Noise diary sheets sent.', 'Pest control visit booked.'],
    payment: { pence: [4_500, 9_000], reference: (f) => `Pest control treatment PC${f.string.numeric(6)}` },
  },
  {
    name: 'Careline',
    tiers: ['district'],
    enquiries: ['Asks about a Careline pendant alarm for his father after a fall.'],
    complaints: [],
    outcomes: ['Installation booked.'],
  },
];

function servicesFor(tier: Tier): readonly ServiceDef[] {
  return SERVICES.filter((s) => s.tiers.includes(tier));
}

const EQUALITIES_ANSWERS: Record<string, ReadonlyArray<readonly [string, number]>> = {
  'age-band': [['16-24', 9], ['25-34', 16], ['35-44', 17], ['45-54', 17], ['55-64', 16], ['65-74', 13], ['75+', 8], ['Prefer not to say', 4]],
  sex: [['Female', 52], ['Male', 44], ['Prefer not to say', 4]],
  ethnicity: [['White British', 72], ['White other', 6], ['Asian or Asian British', 10], ['Black or Black British', 4], ['Mixed', 3], ['Other', 1], ['Prefer not to say', 4]],
  disability: [['No', 76], ['Yes', 18], ['Prefer not to say', 6]],
  religion: [['No religion', 42], ['Christian', 40], ['Muslim', 8], ['Sikh', 3], ['Hindu', 2], ['Other', 1], ['Prefer not to say', 4]],
  'sexual-orientation': [['Heterosexual', 84], ['Gay or lesbian', 3], ['Bisexual', 3], ['Prefer not to say', 10]],
};

// ---------------------------------------------------------------------------------------------------------
// People

interface Person {
  first: string;
  last: string;
  email?: string;
  phone: string;
  address: { lines: string[]; postcode: string };
  dob: string;
  customerRef?: string;
  records: number;
}

/** Regenerates until the text has no card number in it: only the deliberately bad event may carry one. */
function panFree(gen: () => string): string {
  for (let i = 0; i < 100; i++) {
    const s = gen();
    if (findPans(s).length === 0) return s;
  }
  throw new Error('could not generate a value without a card-number-like digit run');
}

function ukPostcode(f: Faker, district: string): string {
  // the inward code never uses C, I, K, M, O or V (Royal Mail)
  const letters = 'ABDEFGHJLNPQRSTUWXYZ';
  return `${district} ${f.number.int({ min: 1, max: 9 })}${f.helpers.arrayElement([...letters])}${f.helpers.arrayElement([...letters])}`;
}

function ukPhone(f: Faker, r: Rng, std: string): string {
  return panFree(() => {
    const mobile = r.chance(0.65);
    const international = r.chance(0.2);
    if (mobile) {
      const rest = `${f.number.int({ min: 4, max: 9 })}${f.string.numeric(2)} ${f.string.numeric(6)}`;
      return international ? `+44 7${rest}` : `07${rest}`;
    }
    const local = std.length === 4 ? `${f.number.int({ min: 2, max: 9 })}${f.string.numeric(2)} ${f.string.numeric(4)}` : `${f.number.int({ min: 2, max: 9 })}${f.string.numeric(5)}`;
    return international ? `+44 ${std.slice(1)} ${local}` : `${std} ${local}`;
  });
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function makePerson(ctx: CouncilCtx, emails: Set<string>): Person {
  const { faker: f, rng: r, geo } = ctx;
  const first = f.helpers.arrayElement(FIRST_NAMES);
  const last = f.helpers.arrayElement(SURNAMES);
  const town = f.helpers.arrayElement(geo.towns);
  const street = f.helpers.arrayElement(f.definitions.location.street_name);
  const house = r.chance(0.12) ? `Flat ${f.number.int({ min: 1, max: 24 })}, ${f.number.int({ min: 1, max: 120 })}` : `${f.number.int({ min: 1, max: 180 })}`;
  let email: string | undefined;
  if (r.chance(0.8)) {
    const local = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
    const provider = r.weighted(EMAIL_PROVIDERS);
    let candidate = r.chance(0.35) ? `${local}${f.number.int({ min: 1, max: 99 })}@${provider}` : `${local}@${provider}`;
    // two residents sharing an address would be linked as one person, which is a different demo
    while (emails.has(candidate)) candidate = `${local}${f.number.int({ min: 1, max: 999 })}@${provider}`;
    emails.add(candidate);
    email = candidate;
  }
  const age = r.int(18, 92);
  const dob = isoDate(Date.UTC(new Date(ctx.startMs).getUTCFullYear() - age, r.int(0, 11), r.int(1, 28)));
  return {
    first,
    last,
    email,
    phone: ukPhone(f, r, town.std),
    address: { lines: [`${house} ${street}`, town.town], postcode: ukPostcode(f, r.pick(town.districts)) },
    dob,
    records: 0,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Per-council generation

interface Draft {
  at: number;
  order: number;
  event: Envelope;
}

interface CouncilCtx {
  council: string;
  pack: PolicyPack;
  geo: Geo;
  faker: Faker;
  rng: Rng;
  policies: Map<DataCategory, CategoryPolicy>;
  services: readonly ServiceDef[];
  people: Person[];
  startMs: number;
  endMs: number;
  /** UTC midnight of the first day */
  baseMs: number;
  drafts: Draft[];
  counters: Map<string, number>;
  artifacts: Map<string, DemoArtifact>;
  calls?: { teams: string[]; locationOf: (team: string) => string; system: string; pauses: Set<'payment' | 'transfer'> };
  chats?: { teams: string[]; locationOf: (team: string) => string; provider: string };
}

const MINUTE = 60_000;
/** stand-in size of a case record exported as a file, for packs that keep such records in a files store */
const RECORD_BYTES = 1_024;
const DAY = 86_400_000;

function ref(ctx: CouncilCtx, kind: string, width = 6): string {
  const n = (ctx.counters.get(kind) ?? 0) + 1;
  ctx.counters.set(kind, n);
  return `${ctx.geo.code}-${kind}-${String(n).padStart(width, '0')}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function isWeekend(ms: number): boolean {
  const d = new Date(ms).getUTCDay();
  return d === 0 || d === 6;
}

/** A time on the given calendar day: office hours for staffed channels, most of the waking day for online ones. */
function timeOn(ctx: CouncilCtx, dayMs: number, staffed: boolean): number {
  const r = ctx.rng;
  const minute = staffed ? r.int(8 * 60 + 30, 17 * 60) : r.weighted([[r.int(7 * 60, 12 * 60), 3], [r.int(12 * 60, 18 * 60), 4], [r.int(18 * 60, 23 * 60 + 30), 3]] as const);
  return dayMs + minute * MINUTE + r.int(0, 59) * 1000;
}

/** A working-day time `minDays`..`maxDays` after `from`; null once it falls past the end of the stream. */
function later(ctx: CouncilCtx, from: number, minDays: number, maxDays: number): number | null {
  let day = Math.floor((from - ctx.baseMs) / DAY) + ctx.rng.int(minDays, maxDays);
  while (isWeekend(ctx.baseMs + day * DAY)) day++;
  let t = timeOn(ctx, ctx.baseMs + day * DAY, true);
  if (t <= from) t = from + ctx.rng.int(10, 240) * MINUTE;
  return t < ctx.endMs ? t : null;
}

function identifiersOf(ctx: CouncilCtx, p: Person, use: { email?: boolean; phone?: boolean; name?: boolean; postcode?: boolean; dob?: boolean }): SubjectIdentifier[] {
  const ids: SubjectIdentifier[] = [];
  if (use.email && p.email) ids.push({ kind: 'email', value: p.email });
  if (use.phone) ids.push({ kind: 'phone', value: p.phone });
  if (use.name) ids.push({ kind: 'name', value: `${p.first} ${p.last}` });
  if (use.postcode) ids.push({ kind: 'postcode', value: p.address.postcode });
  if (use.dob) ids.push({ kind: 'date-of-birth', value: p.dob });
  // Durham's CRM is the single customer layer, so every system there knows the customer's CRM id
  if (p.customerRef && ctx.policies.has('crm-profile')) ids.push({ kind: 'crm-customer-id', value: p.customerRef });
  if (ids.length === 0) ids.push({ kind: 'name', value: `${p.first} ${p.last}` });
  return ids;
}

function locationsFor(ctx: CouncilCtx, category: DataCategory, key: string, openedAt: number, ext: string, bytes: number): DataLocation[] {
  const policy = ctx.policies.get(category);
  if (!policy) return [];
  const out: DataLocation[] = [];
  const d = new Date(openedAt);
  for (const storeId of policy.stores) {
    const store = ctx.pack.stores.find((s) => s.id === storeId);
    // platform stores are Custodian's own copies: nothing for a council system to point at
    if (!store || store.kind === 'platform') continue;
    const locator = store.kind === 'files' ? `${ctx.council}/${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${key}.${ext}` : key;
    out.push({ store: store.id, locator });
    const id = `${ctx.council}\u0000${store.id}\u0000${locator}`;
    // a command store deletes its own copy when told: there is nothing for the demo to put there
    if (!ctx.artifacts.has(id) && store.kind !== 'command') {
      ctx.artifacts.set(id, store.kind === 'files' ? { controller: ctx.council, store: store.id, locator, kind: 'files', bytes } : { controller: ctx.council, store: store.id, locator, kind: 'http' });
    }
  }
  return out;
}

function emit<T extends EventType>(ctx: CouncilCtx, at: number, type: T, system: string, identifiers: SubjectIdentifier[], locations: DataLocation[], payload: Payload<T>): boolean {
  if (at < ctx.startMs || at >= ctx.endMs) return false;
  const category = CATEGORIES_BY_TYPE[type][0]!;
  const event: Envelope<T> = {
    eventId: '',
    version: 1,
    type,
    source: { system },
    controller: ctx.council,
    occurredAt: iso(at),
    category,
    subject: { identifiers },
    locations,
    payload,
  };
  ctx.drafts.push({ at, order: ctx.drafts.length, event: event as unknown as Envelope });
  return true;
}

function fill(ctx: CouncilCtx, template: string, p: Person): string {
  const street = p.address.lines[0]!.replace(/^(Flat \d+, )?\d+ /, '');
  return template
    .replaceAll('{street}', street)
    .replaceAll('{town}', p.address.lines[p.address.lines.length - 1]!)
    .replaceAll('{n}', String(ctx.faker.number.int({ min: 1, max: 150 })));
}

/** Skewed towards the front of the pool, so some residents are in touch again and again. */
function pickPerson(ctx: CouncilCtx): Person {
  const i = Math.floor(ctx.people.length * Math.pow(ctx.rng.next(), 1.8));
  const p = ctx.people[Math.min(i, ctx.people.length - 1)]!;
  p.records++;
  return p;
}

function pickService(ctx: CouncilCtx, want: (s: ServiceDef) => boolean): ServiceDef {
  const options = ctx.services.filter(want);
  return ctx.rng.pick(options.length ? options : ctx.services);
}

const SPECIAL_CATEGORY_ASIDES = [
  ' Mentions she is registered disabled and uses a wheelchair.',
  ' Says he has been in hospital with his heart and is behind with everything.',
  ' Mentions depression and finds phone calls difficult.',
];

function summaryFor(ctx: CouncilCtx, s: ServiceDef, p: Person, kind: 'enquiry' | 'complaint' | 'compliment' | 'comment'): string {
  const r = ctx.rng;
  const pool = kind === 'enquiry' ? s.enquiries : kind === 'complaint' ? s.complaints : kind === 'compliment' ? (s.compliments ?? []) : [];
  const base = pool.length ? r.pick(pool) : kind === 'comment' ? `Suggests the ${s.name.toLowerCase()} pages on the website are hard to find.` : r.pick(s.enquiries);
  // special-category data arrives only when people volunteer it (all five notices say so)
  const aside = kind !== 'compliment' && r.chance(0.04) ? r.pick(SPECIAL_CATEGORY_ASIDES) : '';
  return fill(ctx, base, p) + aside;
}

type Channel = Payload<'contact.received'>['channel'];

function contactDetails(ctx: CouncilCtx, p: Person, channel: Channel, withDob: boolean) {
  const r = ctx.rng;
  const email = p.email && (channel === 'email' || channel === 'web-form' || channel === 'webchat' || r.chance(0.4)) ? p.email : undefined;
  const phone = channel === 'phone' || !email || r.chance(0.6) ? p.phone : undefined;
  const address = channel === 'letter' || r.chance(0.55) ? p.address : undefined;
  return {
    contact: {
      name: `${p.first} ${p.last}`,
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
      ...(address ? { address: { lines: [...address.lines], postcode: address.postcode } } : {}),
      ...(withDob ? { dateOfBirth: p.dob } : {}),
    },
    ids: identifiersOf(ctx, p, { email: !!email, phone: !!phone, name: true, postcode: !!address, dob: withDob }),
  };
}

function recordsDob(ctx: CouncilCtx, category: DataCategory): boolean {
  const policy = ctx.policies.get(category);
  return !!policy && policy.personalData.some((d) => /birth/i.test(d));
}

/** A call recording; `payment` puts a PCI pause in it and `linkedCaseRef` ties it to a case. */
function recordCall(ctx: CouncilCtx, at: number, p: Person, opts: { linkedCaseRef?: string; payment?: boolean; team?: string } = {}): boolean {
  const calls = ctx.calls;
  if (!calls) return false;
  const r = ctx.rng;
  const team = opts.team ?? calls.teams[0]!;
  const recordingId = ref(ctx, 'REC', 7);
  const direction = opts.linkedCaseRef || r.chance(0.85) ? 'inbound' : 'outbound';
  let duration = Math.round(45 + Math.pow(r.next(), 2) * 1_100);
  const pauses: Payload<'call.recorded'>['pauses'] = [];
  if (opts.payment && calls.pauses.has('payment')) {
    const from = r.int(20, Math.max(21, Math.floor(duration * 0.6)));
    const to = from + r.int(45, 150);
    duration = Math.max(duration, to + r.int(10, 60));
    pauses.push({ reason: 'payment', fromSecond: from, toSecond: to });
  }
  let transferredAway = false;
  if (calls.pauses.has('transfer') && !opts.payment && r.chance(0.08)) {
    // recording ceases when the call leaves a recorded team, so the recording ends at the transfer
    const from = r.int(30, Math.max(31, duration - 10));
    pauses.push({ reason: 'transfer', fromSecond: from });
    duration = from;
    transferredAway = true;
  }
  const startedAt = at - duration * 1000;
  const ids = identifiersOf(ctx, p, { phone: true, name: !!opts.linkedCaseRef });
  return emit(ctx, at, 'call.recorded', calls.system, ids, locationsFor(ctx, 'call-recording', recordingId, at, 'wav', 44 + duration * 16), {
    recordingId,
    direction,
    callerNumber: p.phone,
    transferredAway,
    team,
    callCentreLocation: calls.locationOf(team),
    startedAt: iso(startedAt),
    durationSeconds: duration,
    pauses,
    ...(opts.linkedCaseRef ? { linkedCaseRef: opts.linkedCaseRef } : {}),
  });
}

function recordChat(ctx: CouncilCtx, at: number, p: Person, s: ServiceDef, linkedCaseRef?: string): boolean {
  const chats = ctx.chats;
  if (!chats) return false;
  const r = ctx.rng;
  const chatId = ref(ctx, 'CHAT', 7);
  const team = s.housing && chats.teams.some((t) => /housing/.test(t)) ? chats.teams.find((t) => /housing/.test(t))! : chats.teams[0]!;
  const duration = r.int(180, 1_500);
  const gaveEmail = !!p.email && r.chance(0.7);
  const session = panFree(() => `${chats.provider}-${ctx.faker.string.alphanumeric({ length: 16, casing: 'lower' })}`);
  const ids: SubjectIdentifier[] = [{ kind: 'chat-session', value: session }, ...identifiersOf(ctx, p, { email: gaveEmail, name: gaveEmail })];
  const opening = fill(ctx, r.pick(s.enquiries), p);
  const transcriptExcerpt = [
    `Advisor: Hello, you're through to ${ctx.pack.council}. How can I help?`,
    `Visitor: Hi, I'm ${p.first}. ${opening}`,
    `Advisor: Thanks ${p.first}, let me look into that for you.`,
    gaveEmail ? `Visitor: My email is ${p.email}.` : 'Visitor: Thank you.',
  ].join('\n');
  return emit(ctx, at, 'webchat.recorded', `${chats.provider}-webchat`, ids, locationsFor(ctx, 'webchat-recording', chatId, at, 'json', transcriptExcerpt.length), {
    chatId,
    provider: chats.provider,
    transcriptExcerpt,
    team,
    callCentreLocation: chats.locationOf(team),
    startedAt: iso(at - duration * 1000),
    durationSeconds: duration,
    pauses: [],
    ...(linkedCaseRef ? { linkedCaseRef } : {}),
  });
}

function channelFor(ctx: CouncilCtx, weekend: boolean): Channel {
  const options: Array<readonly [Channel, number]> = weekend
    ? [['web-form', 6], ['email', 4]]
    : [['phone', 40], ['email', 18], ['web-form', 24], ['face-to-face', 6], ['letter', 2], ['social-media', 2], ...(ctx.chats ? ([['webchat', 10]] as const) : [])];
  return ctx.rng.weighted(options);
}

function enquiry(ctx: CouncilCtx, dayMs: number, weekend: boolean): boolean {
  const r = ctx.rng;
  const channel = channelFor(ctx, weekend);
  const staffed = channel === 'phone' || channel === 'face-to-face' || channel === 'webchat';
  const at = timeOn(ctx, dayMs, staffed);
  const p = pickPerson(ctx);
  const s = pickService(ctx, () => true);
  // Nottinghamshire's notice: date of birth only when the contact is about children's services
  const withDob = s.name === "Children's services" && recordsDob(ctx, 'enquiry');
  const caseRef = ref(ctx, 'ENQ');
  const { contact, ids } = contactDetails(ctx, p, channel, withDob);
  const locations = locationsFor(ctx, 'enquiry', caseRef, at, 'json', RECORD_BYTES);
  if (!emit(ctx, at, 'contact.received', 'crm', ids, locations, { caseRef, channel, service: s.name, summary: summaryFor(ctx, s, p, 'enquiry'), contact })) return false;
  if (channel === 'phone' && ctx.policies.has('call-recording')) recordCall(ctx, at + r.int(1, 4) * MINUTE, p, { linkedCaseRef: caseRef, team: teamFor(ctx, s) });
  if (channel === 'webchat') recordChat(ctx, at + r.int(1, 3) * MINUTE, p, s, caseRef);
  let last = at;
  if (r.chance(0.35)) {
    const t = later(ctx, last, 0, 4);
    if (t === null) return true;
    const moved = r.chance(0.2);
    const update: Payload<'contact.updated'> = moved
      ? { caseRef, summary: 'Customer phoned back with a new contact number.', contact: { phone: p.phone } }
      : { caseRef, summary: r.pick(['Officer visited; further information requested.', 'Customer chased for an update.', 'Passed to the service team.', 'Customer sent photographs by email.']) };
    emit(ctx, t, 'contact.updated', 'crm', ids, locations, update);
    last = t;
  }
  if (r.chance(0.88)) {
    const t = later(ctx, last, 1, 15);
    if (t !== null) emit(ctx, t, 'contact.closed', 'crm', ids, locations, { caseRef, outcome: r.pick(s.outcomes) });
  }
  return true;
}

function teamFor(ctx: CouncilCtx, s: ServiceDef): string | undefined {
  const teams = ctx.calls?.teams ?? [];
  if (s.name === 'Careline') return teams.find((t) => /careline/.test(t));
  if (s.housing) return teams.find((t) => /housing/.test(t));
  return teams.find((t) => /customer/.test(t)) ?? teams[0];
}

const OMBUDSMAN_REF = (f: Faker) => `${f.string.numeric(2)}-${f.string.numeric(3)}-${f.string.numeric(3)}`;

function complaint(ctx: CouncilCtx, dayMs: number, weekend: boolean): boolean {
  const r = ctx.rng;
  const kind = r.weighted([['complaint', 75], ['compliment', 15], ['comment', 10]] as const);
  const channel = channelFor(ctx, weekend);
  const at = timeOn(ctx, dayMs, channel === 'phone' || channel === 'face-to-face');
  const p = pickPerson(ctx);
  const s = pickService(ctx, (x) => (kind === 'complaint' ? x.complaints.length > 0 : kind === 'compliment' ? !!x.compliments?.length : true));
  const complaintRef = ref(ctx, 'CMP');
  const { contact, ids } = contactDetails(ctx, p, channel, false);
  const locations = locationsFor(ctx, 'complaint', complaintRef, at, 'json', RECORD_BYTES);
  if (!emit(ctx, at, 'complaint.opened', 'complaints', ids, locations, { complaintRef, kind, service: s.name, stage: 1, summary: summaryFor(ctx, s, p, kind), contact })) return false;
  if (channel === 'phone' && ctx.policies.has('call-recording')) recordCall(ctx, at + r.int(1, 4) * MINUTE, p, { linkedCaseRef: complaintRef, team: teamFor(ctx, s) });

  if (kind !== 'complaint') {
    const t = later(ctx, at, 0, 3);
    if (t !== null) emit(ctx, t, 'complaint.closed', 'complaints', ids, locations, { complaintRef, outcome: 'resolved', note: kind === 'compliment' ? 'Passed on to the team and their manager.' : 'Comment shared with the service.' });
    return true;
  }
  let last = at;
  let stage = 1;
  if (r.chance(0.6)) {
    const t = later(ctx, last, 0, 3);
    if (t === null) return true;
    emit(ctx, t, 'complaint.updated', 'complaints', ids, locations, { complaintRef, note: `Acknowledged; passed to ${s.name} for a stage 1 response.` });
    last = t;
  }
  if (r.chance(0.25)) {
    const t = later(ctx, last, 8, 20);
    if (t === null) return true;
    stage = 2;
    emit(ctx, t, 'complaint.updated', 'complaints', ids, locations, { complaintRef, stage: 2, note: 'Customer unhappy with the stage 1 response; escalated to stage 2 for review by a senior manager.' });
    last = t;
  }
  if (!r.chance(0.85)) return true;
  const closedAt = later(ctx, last, stage === 2 ? 10 : 5, stage === 2 ? 30 : 20);
  if (closedAt === null) return true;
  const outcome = r.weighted([['upheld', 25], ['partly-upheld', 25], ['not-upheld', 35], ['resolved', 12], ['withdrawn', 3]] as const);
  emit(ctx, closedAt, 'complaint.closed', 'complaints', ids, locations, { complaintRef, outcome, note: `Stage ${stage} response sent.` });
  if (r.chance(0.03)) {
    const t = later(ctx, closedAt, 3, 15);
    if (t !== null) emit(ctx, t, 'complaint.updated', 'complaints', ids, locations, { complaintRef, reopened: true, note: 'Customer replied with new information; complaint reopened.' });
    return true;
  }
  // the Ombudsman normally takes a complaint only once the council's own process is exhausted (stage 2)
  const unhappy = outcome === 'not-upheld' || outcome === 'partly-upheld';
  if (unhappy && r.chance(stage === 2 ? 0.5 : 0.03)) {
    const t = later(ctx, closedAt, 5, 25);
    if (t !== null) {
      emit(ctx, t, 'complaint.escalated', 'complaints', ids, locations, {
        complaintRef,
        to: s.housing ? 'housing-ombudsman' : 'local-government-and-social-care-ombudsman',
        ombudsmanRef: OMBUDSMAN_REF(ctx.faker),
      });
    }
  }
  return true;
}

function cardFor(ctx: CouncilCtx): Payload<'payment.taken'>['card'] {
  const f = ctx.faker;
  return {
    token: panFree(() => `tok_${f.string.alphanumeric(24)}`),
    last4: f.string.numeric(4),
    scheme: ctx.rng.weighted([['visa', 62], ['mastercard', 33], ['amex', 3], ['maestro', 2]] as const),
  };
}

function payment(ctx: CouncilCtx, dayMs: number, weekend: boolean): boolean {
  const r = ctx.rng;
  const s = pickService(ctx, (x) => !!x.payment);
  if (!s.payment) return false;
  const channel: Channel = weekend ? 'web-form' : r.weighted([['web-form', 55], ['phone', 35], ['face-to-face', 10]] as const);
  const at = timeOn(ctx, dayMs, channel !== 'web-form');
  const p = pickPerson(ctx);
  const paymentRef = ref(ctx, 'PAY', 7);
  const [lo, hi] = s.payment.pence;
  const amountPence = lo === hi ? lo : Math.round(r.int(lo, hi) / 50) * 50;
  const payer = {
    name: `${p.first} ${p.last}`,
    ...(p.email ? { email: p.email } : {}),
    ...(channel === 'phone' || !p.email ? { phone: p.phone } : {}),
    ...(r.chance(0.5) ? { address: { lines: [...p.address.lines], postcode: p.address.postcode } } : {}),
  };
  const ids = identifiersOf(ctx, p, { email: !!payer.email, phone: !!payer.phone, name: true, postcode: !!payer.address });
  const locations = locationsFor(ctx, 'payment', paymentRef, at, 'json', RECORD_BYTES);
  const reference = panFree(() => s.payment!.reference(ctx.faker, r));
  if (!emit(ctx, at, 'payment.taken', 'paymentgateway', ids, locations, { paymentRef, amountPence, currency: 'GBP', service: s.name, channel, reference, card: cardFor(ctx), payer })) return false;
  // the card details are taken on the recorded line, so this is where PCI pauses matter
  if (channel === 'phone' && ctx.policies.has('call-recording')) recordCall(ctx, at + r.int(1, 3) * MINUTE, p, { payment: true, team: teamFor(ctx, s) });
  if (r.chance(0.04)) {
    const t = later(ctx, at, 2, 14);
    if (t !== null) {
      emit(ctx, t, 'payment.refunded', 'paymentgateway', ids, locations, {
        paymentRef,
        refundRef: ref(ctx, 'RFD'),
        amountPence: r.chance(0.7) ? amountPence : Math.max(50, Math.round(amountPence / 2 / 50) * 50),
        reason: r.pick(['Paid twice in error.', 'Service cancelled.', 'Overpayment at year end.', 'Collection not made.']),
      });
    }
  }
  return true;
}

function standaloneCall(ctx: CouncilCtx, dayMs: number, weekend: boolean): boolean {
  const calls = ctx.calls;
  if (!calls) return false;
  const r = ctx.rng;
  // Careline is a 24-hour alarm service; the other teams keep office hours
  const careline = calls.teams.find((t) => /careline/.test(t));
  if (weekend && !careline) return false;
  const team = weekend ? careline! : r.pick(calls.teams);
  const at = team === careline ? dayMs + r.int(0, 24 * 60 - 1) * MINUTE + r.int(0, 59) * 1000 : timeOn(ctx, dayMs, true);
  const payment = team !== careline && r.chance(0.15);
  return recordCall(ctx, at, pickPerson(ctx), { team, payment });
}

function standaloneChat(ctx: CouncilCtx, dayMs: number, weekend: boolean): boolean {
  if (!ctx.chats || weekend) return false;
  const at = timeOn(ctx, dayMs, true);
  return recordChat(ctx, at, pickPerson(ctx), pickService(ctx, () => true));
}

function visitor(ctx: CouncilCtx, dayMs: number, weekend: boolean): boolean {
  if (weekend) return false;
  const r = ctx.rng;
  const f = ctx.faker;
  const at = timeOn(ctx, dayMs, true);
  const contractor = r.chance(0.4);
  // contractors are not residents in touch with the council; residents visiting come from the pool
  const p: Person = contractor ? makePerson(ctx, new Set()) : pickPerson(ctx);
  const visitId = ref(ctx, 'VIS');
  const host = `${f.helpers.arrayElement(FIRST_NAMES)} ${f.helpers.arrayElement(SURNAMES)}`;
  const gavePhone = r.chance(0.5);
  const ids = identifiersOf(ctx, p, { name: true, phone: gavePhone });
  const out = r.chance(0.9) ? Math.min(at + r.int(20, 240) * MINUTE, dayMs + 19 * 60 * MINUTE) : undefined;
  return emit(ctx, at, 'visitor.signed-in', 'visitor-kiosk', ids, locationsFor(ctx, 'visitor-log', visitId, at, 'json', RECORD_BYTES), {
    visitId,
    site: r.pick(ctx.geo.sites),
    visitorName: `${p.first} ${p.last}`,
    ...(contractor ? { company: `${p.last} ${f.helpers.arrayElement(CONTRACTOR_TRADES)}` } : {}),
    hostName: host,
    ...(r.chance(0.3) ? { vehicleRegistration: f.vehicle.vrm() } : {}),
    ...(out !== undefined ? { signedOutAt: iso(out) } : {}),
  });
}

function crm(ctx: CouncilCtx, dayMs: number, weekend: boolean): boolean {
  const r = ctx.rng;
  const p = pickPerson(ctx);
  const channel: Channel = weekend ? 'web-form' : r.weighted([['web-form', 70], ['phone', 20], ['face-to-face', 10]] as const);
  const at = timeOn(ctx, dayMs, channel !== 'web-form');
  const withDob = recordsDob(ctx, 'crm-profile');
  if (!p.customerRef) {
    const customerRef = ref(ctx, 'CUS', 7);
    const profile = {
      name: `${p.first} ${p.last}`,
      ...(p.email ? { email: p.email } : {}),
      phone: p.phone,
      address: { lines: [...p.address.lines], postcode: p.address.postcode },
      ...(withDob && r.chance(0.7) ? { dateOfBirth: p.dob } : {}),
    };
    p.customerRef = customerRef;
    const ids = identifiersOf(ctx, p, { email: !!p.email, phone: true, name: true, postcode: true, dob: !!profile.dateOfBirth });
    const ok = emit(ctx, at, 'crm.profile.registered', 'crm', ids, locationsFor(ctx, 'crm-profile', customerRef, at, 'json', RECORD_BYTES), { customerRef, profile, channel });
    if (!ok) p.customerRef = undefined;
    return ok;
  }
  const customerRef = p.customerRef;
  const locations = locationsFor(ctx, 'crm-profile', customerRef, at, 'json', RECORD_BYTES);
  if (r.chance(0.06)) {
    const ids = identifiersOf(ctx, p, { email: !!p.email, phone: true, name: true });
    p.customerRef = undefined;
    return emit(ctx, at, 'crm.profile.closed', 'crm', ids, locations, { customerRef, reason: r.weighted([['customer-request', 45], ['inactive', 25], ['duplicate', 20], ['deceased', 8], ['other', 2]] as const) });
  }
  // a changed phone or email is exactly what the platform must still link to the same subject
  const before = identifiersOf(ctx, p, { email: !!p.email, phone: true, name: true });
  const change = r.weighted([['phone', 45], ['address', 35], ['email', 20]] as const);
  const town = r.pick(ctx.geo.towns);
  if (change === 'phone') p.phone = ukPhone(ctx.faker, r, town.std);
  if (change === 'address') {
    p.address = { lines: [`${ctx.faker.number.int({ min: 1, max: 180 })} ${ctx.faker.helpers.arrayElement(ctx.faker.definitions.location.street_name)}`, town.town], postcode: ukPostcode(ctx.faker, r.pick(town.districts)) };
  }
  if (change === 'email') {
    const local = `${p.first}${p.last}`.toLowerCase().replace(/[^a-z]/g, '');
    p.email = `${local}${ctx.faker.number.int({ min: 100, max: 999 })}@${r.weighted(EMAIL_PROVIDERS)}`;
  }
  const profile = {
    name: `${p.first} ${p.last}`,
    ...(change === 'email' ? { email: p.email } : {}),
    ...(change === 'phone' ? { phone: p.phone } : {}),
    ...(change === 'address' ? { address: { lines: [...p.address.lines], postcode: p.address.postcode } } : {}),
  };
  const after = identifiersOf(ctx, p, { email: change === 'email', phone: change === 'phone', postcode: change === 'address' });
  const ids = dedupe([...before, ...after]);
  return emit(ctx, at, 'crm.profile.updated', 'crm', ids, locations, { customerRef, profile });
}

function dedupe(ids: SubjectIdentifier[]): SubjectIdentifier[] {
  const seen = new Set<string>();
  return ids.filter((i) => {
    const k = `${i.kind}\u0000${i.value}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function equalities(ctx: CouncilCtx, dayMs: number): boolean {
  const r = ctx.rng;
  const at = timeOn(ctx, dayMs, false);
  const p = pickPerson(ctx);
  const responseId = ref(ctx, 'EQ');
  const answers: Record<string, string> = {};
  for (const [q, options] of Object.entries(EQUALITIES_ANSWERS)) if (r.chance(0.9)) answers[q] = r.weighted(options);
  // the form asks for an email (so the person can withdraw it) but never a case reference: kept apart by design
  const ids = p.email ? [{ kind: 'email' as const, value: p.email }] : [{ kind: 'postcode' as const, value: p.address.postcode }];
  return emit(ctx, at, 'equalities.monitoring-submitted', 'equalities-survey', ids, locationsFor(ctx, 'equalities-monitoring', responseId, at, 'json', RECORD_BYTES), {
    responseId,
    service: pickService(ctx, () => true).name,
    answers,
  });
}

type Interaction = (ctx: CouncilCtx, dayMs: number, weekend: boolean) => boolean;

const INTERACTIONS: Record<DataCategory, readonly [Interaction, number]> = {
  enquiry: [enquiry, 30],
  'call-recording': [standaloneCall, 22],
  'webchat-recording': [standaloneChat, 8],
  complaint: [complaint, 9],
  payment: [payment, 12],
  'visitor-log': [visitor, 10],
  'crm-profile': [crm, 14],
  'equalities-monitoring': [(ctx, dayMs) => equalities(ctx, dayMs), 4],
};

function recordingSetup(pack: PolicyPack, policies: Map<DataCategory, CategoryPolicy>, geo: Geo): Pick<CouncilCtx, 'calls' | 'chats'> {
  const rules = pack.recording;
  const locations = rules?.locations.length ? rules.locations : [...geo.callCentres];
  // a team sits in one call centre, which is what "authorised managers in each call centre location" relies on
  const locationOf = (teams: string[]) => (team: string) => locations[Math.max(0, teams.indexOf(team)) % locations.length]!;
  const processorOf = (category: DataCategory) =>
    policies.get(category)?.stores.map((id) => pack.stores.find((s) => s.id === id)?.processor).find((p): p is string => !!p);
  const out: Pick<CouncilCtx, 'calls' | 'chats'> = {};
  if (policies.has('call-recording')) {
    const channel = rules?.channels.find((c) => c.channel === 'call');
    const teams = channel?.teams.length ? [...channel.teams] : ['customer-services'];
    const processor = channel?.provider ?? processorOf('call-recording');
    // PCI DSS forbids recording card details whatever the notice says, so payment pauses are the default
    const pauses = new Set(rules ? rules.pausesDuring : (['payment'] as const));
    out.calls = { teams, locationOf: locationOf(teams), system: processor ? `${processor}-telephony` : 'telephony', pauses };
  }
  if (policies.has('webchat-recording')) {
    const channel = rules?.channels.find((c) => c.channel === 'webchat');
    const teams = channel?.teams.length ? [...channel.teams] : ['customer-services'];
    const provider = channel?.provider ?? processorOf('webchat-recording') ?? 'webchat';
    out.chats = { teams, locationOf: locationOf(teams), provider };
  }
  return out;
}

function generateCouncil(lp: LoadedPack, opts: Required<Omit<DemoStreamOptions, 'packs'>>, startMs: number, baseMs: number, endMs: number): CouncilCtx {
  const pack = lp.pack;
  const council = pack.id;
  const policies = new Map(pack.categories.map((c) => [c.id, c] as const));
  const geo = geoFor(council);
  // one faker per council, not the shared fakerEN_GB: its seed is global state another caller could move
  const faker = new Faker({ locale: [en_GB, en, base] });
  faker.seed(hashSeed(opts.seed, `faker:${council}`));
  const ctx: CouncilCtx = {
    council,
    pack,
    geo,
    faker,
    rng: new Rng(hashSeed(opts.seed, `rng:${council}`)),
    policies,
    services: servicesFor(geo.tier),
    people: [],
    startMs,
    endMs,
    baseMs,
    drafts: [],
    counters: new Map(),
    artifacts: new Map(),
    ...recordingSetup(pack, policies, geo),
  };
  const expected = opts.perCouncilPerDay * opts.days;
  const poolSize = Math.max(8, Math.round(expected / 3));
  const emails = new Set<string>();
  for (let i = 0; i < poolSize; i++) ctx.people.push(makePerson(ctx, emails));

  const weights = DATA_CATEGORIES.filter((c) => policies.has(c)).map((c) => INTERACTIONS[c]);
  const channelFrom = (c: 'call' | 'webchat') => pack.recording?.channels.find((x) => x.channel === c)?.from;
  const callsFrom = channelFrom('call');
  const chatsFrom = channelFrom('webchat');
  for (let d = 0; d < opts.days; d++) {
    const dayMs = baseMs + d * DAY;
    const weekend = isWeekend(dayMs);
    // weekdays carry most contact; the factors average to 1 over a week so perCouncilPerDay stays the mean
    const n = Math.round(opts.perCouncilPerDay * (weekend ? 0.5 : 1.2) * (0.8 + 0.4 * ctx.rng.next()));
    const today = isoDate(dayMs);
    for (let i = 0; i < n; i++) {
      for (let attempt = 0; attempt < 6; attempt++) {
        const interaction = ctx.rng.weighted(weights);
        // recording only began on the dates the notice gives (Newark: calls 1 Dec 2021, chat 23 Feb 2022)
        if (interaction === standaloneCall && callsFrom && today < callsFrom) continue;
        if (interaction === standaloneChat && chatsFrom && today < chatsFrom) continue;
        if (interaction(ctx, dayMs, weekend)) break;
      }
    }
  }
  return ctx;
}

// ---------------------------------------------------------------------------------------------------------
// Bad events: made from good ones with their own PRNG, so the good events are identical whatever the rate.

const UNKNOWN_COUNCILS = ['nottingham-city', 'lincolnshire', 'derbyshire', 'bassetlaw', 'darlington'];

function luhnCard(r: Rng): string {
  const digits = (r.chance(0.6) ? '4' : `5${r.int(1, 5)}`).split('').map(Number);
  while (digits.length < 15) digits.push(r.int(0, 9));
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    // positions counted from the check digit: every second one from the right is doubled
    let d = digits[14 - i]!;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  digits.push((10 - (sum % 10)) % 10);
  return digits.join('').replace(/(\d{4})(?=\d)/g, '$1 ');
}

function corrupt(events: Envelope[], rate: number, seed: number, controllers: Set<string>): Map<number, { event: unknown; kind: BadEventKind }> {
  const out = new Map<number, { event: unknown; kind: BadEventKind }>();
  const count = Math.round(events.length * rate);
  if (count === 0) return out;
  const r = new Rng(hashSeed(seed, 'bad-events'));
  const offset = r.int(0, BAD_EVENT_KINDS.length - 1);
  const free = (i: number) => !out.has(i);
  for (let k = 0; k < count; k++) {
    let kind = BAD_EVENT_KINDS[(offset + k) % BAD_EVENT_KINDS.length]!;
    let candidates = events.map((_, i) => i).filter((i) => free(i) && (kind !== 'card-number-in-free-text' || events[i]!.type === 'payment.taken'));
    if (candidates.length === 0) {
      kind = 'unknown-field';
      candidates = events.map((_, i) => i).filter(free);
    }
    if (candidates.length === 0) break;
    const i = r.pick(candidates);
    const e = structuredClone(events[i]!) as unknown as Record<string, unknown> & Envelope;
    switch (kind) {
      case 'missing-event-id':
        delete (e as Partial<Envelope>).eventId;
        break;
      case 'wrong-category': {
        const allowed = CATEGORIES_BY_TYPE[e.type];
        e.category = r.pick(DATA_CATEGORIES.filter((c) => !allowed.includes(c)));
        break;
      }
      case 'card-number-in-free-text': {
        const pan = luhnCard(r);
        const p = e.payload as Payload<'payment.taken'>;
        p.reference = `${p.reference ?? 'Payment'} - paid with ${pan}`;
        // the rest of the event stays consistent with the leaked number, as a real leak would be
        if (p.card) Object.assign(p.card, { last4: pan.slice(-4), scheme: pan.startsWith('4') ? 'visa' : 'mastercard' });
        break;
      }
      case 'unknown-field':
        // the kind of field a CRM upgrade starts sending without anyone changing the contract
        (e.payload as Record<string, unknown>).nationalInsuranceNumber = `QQ ${String(r.int(10, 99))} ${String(r.int(10, 99))} ${String(r.int(10, 99))} C`;
        break;
      case 'malformed-occurred-at': {
        const d = new Date(e.occurredAt);
        const two = (n: number) => String(n).padStart(2, '0');
        e.occurredAt = `${two(d.getUTCDate())}/${two(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
        break;
      }
      case 'unknown-controller': {
        const unknown = UNKNOWN_COUNCILS.filter((c) => !controllers.has(c));
        e.controller = unknown.length ? r.pick(unknown) : `not-${e.controller}`;
        break;
      }
    }
    out.set(i, { event: e, kind });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------

export function generateDemoStream(opts: DemoStreamOptions): DemoStream {
  const badEventRate = opts.badEventRate ?? 0.01;
  if (!Number.isInteger(opts.days) || opts.days < 0) throw new RangeError('days must be a non-negative integer');
  if (!(opts.perCouncilPerDay >= 0) || !Number.isFinite(opts.perCouncilPerDay)) throw new RangeError('perCouncilPerDay must be a non-negative number');
  if (!(badEventRate >= 0 && badEventRate <= 1)) throw new RangeError('badEventRate must be between 0 and 1');
  if (!Number.isFinite(opts.seed)) throw new RangeError('seed must be a finite number');
  const startMs = opts.start.getTime();
  if (Number.isNaN(startMs)) throw new RangeError('start must be a valid date');
  const s = opts.start;
  const baseMs = Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), s.getUTCDate());
  const endMs = baseMs + opts.days * DAY;

  // sorted so the output does not depend on the order the packs were listed in
  const packs = [...opts.packs].sort((a, b) => (a.pack.id < b.pack.id ? -1 : a.pack.id > b.pack.id ? 1 : 0));
  const full = { seed: opts.seed, start: opts.start, days: opts.days, perCouncilPerDay: opts.perCouncilPerDay, badEventRate };
  const councils = packs.map((lp) => generateCouncil(lp, full, startMs, baseMs, endMs));

  const drafts: Array<Draft & { councilIndex: number }> = [];
  councils.forEach((c, councilIndex) => {
    for (const d of c.drafts) drafts.push({ ...d, councilIndex });
  });
  drafts.sort((a, b) => a.at - b.at || a.councilIndex - b.councilIndex || a.order - b.order);

  const seq = new Map<string, number>();
  const good = drafts.map((d) => {
    const n = (seq.get(d.event.controller) ?? 0) + 1;
    seq.set(d.event.controller, n);
    d.event.eventId = `${d.event.controller}-${String(n).padStart(6, '0')}`;
    return d.event;
  });

  const bad = corrupt(good, badEventRate, opts.seed, new Set(packs.map((p) => p.pack.id)));
  const events: unknown[] = good.map((e, i) => bad.get(i)?.event ?? e);

  const stats: Record<string, number> = { events: events.length, bad: bad.size };
  for (const k of BAD_EVENT_KINDS) stats[`bad:${k}`] = 0;
  for (const { kind } of bad.values()) stats[`bad:${kind}`]! += 1;
  for (const e of good) {
    stats[`type:${e.type}`] = (stats[`type:${e.type}`] ?? 0) + 1;
    stats[`controller:${e.controller}`] = (stats[`controller:${e.controller}`] ?? 0) + 1;
  }
  const artifacts = councils.flatMap((c) => [...c.artifacts.values()]);
  stats.artifacts = artifacts.length;
  stats.people = councils.reduce((n, c) => n + c.people.length, 0);
  stats.recurringPeople = councils.reduce((n, c) => n + c.people.filter((p) => p.records >= 2).length, 0);
  return { events, artifacts, stats };
}
