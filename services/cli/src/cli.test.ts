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
