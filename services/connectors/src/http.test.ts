import { createServer } from 'node:net';
import type { DeletionRequest, DeletionResult } from '@custodian/core';
import { DEFAULT_RETRY } from '@custodian/workflows';
import { ConnectorConfigError } from './errors';
import { HttpDeletionConnector, parseRetryAfter, type HttpDeletionOptions } from './http';
import { startVendorSimulator, type VendorSimulator } from './vendor-simulator';

const TOKEN = 'sim-token-0123';
// Personal data in a locator, as some vendors do: it must never reach a detail string.
const PERSONAL = 'rec 07700900123/jane.doe';

let sim: VendorSimulator;
let sleeps: number[];
const everyResult: DeletionResult[] = [];

beforeEach(async () => {
  sim = await startVendorSimulator({ host: '127.0.0.1', port: 0, token: TOKEN, recordings: [PERSONAL, 'r-1', 'r-2', 'r-3'] });
  sleeps = [];
});
afterEach(async () => {
  await sim.close();
});
let n = 0;
const req = (locator: string, taskId = `task-${++n}`): DeletionRequest => ({ taskId, recordId: 'rec-1', controller: 'newark-sherwood', store: 'call-recordings', locator, attempt: 1 });

function connector(options: Partial<HttpDeletionOptions> = {}, env: Record<string, string> = { VENDOR_TOKEN: TOKEN }): HttpDeletionConnector {
  return new HttpDeletionConnector(
    { urlTemplate: `${sim.url}/v1/recordings/{locator}`, headers: { Authorization: 'Bearer ${env:VENDOR_TOKEN}' }, ...options },
    {
      env,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
    },
  );
}

async function one(c: HttpDeletionConnector, r: DeletionRequest): Promise<DeletionResult> {
  const [out] = await c.delete([r]);
  if (!out) throw new Error('no result');
  everyResult.push(out);
  return out;
}

describe('HttpDeletionConnector against the vendor simulator', () => {
  it('deletes, sending the task id as Idempotency-Key and the locator URL-encoded', async () => {
    const c = connector();
    const r = await one(c, req(PERSONAL, 'task-deleted'));
    expect(r).toEqual({ outcome: 'deleted', detail: 'HTTP 204' });
    expect(sim.has(PERSONAL)).toBe(false);
    expect(sim.calls).toEqual([{ method: 'DELETE', id: PERSONAL, idempotencyKey: 'task-deleted', status: 204, replayed: false }]);
    expect(c.kind).toBe('http');
    expect(c.retry).toBe(DEFAULT_RETRY);
  });

  it('reports 404 as absent', async () => {
    expect(await one(connector(), req('rec 07700900999/john.smith'))).toEqual({ outcome: 'absent', detail: 'HTTP 404' });
  });

  it('gets the same outcome when the same task is sent twice, and the provider sees one deletion', async () => {
    const c = connector();
    const first = await one(c, req('r-1', 'task-same'));
    const again = await one(c, req('r-1', 'task-same'));
    expect(again).toEqual(first);
    expect(first.outcome).toBe('deleted');
    expect(sim.calls.map((x) => [x.idempotencyKey, x.status, x.replayed])).toEqual([
      ['task-same', 204, false],
      ['task-same', 204, true],
    ]);
    // A different task for the same recording is a new request: the recording is gone by then.
    expect(await one(c, req('r-1', 'task-other'))).toEqual({ outcome: 'absent', detail: 'HTTP 404' });
  });

  it('retries a 503 inline and succeeds', async () => {
    sim.failNext(1, 503);
    const r = await one(connector(), req('r-1'));
    expect(r).toEqual({ outcome: 'deleted', detail: 'HTTP 204' });
    expect(sim.calls.map((x) => x.status)).toEqual([503, 204]);
    // random() = 0.5 puts the first step at 3/4 of the 250 ms base.
    expect(sleeps).toEqual([188]);
  });

  it('backs off exponentially between inline attempts', async () => {
    sim.failNext(2, 502);
    const r = await one(connector({ inlineRetry: { attempts: 3, baseDelayMs: 100 } }), req('r-1'));
    expect(r.outcome).toBe('deleted');
    expect(sleeps).toEqual([75, 150]);
  });

  it('honours Retry-After in seconds when it fits the inline budget', async () => {
    sim.failNext(1, 429, 2);
    const r = await one(connector(), req('r-2'));
    expect(r).toEqual({ outcome: 'deleted', detail: 'HTTP 204' });
    expect(sleeps).toEqual([2000]);
    expect(sim.calls.map((x) => x.status)).toEqual([429, 204]);
  });

  it('honours Retry-After given as an HTTP-date', async () => {
    const when = new Date(Date.now() + 3_000).toUTCString();
    sim.failNext(1, 503, when);
    const r = await one(connector(), req('r-2'));
    expect(r.outcome).toBe('deleted');
    expect(sleeps).toHaveLength(1);
    // HTTP-dates have whole seconds, so up to a second is lost to rounding.
    expect(sleeps[0]).toBeGreaterThan(1_500);
    expect(sleeps[0]).toBeLessThanOrEqual(3_000);
  });

  it('hands a Retry-After longer than the inline budget to the durable scheduler', async () => {
    sim.failNext(1, 429, 120);
    const r = await one(connector(), req('r-3'));
    expect(r).toEqual({ outcome: 'retry', detail: 'HTTP 429 (1 attempt)', retryAfterMs: 120_000 });
    expect(sleeps).toEqual([]);
    expect(sim.has('r-3')).toBe(true);
  });

  it('returns retry after the inline attempts are used up, without Retry-After', async () => {
    sim.failNext(5, 500);
    const r = await one(connector(), req('r-3'));
    expect(r).toEqual({ outcome: 'retry', detail: 'HTTP 500 (3 attempts)' });
    expect(sim.calls).toHaveLength(3);
  });

  it('stops waiting inline when the waits would exceed maxWaitMs', async () => {
    sim.failNext(5, 503, 1);
    const r = await one(connector({ inlineRetry: { attempts: 10, maxWaitMs: 2_500 } }), req('r-3'));
    expect(r).toEqual({ outcome: 'retry', detail: 'HTTP 503 (3 attempts)', retryAfterMs: 1_000 });
    expect(sleeps).toEqual([1_000, 1_000]);
  });

  it('fails on 400, without retrying and without the body in the detail', async () => {
    sim.failNext(1, 400);
    const r = await one(connector(), req(PERSONAL));
    expect(r).toEqual({ outcome: 'failed', detail: 'HTTP 400' });
    expect(sim.calls).toHaveLength(1);
    expect(sim.has(PERSONAL)).toBe(true);
  });

  it('fails on a wrong token (401)', async () => {
    const r = await one(connector({}, { VENDOR_TOKEN: 'wrong' }), req('r-1'));
    expect(r).toEqual({ outcome: 'failed', detail: 'HTTP 401' });
  });

  it('treats a timeout as retry', async () => {
    sim.delayNext(5, 5_000);
    const r = await one(connector({ timeoutMs: 100, inlineRetry: { attempts: 2 } }), req(PERSONAL));
    expect(r).toEqual({ outcome: 'retry', detail: 'no response within 100 ms (2 attempts)' });
  });

  it('treats a refused connection as retry', async () => {
    const port = await freePort();
    const c = new HttpDeletionConnector(
      { urlTemplate: `http://127.0.0.1:${port}/v1/recordings/{locator}`, inlineRetry: { attempts: 2 } },
      { sleep: async (ms) => void sleeps.push(ms) },
    );
    const r = await one(c, req(PERSONAL));
    expect(r).toEqual({ outcome: 'retry', detail: 'connection failed (ECONNREFUSED) (2 attempts)' });
    expect(sleeps).toHaveLength(1);
  });

  it('treats a provider that drops connections as retry, and recovers when it is back', async () => {
    const c = connector({ inlineRetry: { attempts: 1 } });
    sim.setDown(true);
    const down = await one(c, req('r-1'));
    expect(down.outcome).toBe('retry');
    expect(down.detail).toMatch(/^connection failed/);
    sim.setDown(false);
    expect(await one(c, req('r-1'))).toEqual({ outcome: 'deleted', detail: 'HTTP 204' });
  });

  it('treats a provider answering 503 while down as retry', async () => {
    sim.setDown(true, '503');
    const r = await one(connector({ inlineRetry: { attempts: 2 } }), req('r-1'));
    expect(r).toEqual({ outcome: 'retry', detail: 'HTTP 503 (2 attempts)' });
    expect(sim.has('r-1')).toBe(true);
  });

  it('carries a receipt id from the JSON body or from the header', async () => {
    await sim.close();
    sim = await startVendorSimulator({ token: TOKEN, recordings: ['r-1'], receipts: 'body' });
    expect(await one(connector(), req('r-1'))).toEqual({ outcome: 'deleted', detail: 'HTTP 200', reference: 'rcpt-1' });
    await sim.close();
    sim = await startVendorSimulator({ token: TOKEN, recordings: ['r-1'], receipts: 'header' });
    expect(await one(connector(), req('r-1'))).toEqual({ outcome: 'deleted', detail: 'HTTP 204', reference: 'rcpt-1' });
  });

  it('keeps batch results in order with bounded concurrency', async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `b-${i}`);
    await sim.close();
    sim = await startVendorSimulator({ token: TOKEN, recordings: ids.filter((_, i) => i % 3 !== 0) });
    const results = await connector({ concurrency: 4 }).delete(ids.map((id) => req(id)));
    everyResult.push(...results);
    expect(results.map((r) => r.outcome)).toEqual(ids.map((_, i) => (i % 3 === 0 ? 'absent' : 'deleted')));
    expect(ids.some((id) => sim.has(id))).toBe(false);
  });

  it('refuses "." and ".." as locators: the URL would point at the collection', async () => {
    const c = connector();
    for (const l of ['..', '.', '']) expect(await one(c, req(l))).toEqual({ outcome: 'failed', detail: 'locator cannot be placed in the deletion URL' });
    expect(sim.calls).toEqual([]);
  });
});

describe('HttpDeletionConnector configuration', () => {
  const base = { urlTemplate: 'http://127.0.0.1:1/v1/recordings/{locator}' };

  it('substitutes ${env:NAME} in header values', async () => {
    const seen: Headers[] = [];
    const fakeFetch = (async (_url: string | URL | Request, init?: RequestInit) => {
      seen.push(new Headers(init?.headers));
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    const c = new HttpDeletionConnector({ ...base, headers: { Authorization: 'Bearer ${env:A_TOKEN}', 'X-Tenant': '${env:TENANT}-live' } }, { env: { A_TOKEN: 's3cret', TENANT: 'nsdc' }, fetch: fakeFetch });
    const [r] = await c.delete([req('r-1', 'task-env')]);
    expect(r?.outcome).toBe('deleted');
    expect(seen[0]?.get('authorization')).toBe('Bearer s3cret');
    expect(seen[0]?.get('x-tenant')).toBe('nsdc-live');
    expect(seen[0]?.get('idempotency-key')).toBe('task-env');
  });

  it('names the missing environment variable, at construction', () => {
    const build = (): HttpDeletionConnector => new HttpDeletionConnector({ ...base, headers: { Authorization: 'Bearer ${env:EIGHT_BY_EIGHT_TOKEN}' } }, { env: {} });
    expect(build).toThrow(ConnectorConfigError);
    expect(build).toThrow('header "Authorization" needs environment variable EIGHT_BY_EIGHT_TOKEN, which is not set');
  });

  it('rejects unknown placeholders, non-http URLs, overlapping status lists', () => {
    expect(() => new HttpDeletionConnector({ urlTemplate: 'http://h/v1/{callId}' })).toThrow('unknown placeholder(s) {callId}');
    expect(() => new HttpDeletionConnector({ urlTemplate: 'ftp://h/{locator}' })).toThrow('http: or https:');
    expect(() => new HttpDeletionConnector({ ...base, successStatuses: [200, 404] })).toThrow('status 404 is in both successStatuses and absentStatuses');
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const fakeFetch = (async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    const c = new HttpDeletionConnector({ ...base, concurrency: 4 }, { fetch: fakeFetch });
    const results = await c.delete(Array.from({ length: 40 }, (_, i) => req(`c-${i}`)));
    expect(results.every((r) => r.outcome === 'deleted')).toBe(true);
    expect(peak).toBe(4);
  });

  it('substitutes recordId and controller too', async () => {
    let url = '';
    const fakeFetch = (async (u: string | URL | Request) => {
      url = String(u);
      return new Response(null, { status: 404 });
    }) as typeof fetch;
    const c = new HttpDeletionConnector({ urlTemplate: 'https://vendor.example/{controller}/records/{recordId}?ref={locator}' }, { fetch: fakeFetch });
    await c.delete([{ ...req('a&b=c'), recordId: 'rec/1' }]);
    expect(url).toBe('https://vendor.example/newark-sherwood/records/rec%2F1?ref=a%26b%3Dc');
  });
});

describe('details', () => {
  // Runs last (jest keeps file order): every outcome produced above, of every kind, is checked.
  it('never carry the locator, encoded or not', () => {
    expect(new Set(everyResult.map((r) => r.outcome))).toEqual(new Set(['deleted', 'absent', 'retry', 'failed']));
    for (const r of everyResult) {
      expect(r.detail).not.toMatch(/07700900\d{3}|jane|john|%20|%2F/i);
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP-dates, and ignores nonsense', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30_000);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}
