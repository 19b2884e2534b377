import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer } from '@custodian/api';
import { fakeWithTokens, sampleEvent, type FakePlatform } from '@custodian/api/src/test-support/fake-platform';
import type { FastifyInstance } from 'fastify';
import { ApiClient } from './client';
import { auditVerifyCommand, clockAdvanceCommand } from './commands';
import type { Ctx, Io } from './io';
import { run } from './main';
import { publish } from './publish';

let app: FastifyInstance;
let platform: FakePlatform;
let tokens: Awaited<ReturnType<typeof fakeWithTokens>>['tokens'];
let url: string;
let dir: string;
let out: string;
let err: string;

function io(env: Record<string, string | undefined> = {}): Io {
  return { out: (s) => void (out += s), err: (s) => void (err += s), errIsTTY: false, env, cwd: dir };
}
function ctx(token: string, json = false): Ctx {
  return { api: new ApiClient(url, token), io: io(), json };
}
function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

async function serve(simulatedClock: boolean) {
  const f = await fakeWithTokens({ simulatedClock });
  platform = f.platform;
  tokens = f.tokens;
  app = buildServer(platform);
  await app.listen({ host: '127.0.0.1', port: 0 });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

beforeEach(() => {
  out = '';
  err = '';
  dir = mkdtempSync(join(tmpdir(), 'custodian-cli-'));
});
afterEach(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('publish', () => {
  beforeEach(() => serve(false));

  it('streams a JSONL file, sends a bad JSON line as-is, reports by line number and exits 1 when anything was rejected', async () => {
    const good1 = sampleEvent();
    const good2 = sampleEvent();
    const badEvent = { ...sampleEvent(), controller: 'Not A Council' };
    const jsonl = file('events.jsonl', [JSON.stringify(good1), JSON.stringify(good2), '{"eventId": "evt-broken', '', JSON.stringify(badEvent)].join('\r\n') + '\n');

    const code = await publish(ctx(tokens.service), jsonl);

    expect(code).toBe(1);
    expect(out).toContain(`Published 4 events from ${jsonl}: 2 accepted, 0 duplicate, 2 rejected`);
    expect(out).toContain('1 line(s) were not valid JSON (line 3)');
    expect(err).toMatch(/^line 3: not valid JSON; sent as-is → dead letter dl-\d+$/m);
    expect(err).toMatch(/^line 5: controller: must be a council id.* → dead letter dl-\d+$/m);
    // the unparseable line reached the dead-letter store as the text it was
    const letters = await platform.deadLetters({ limit: 10 });
    expect(letters.map((d) => d.original)).toContainEqual('{"eventId": "evt-broken');

    out = '';
    expect(await publish(ctx(tokens.service), jsonl)).toBe(1);
    expect(out).toContain('0 accepted, 2 duplicate, 2 rejected');
  });

  it('posts in batches and exits 0 when everything was accepted; --json gives the summary as JSON', async () => {
    const events = Array.from({ length: 5 }, () => JSON.stringify(sampleEvent()));
    const jsonl = file('ok.jsonl', events.join('\n')); // no final newline: the last line still counts
    const batches: number[] = [];
    const ingest = platform.ingest.bind(platform);
    platform.ingest = async (raw, actor) => {
      batches.push(raw.length);
      return ingest(raw, actor);
    };

    const code = await publish(ctx(tokens.service, true), jsonl, { batchSize: 2 });

    expect(code).toBe(0);
    expect(batches).toEqual([2, 2, 1]);
    expect(JSON.parse(out)).toMatchObject({ lines: 5, events: 5, accepted: 5, duplicates: 0, rejected: 0, invalidJsonLines: [] });
  });

  it('picks the service token from the demo token file', async () => {
    const tokenFile = file('tokens.json', JSON.stringify({ dpo: tokens.dpo, operator: tokens.operator, service: tokens.service }));
    const jsonl = file('one.jsonl', `${JSON.stringify(sampleEvent())}\n`);
    const code = await run(['--url', url, 'publish', jsonl], io({ CUSTODIAN_TOKEN_FILE: tokenFile }));
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toContain('1 accepted');
  });
});

describe('processes', () => {
  it('lists the sweeps the platform ran, newest first', async () => {
    await serve(true);
    platform.sweeps.push({ id: 'retention-sweep-1', kind: 'retention-sweep', status: 'completed', startedAt: '2026-04-10T09:00:00.000Z', closedAt: '2026-04-10T09:00:02.000Z', summary: { disposed: 3 } });
    const code = await run(['--url', url, '--token', tokens.auditor, 'processes', '--kind', 'retention-sweep'], io());
    expect(err).toBe('');
    expect(code).toBe(0);
    expect(out).toBe('2026-04-10T09:00:00.000Z  retention-sweep  completed  retention-sweep-1 disposed 3\n');
  });
});

describe('clock advance', () => {
  it('moves a simulated clock and reports the sweep', async () => {
    await serve(true);
    const before = platform.clock.now();
    expect(await clockAdvanceCommand(ctx(tokens.operator), 'P40D')).toBe(0);
    const now = new Date(before.getTime() + 40 * 86_400_000).toISOString();
    expect(out).toBe(`Clock advanced by P40D: now ${now}\nSweep: started 0, disposed 0, deletion tasks run 0, failed 0\n`);
  });

  it('exits 2 with the server’s explanation when the clock is not simulated', async () => {
    await serve(false);
    const code = await run(['--url', url, '--token', tokens.operator, 'clock', 'advance', 'P40D'], io());
    expect(code).toBe(2);
    expect(err).toContain('the clock is not simulated');
    expect(err).toContain('HTTP 409');
  });

  it('shows the field the server rejected', async () => {
    await serve(true);
    const code = await run(['--url', url, '--token', tokens.operator, 'clock', 'advance', 'forty days'], io());
    expect(code).toBe(2);
    expect(err).toMatch(/HTTP 400 invalid-request\)\n {2}by: /);
  });
});

describe('replay', () => {
  it('replays from an offset, and refuses to guess when given no starting point', async () => {
    await serve(true);
    expect(await run(['--url', url, '--token', tokens.operator, 'replay', '--from-offset', '1'], io())).toBe(0);
    expect(out).toMatch(/^Replayed \d+ event\(s\) from offset 1/);
    expect(await run(['--url', url, '--token', tokens.operator, 'replay'], io())).toBe(2);
    expect(err).toContain('exactly one of --from-offset or --from-time');
  });
});

describe('audit verify', () => {
  beforeEach(() => serve(false));

  it('exits 0 on an intact chain and 1 once an entry was altered', async () => {
    await platform.ingest([sampleEvent(), sampleEvent()], 'test');
    expect(await auditVerifyCommand(ctx(tokens.auditor))).toBe(0);
    expect(out).toMatch(/^Audit trail intact: 2 entries, head hash [0-9a-f]{64}\n$/);

    platform.tamperAudit(1, 'rewritten');
    out = '';
    const code = await run(['--url', url, '--token', tokens.auditor, 'audit', 'verify'], io());
    expect(code).toBe(1);
    expect(out).toBe('Audit trail BROKEN at entry 1: hash does not match its content (2 entries)\n');
  });

  it('lists entries when run without the subcommand', async () => {
    await platform.ingest([sampleEvent()], 'crm-feed');
    expect(await run(['--url', url, '--token', tokens.dpo, 'audit', '--limit', '5'], io())).toBe(0);
    expect(out).toMatch(/^1 +\S+ +crm-feed +event\.accepted +record:rec-/m);
  });
});

describe('other commands through the real argument parser', () => {
  beforeEach(() => serve(false));
  const cli = (...args: string[]) => run(['--url', url, ...args], io());

  it('dlq list, show and reprocess with a corrected file', async () => {
    const bad = { ...sampleEvent(), controller: 'Not A Council' };
    const [r] = await platform.ingest([bad], 'test');
    const id = r!.status === 'rejected' ? r!.deadLetterId : '';

    expect(await cli('--token', tokens.operator, 'dlq', 'list', '--status', 'open')).toBe(0);
    expect(out).toMatch(new RegExp(`^${id} .* open .*controller: must be a council id`, 'm'));

    out = '';
    expect(await cli('--token', tokens.dpo, 'dlq', 'show', id)).toBe(0);
    expect(out).toContain('"controller": "Not A Council"');

    out = '';
    const corrected = file('fixed.json', JSON.stringify({ ...bad, controller: 'newark-sherwood' }));
    expect(await cli('--token', tokens.operator, 'dlq', 'reprocess', id, '--file', corrected)).toBe(0);
    expect(out).toContain(`Dead letter ${id} reprocessed: event ${bad.eventId} accepted`);
  });

  it('record and subject, human-readable and --json', async () => {
    const [r] = await platform.ingest([sampleEvent()], 'test');
    if (r?.status !== 'accepted') throw new Error('sample event was not accepted');
    expect(await cli('--token', tokens.dpo, 'record', r.recordId)).toBe(0);
    expect(out).toContain(`Record ${r.recordId} (newark-sherwood · enquiry)`);
    expect(out).toMatch(/retention +delete P30D after trigger "occurred"/);

    out = '';
    expect(await cli('--token', tokens.auditor, '--json', 'subject', r.subjectRef)).toBe(0);
    expect(JSON.parse(out).records).toHaveLength(1);
  });

  it('exits 2 with the server’s message on 404 and 403, and when the API is unreachable', async () => {
    expect(await cli('--token', tokens.dpo, 'record', 'rec-nope')).toBe(2);
    expect(err).toBe('custodian: no record with id "rec-nope" (HTTP 404 not-found)\n');

    err = '';
    expect(await cli('--token', tokens.service, 'sweep')).toBe(2);
    expect(err).toContain('this needs the operator role; it has service');

    err = '';
    expect(await run(['--url', 'http://127.0.0.1:9', '--token', 'x', 'clock'], io())).toBe(2);
    expect(err).toContain('cannot reach the Custodian API at http://127.0.0.1:9');
  });

  it('explains where a token comes from when there is none', async () => {
    expect(await run(['--url', url, 'clock'], io())).toBe(2);
    expect(err).toContain('no API token: pass --token, set CUSTODIAN_TOKEN');
  });

  it('rejects unknown commands and bad option values as usage errors', async () => {
    expect(await cli('--token', tokens.dpo, 'frobnicate')).toBe(2);
    expect(await cli('--token', tokens.dpo, 'dlq', 'list', '--status', 'closed')).toBe(2);
    expect(err).toContain("Allowed choices are open, reprocessed");
  });
});

describe('holds', () => {
  beforeEach(() => serve(true));
  const cli = (...args: string[]) => run(['--url', url, ...args], io());
  const place = (...scope: string[]) => cli('--token', tokens.dpo, 'holds', 'place', '--controller', 'fake-pack', '--reason', 'complaint-investigation', '--review-every', 'P30D', ...scope);

  it('places a hold on a record, a subject, a case and a category in a date range', async () => {
    expect(await place('--record', 'rec_abcdefgh', '--reference', 'CMP-1')).toBe(0);
    expect(err).toBe('');
    expect(out).toBe('Hold hold_1 placed for complaint investigation on record rec_abcdefgh; next review 2026-02-04T09:00:00.000Z\n');

    out = '';
    expect(await place('--subject', 'subj_abcdefgh')).toBe(0);
    expect(out).toContain('on every record of subject subj_abcdefgh;');
    expect(await place('--case', 'CASE-42')).toBe(0);
    expect(out).toContain('on case CASE-42 and the recordings linked to it;');
    expect(await place('--category', 'call-recording', '--from', '2026-01-01T00:00:00Z', '--to', '2026-02-01T00:00:00Z')).toBe(0);
    expect(out).toContain('on call-recording records begun from 2026-01-01T00:00:00Z to 2026-02-01T00:00:00Z;');

    const held = await platform.holds({ limit: 10 });
    expect(held.map((h) => h.scope.kind).sort()).toEqual(['case', 'category', 'record', 'subject']);
    expect(held.find((h) => h.scope.kind === 'record')).toMatchObject({ reference: 'CMP-1', placedBy: 'dpo-1', reviewEvery: 'P30D' });
  });

  it('refuses a missing or doubled scope as a usage error naming the scope options, before calling the API', async () => {
    expect(await place()).toBe(2);
    expect(err).toBe('holds place: give the hold a scope: one of --record <recordId>, --subject <subjectRef>, --case <caseRef>, or --category <category> with --from <iso> and --to <iso>\n');

    err = '';
    expect(await place('--record', 'rec_abcdefgh', '--case', 'CASE-42')).toBe(2);
    expect(err).toContain('holds place: give exactly one scope, not --record and --case: one of --record <recordId>');

    err = '';
    expect(await place('--category', 'call-recording', '--from', '2026-01-01T00:00:00Z')).toBe(2);
    expect(err).toContain('--category needs --from <iso> and --to <iso>');

    err = '';
    expect(await place('--record', 'rec_abcdefgh', '--from', '2026-01-01T00:00:00Z')).toBe(2);
    expect(err).toContain('--from and --to go with --category');

    err = '';
    expect(await cli('--token', tokens.dpo, 'holds', 'place', '--controller', 'fake-pack', '--reason', 'boredom', '--review-every', 'P30D', '--record', 'rec_abcdefgh')).toBe(2);
    expect(err).toContain('Allowed choices are complaint-investigation, crime-or-fraud');
    expect(await platform.holds({ limit: 10 })).toEqual([]);
  });

  it('shows the field the server rejected', async () => {
    expect(await place('--record', 'Jane Doe')).toBe(2);
    expect(err).toMatch(/HTTP 400 invalid-request\)\n {2}scope\.recordId: must be a record id/);
  });

  it('lists holds with the scope in words and where each review stands; filters by status', async () => {
    await place('--record', 'rec_abcdefgh');
    await platform.advanceClock('P25D', 'test');
    await place('--case', 'CASE-42');
    out = '';

    expect(await cli('--token', tokens.auditor, 'holds', 'list')).toBe(0);
    expect(err).toBe('');
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id +council +reason +scope +next review +review$/);
    expect(lines[1]).toMatch(/^hold_2 +fake-pack +complaint-investigation +case CASE-42 and the recordings linked to it +2026-03-01T09:00:00\.000Z +ok$/);
    expect(lines[2]).toMatch(/^hold_1 +fake-pack +complaint-investigation +record rec_abcdefgh +2026-02-04T09:00:00\.000Z +due soon$/);

    out = '';
    expect(await cli('--token', tokens.auditor, 'holds', 'list', '--status', 'released')).toBe(0);
    expect(out).toBe('No holds.\n');
    expect(await cli('--token', tokens.auditor, 'holds', 'list', '--status', 'lifted')).toBe(2);
    expect(err).toContain('Allowed choices are active, released');
  });

  it('reviews a hold: keep moves the next review on, release says what it lifted; show lists the reviews', async () => {
    await place('--subject', 'subj_abcdefgh', '--reference', 'CMP-7');
    await platform.advanceClock('P31D', 'test');
    out = '';

    expect(await cli('--token', tokens.dpo, 'holds', 'show', 'hold_1')).toBe(0);
    expect(out).toContain('Hold hold_1 (fake-pack · active)\n');
    expect(out).toMatch(/^ {2}reason +complaint investigation \(complaint-investigation\)$/m);
    expect(out).toMatch(/^ {2}reference +CMP-7$/m);
    expect(out).toMatch(/^ {2}scope +every record of subject subj_abcdefgh$/m);
    expect(out).toMatch(/^ {2}next review +2026-02-04T09:00:00\.000Z \(OVERDUE\)$/m);
    expect(out).toMatch(/^ {2}reviews +none yet$/m);

    out = '';
    expect(await cli('--token', tokens.dpo, 'holds', 'review', 'hold_1', '--keep', '--note', 'complaint still open')).toBe(0);
    expect(out).toBe('Hold hold_1 kept; next review 2026-03-07T09:00:00.000Z\n');

    out = '';
    expect(await cli('--token', tokens.dpo, 'holds', 'review', 'hold_1', '--release', '--note', 'complaint closed')).toBe(0);
    expect(out).toBe('Hold hold_1 released: 0 record(s) no longer held (disposed at the next sweep), 0 deletion task(s) resumed\n');

    out = '';
    expect(await cli('--token', tokens.auditor, 'holds', 'show', 'hold_1')).toBe(0);
    expect(out).toContain('Hold hold_1 (fake-pack · released)\n');
    expect(out).toMatch(/^ {2}released +2026-02-05T09:00:00\.000Z by dpo-1$/m);
    expect(out).toMatch(/^ {2}reviews +2026-02-05T09:00:00\.000Z keep by dpo-1: complaint still open$/m);
    expect(out).toMatch(/^ {16}2026-02-05T09:00:00\.000Z release by dpo-1: complaint closed$/m);

    out = '';
    expect(await cli('--token', tokens.dpo, '--json', 'holds', 'list', '--status', 'released')).toBe(0);
    expect(JSON.parse(out).holds).toMatchObject([{ id: 'hold_1', status: 'released', review: 'closed' }]);
  });

  it('refuses a review with neither or both of --keep and --release, and one of a released hold', async () => {
    await place('--record', 'rec_abcdefgh');
    expect(await cli('--token', tokens.dpo, 'holds', 'review', 'hold_1', '--note', 'looked at it')).toBe(2);
    expect(err).toBe('holds review: give exactly one of --keep or --release\n');
    err = '';
    expect(await cli('--token', tokens.dpo, 'holds', 'review', 'hold_1', '--keep', '--release', '--note', 'looked at it')).toBe(2);
    expect(err).toBe('holds review: give exactly one of --keep or --release\n');

    await platform.reviewHold('hold_1', { decision: 'release', note: 'done with it' }, 'dpo-1');
    err = '';
    expect(await cli('--token', tokens.dpo, 'holds', 'review', 'hold_1', '--keep', '--note', 'looked at it')).toBe(2);
    expect(err).toContain('cannot be reviewed');
  });
});

describe('requests', () => {
  beforeEach(() => serve(true));
  const cli = (...args: string[]) => run(['--url', url, ...args], io());
  const subj = 'subj_abcdefgh1234';
  const logNew = (...args: string[]) => cli('--token', tokens.dpo, 'requests', 'new', '--controller', 'fake-pack', ...args);

  it('new logs a request for a subject reference; list shows each due date and where its clock stands, and filters', async () => {
    // the fake's clock stands at 2026-01-05T09:00Z
    expect(await logNew('--kind', 'access', '--subject', subj, '--received-at', '2025-11-12T10:00:00Z', '--identity-verified')).toBe(0);
    expect(err).toBe('');
    expect(out).toBe(`Request req_1 logged: access for subject ${subj} (fake-pack), received 2025-11-12; due 2025-12-12 (OVERDUE, 24 day(s) late)\n`);

    out = '';
    expect(await logNew('--kind', 'erasure', '--subject', subj)).toBe(0);
    expect(out).toBe(`Request req_2 logged: erasure for subject ${subj} (fake-pack), received 2026-01-05; clock paused while waiting for identity (confirm it with \`custodian requests confirm-identity req_2\`)\n`);

    out = '';
    expect(await logNew('--kind', 'erasure', '--subject', subj, '--identity-verified')).toBe(0);
    expect(out).toBe(`Request req_3 logged: erasure for subject ${subj} (fake-pack), received 2026-01-05; completed on time: Erasure refused: 0 record(s) to erase.\n`);

    out = '';
    expect(await cli('--token', tokens.auditor, 'requests', 'list')).toBe(0);
    expect(err).toBe('');
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^id +council +kind +status +received +due +clock$/);
    expect(lines[1]).toMatch(/^req_3 +fake-pack +erasure +completed +2026-01-05 +2026-02-05 +completed on time$/);
    expect(lines[2]).toMatch(/^req_2 +fake-pack +erasure +awaiting-identity +2026-01-05 +2026-02-05 +paused \(waiting for identity\)$/);
    expect(lines[3]).toMatch(/^req_1 +fake-pack +access +open +2025-11-12 +2025-12-12 +OVERDUE$/);
    expect(lines).toHaveLength(4);

    out = '';
    expect(await cli('--token', tokens.dpo, 'requests', 'list', '--status', 'open', '--controller', 'fake-pack', '--subject', subj, '--limit', '5')).toBe(0);
    expect(out.trimEnd().split('\n').slice(1).map((l) => l.split(' ')[0])).toEqual(['req_1']);

    out = '';
    expect(await cli('--token', tokens.dpo, 'requests', 'list', '--subject', 'subj_nobody00000')).toBe(0);
    expect(out).toBe('No requests.\n');

    out = '';
    expect(await cli('--token', tokens.auditor, '--json', 'requests', 'list', '--status', 'completed')).toBe(0);
    expect(JSON.parse(out).requests).toMatchObject([{ id: 'req_3', status: 'completed', reading: { clock: null, timeliness: 'on-time' } }]);
  });

  it('new sends identifiers from --email, --phone, --name, --dob and --postcode, and shows why the server found no one', async () => {
    const sent: unknown[] = [];
    const receive = platform.receiveRequest.bind(platform);
    platform.receiveRequest = async (input, actor) => {
      sent.push(input);
      return receive(input, actor);
    };
    const code = await logNew('--kind', 'portability', '--email', 'pat@example.org', '--phone', '07700 900123', '--name', 'Pat Jones', '--dob', '1980-04-01', '--postcode', 'NG34 7EF', '--received-at', '2026-01-02T10:00:00Z');
    expect(code).toBe(2);
    expect(err).toBe('custodian: fake-pack holds no records for the identifiers given (HTTP 404 not-found)\n');
    expect(sent).toEqual([
      {
        controller: 'fake-pack',
        kind: 'portability',
        identityVerified: false,
        receivedAt: '2026-01-02T10:00:00Z',
        identifiers: [
          { kind: 'email', value: 'pat@example.org' },
          { kind: 'phone', value: '07700 900123' },
          { kind: 'name', value: 'Pat Jones' },
          { kind: 'date-of-birth', value: '1980-04-01' },
          { kind: 'postcode', value: 'NG34 7EF' },
        ],
      },
    ]);
  });

  it('refuses new without exactly one way to name the person, or with a right that does not exist, before calling the API', async () => {
    expect(await logNew('--kind', 'access')).toBe(2);
    expect(err).toBe('requests new: name the person: --subject <subjectRef>, or identifiers as the council knows the person (--email, --phone, --name, --dob, --postcode)\n');

    err = '';
    expect(await logNew('--kind', 'access', '--subject', subj, '--email', 'pat@example.org')).toBe(2);
    expect(err).toBe('requests new: give either --subject or identifiers, not both: --subject <subjectRef>, or identifiers as the council knows the person (--email, --phone, --name, --dob, --postcode)\n');

    err = '';
    expect(await logNew('--kind', 'forgetting', '--subject', subj)).toBe(2);
    expect(err).toContain('Allowed choices are access, portability, rectification, restriction, objection, consent-withdrawal, erasure');

    err = '';
    expect(await cli('--token', tokens.dpo, 'requests', 'new', '--kind', 'access', '--subject', subj)).toBe(2);
    expect(err).toContain("required option '--controller <id>' not specified");

    err = '';
    expect(await cli('--token', tokens.dpo, 'requests', 'list', '--status', 'closed')).toBe(2);
    expect(err).toContain('Allowed choices are awaiting-identity, open, in-progress, completed, withdrawn');
    expect(await platform.requests({ limit: 10 })).toEqual([]);
  });

  it('confirm-identity, pause, resume and extend move the clock; show explains the deadline and lists the history', async () => {
    await logNew('--kind', 'access', '--subject', subj);
    out = '';

    expect(await cli('--token', tokens.dpo, 'requests', 'confirm-identity', 'req_1')).toBe(0);
    expect(out).toBe('Request req_1: identity confirmed; due 2026-02-05 (running, 31 day(s) left)\n');

    out = '';
    expect(await cli('--token', tokens.dpo, 'requests', 'pause', 'req_1', '--reason', 'clarification')).toBe(0);
    expect(out).toBe('Request req_1: clock paused while waiting for clarification (resume it with `custodian requests resume req_1` when the answer comes)\n');

    platform.clock.advance('P2D');
    out = '';
    expect(await cli('--token', tokens.dpo, 'requests', 'resume', 'req_1')).toBe(0);
    // 2026-02-05 and the 2 days it stood still: Saturday 2026-02-07, so Monday
    expect(out).toBe('Request req_1: clock running again; due 2026-02-09 (running, 33 day(s) left)\n');

    out = '';
    expect(await cli('--token', tokens.dpo, 'requests', 'extend', 'req_1', '--months', '2', '--reason', 'records across several systems')).toBe(0);
    expect(out).toBe('Request req_1 extended by 2 month(s); due 2026-04-07 (running, 90 day(s) left)\n');

    out = '';
    expect(await cli('--token', tokens.auditor, 'requests', 'show', 'req_1')).toBe(0);
    expect(out).toContain('Request req_1 (fake-pack · access · open)\n');
    expect(out).toMatch(/^ {2}subject +subj_abcdefgh1234$/m);
    expect(out).toMatch(/^ {2}received +2026-01-05T09:00:00\.000Z by dpo-1 \(day 1: 2026-01-05\)$/m);
    expect(out).toMatch(/^ {2}due +2026-04-07 \(running, 90 day\(s\) left\)$/m);
    expect(out).toMatch(/^ {2}because +Received 2026-01-05 \(day 1\): due 2026-04-05, 3 months later\.$/m);
    expect(out).toMatch(/^ {16}Extended by 2 month\(s\), notified 2026-01-07: records across several systems\.$/m);
    expect(out).toMatch(/^ {16}The clock stood still 2 day\(s\) while waiting \(identity from 2026-01-05 to 2026-01-05; clarification from 2026-01-05 to 2026-01-07\): 2026-04-07\.$/m);
    expect(out).toMatch(/^ {2}history +2026-01-05T09:00:00\.000Z received by dpo-1: waiting for proof of identity: clock paused$/m);
    expect(out).toMatch(/^ {16}2026-01-05T09:00:00\.000Z identity-confirmed by dpo-1: clock running again$/m);
    expect(out).toMatch(/^ {16}2026-01-07T09:00:00\.000Z extended by dpo-1: records across several systems$/m);
    expect(out).not.toContain('decisions');
    expect(out).not.toContain('certificate');

    out = '';
    expect(await cli('--token', tokens.dpo, '--json', 'requests', 'pause', 'req_1', '--reason', 'fee')).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ id: 'req_1', reading: { clock: { state: 'paused' } }, clock: { pauses: [{ reason: 'identity' }, { reason: 'clarification' }, { reason: 'fee', to: null }] } });
  });

  it('exits 2 with the rule that was broken, and refuses unknown pause reasons and extensions', async () => {
    await logNew('--kind', 'access', '--subject', subj, '--identity-verified');
    out = '';
    expect(await cli('--token', tokens.dpo, 'requests', 'confirm-identity', 'req_1')).toBe(2);
    expect(err).toBe('custodian: request req_1 is not waiting for identity (it is open) (HTTP 409 request-state)\n');

    err = '';
    expect(await cli('--token', tokens.dpo, 'requests', 'resume', 'req_1')).toBe(2);
    expect(err).toContain('the clock is not paused');

    err = '';
    expect(await cli('--token', tokens.dpo, 'requests', 'pause', 'req_1', '--reason', 'holiday')).toBe(2);
    expect(err).toContain('Allowed choices are identity, clarification, fee');

    err = '';
    expect(await cli('--token', tokens.dpo, 'requests', 'extend', 'req_1', '--months', '3', '--reason', 'complex')).toBe(2);
    expect(err).toContain('Allowed choices are 1, 2');

    err = '';
    expect(await cli('--token', tokens.dpo, 'requests', 'extend', 'req_1', '--months', '1')).toBe(2);
    expect(err).toContain("required option '--reason <text>' not specified");

    err = '';
    expect(await cli('--token', tokens.auditor, 'requests', 'pause', 'req_1', '--reason', 'fee')).toBe(2);
    expect(err).toContain('this needs the dpo role; it has auditor');

    err = '';
    expect(await cli('--token', tokens.dpo, 'requests', 'show', 'req_9')).toBe(2);
    expect(err).toBe('custodian: no request with id "req_9" (HTTP 404 not-found)\n');
    expect(out).toBe('');
  });

  it('show lists an erasure’s decisions per record and its certificate: stores, outcomes and when the key was destroyed', async () => {
    const [a] = await platform.ingest([sampleEvent()], 'test'); // occurred 2026-01-02: retention ends 2026-02-01
    platform.clock.advance('P30D'); // 2026-02-04: past that, with no sweep run yet
    const [b] = await platform.ingest([sampleEvent({ occurredAt: '2026-02-03T10:00:00Z' })], 'test'); // same person, kept for weeks yet
    if (a?.status !== 'accepted' || b?.status !== 'accepted') throw new Error('sample events were not accepted');
    // the fake knows people by reference only and its stores give no receipts: the real ones are added below
    const logged = await platform.receiveRequest({ controller: 'fake-pack', kind: 'erasure', subjectRef: a.subjectRef, identityVerified: true }, 'dpo-1');
    expect(logged.status).toBe('completed');
    const read = platform.request.bind(platform);
    platform.request = async (id) => {
      const r = await read(id);
      return r?.certificate
        ? {
            ...r,
            certificate: {
              ...r.certificate,
              stores: [
                { recordId: a.recordId, store: 'crm', outcome: 'deleted', at: '2026-02-04T09:00:01.000Z', detail: 'HTTP 204' },
                { recordId: a.recordId, store: 'event-log', outcome: 'absent', at: '2026-02-04T09:00:02.000Z', detail: 'already compacted' },
              ],
              failures: [{ recordId: a.recordId, store: 'backup', lastError: 'HTTP 503' }],
              keyDestroyedAt: '2026-02-04T09:00:03.000Z',
            },
          }
        : r;
    };

    expect(await cli('--token', tokens.auditor, 'requests', 'show', logged.id)).toBe(0);
    expect(err).toBe('');
    expect(out).toContain(`Request ${logged.id} (fake-pack · erasure · completed)\n`);
    expect(out).toMatch(/^ {2}due +2026-03-04 \(completed 2026-02-04T09:00:00\.000Z, on time\)$/m);
    expect(out).toMatch(/^ {2}outcome +Erasure partly granted: 1 record\(s\) to erase; 1 refused \(Art 17\(3\)\(b\)\)\.$/m);
    expect(out).toMatch(/^ {2}decisions$/m);
    expect(out).toMatch(/^ {4}record +decision +article +reason$/m);
    expect(out).toMatch(new RegExp(`^ {4}${a.recordId} +erase +Art 17\\(1\\)\\(a\\) +Granted under Art 17\\(1\\)\\(a\\): `, 'm'));
    expect(out).toMatch(new RegExp(`^ {4}${b.recordId} +refuse +Art 17\\(3\\)\\(b\\) +Refused under Art 17\\(3\\)\\(b\\): `, 'm'));
    expect(out).toMatch(/^ {2}certificate +issued 2026-02-04T09:00:00\.000Z: Erasure partly granted: .* 0 deletion\(s\) confirmed at 0 store\(s\); the data key is kept for the records refused\.$/m);
    expect(out).toMatch(/^ {4}record +store +outcome +at$/m);
    expect(out).toMatch(new RegExp(`^ {4}${a.recordId} +crm +deleted +2026-02-04T09:00:01\\.000Z$`, 'm'));
    expect(out).toMatch(new RegExp(`^ {4}${a.recordId} +event-log +absent +2026-02-04T09:00:02\\.000Z$`, 'm'));
    expect(out).toMatch(new RegExp(`^ {16}ESCALATED: ${a.recordId} at backup: HTTP 503$`, 'm'));
    expect(out).toMatch(/^ {2}key destroyed 2026-02-04T09:00:03\.000Z$/m);

    out = '';
    expect(await cli('--token', tokens.dpo, '--json', 'requests', 'show', logged.id)).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ id: logged.id, decisions: [{ decision: 'erase' }, { decision: 'refuse' }], certificate: { keyDestroyedAt: '2026-02-04T09:00:03.000Z' } });
  });
});
