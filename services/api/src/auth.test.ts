import type { FastifyInstance } from 'fastify';
import { buildServer } from './server';
import { fakeWithTokens, sampleEvent } from './test-support/fake-platform';

type RoleName = 'service' | 'operator' | 'dpo' | 'auditor';
const ALL: RoleName[] = ['service', 'operator', 'dpo', 'auditor'];

/** The access matrix as the brief states it, written out independently of the server's route table. */
const MATRIX: Array<{ method: 'GET' | 'POST'; url: string; body?: unknown; allowed: RoleName[] }> = [
  { method: 'POST', url: '/v1/events', body: [sampleEvent()], allowed: ['service'] },
  { method: 'GET', url: '/v1/records/rec-1', allowed: ['dpo', 'auditor'] },
  { method: 'GET', url: '/v1/subjects/sub-1/records', allowed: ['dpo', 'auditor'] },
  { method: 'GET', url: '/v1/dlq', allowed: ['dpo', 'operator'] },
  { method: 'GET', url: '/v1/dlq/dl-1', allowed: ['dpo', 'operator'] },
  { method: 'POST', url: '/v1/dlq/dl-1/reprocess', body: {}, allowed: ['operator'] },
  { method: 'GET', url: '/v1/audit', allowed: ['dpo', 'auditor'] },
  { method: 'POST', url: '/v1/audit/verify', allowed: ['dpo', 'auditor'] },
  { method: 'GET', url: '/v1/clock', allowed: ['dpo', 'operator', 'auditor'] },
  { method: 'POST', url: '/v1/clock/advance', body: { by: 'P1D' }, allowed: ['operator', 'dpo'] },
  { method: 'POST', url: '/v1/sweep', allowed: ['operator'] },
  { method: 'GET', url: '/v1/processes', allowed: ['dpo', 'operator', 'auditor'] },
  { method: 'GET', url: '/openapi.json', allowed: ALL },
  { method: 'GET', url: '/', allowed: ['dpo', 'operator', 'auditor'] },
];

let app: FastifyInstance;
let tokens: Record<RoleName, string>;

beforeAll(async () => {
  const f = await fakeWithTokens({ simulatedClock: true });
  tokens = f.tokens;
  app = buildServer(f.platform);
});
afterAll(() => app.close());

function call(e: (typeof MATRIX)[number], headers: Record<string, string>) {
  return app.inject({ method: e.method, url: e.url, headers, ...(e.body === undefined ? {} : { payload: e.body as object }) });
}

describe.each(MATRIX)('$method $url', (e) => {
  it('answers 401 with a clear JSON message when no token is sent', async () => {
    const res = await call(e, {});
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json()).toEqual({ error: 'unauthorized', message: expect.stringContaining('missing API token') });
  });

  it('answers 401 for a token the platform does not know', async () => {
    const res = await call(e, { authorization: 'Bearer tok_not-a-real-one' });
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toBe('unknown or revoked API token');
  });

  it.each(ALL)('role %s', async (role) => {
    const res = await call(e, { authorization: `Bearer ${tokens[role]}` });
    if (e.allowed.includes(role)) {
      expect([401, 403]).not.toContain(res.statusCode);
    } else {
      expect(res.statusCode).toBe(403);
      const body = res.json();
      expect(body.error).toBe('forbidden');
      // names every role that would do, and what the token has
      for (const r of e.allowed) expect(body.message).toContain(r);
      expect(body.message).toContain(`it has ${role}`);
    }
  });
});

describe('other auth rules', () => {
  it('lets /healthz answer without a token (liveness only)', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('asks for a token before saying a route does not exist', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/nothing-here' })).statusCode).toBe(401);
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here?token=secret', headers: { authorization: `Bearer ${tokens.dpo}` } });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: 'not-found', message: 'no such endpoint: GET /v1/nothing-here' });
  });

  it('never accepts the status-page cookie on the API', async () => {
    const cookie = `custodian_token=${tokens.operator}`;
    expect((await app.inject({ method: 'GET', url: '/v1/clock', headers: { cookie } })).statusCode).toBe(401);
    expect((await app.inject({ method: 'POST', url: '/v1/sweep', headers: { cookie } })).statusCode).toBe(401);
  });

  it('does not take ?token= on the API', async () => {
    expect((await app.inject({ method: 'GET', url: `/v1/clock?token=${tokens.dpo}` })).statusCode).toBe(401);
  });

  it('accepts a token holding several roles for any of them', async () => {
    const f = await fakeWithTokens();
    const both = await f.platform.tokens.issue('lead', ['auditor', 'operator']);
    const a = buildServer(f.platform);
    const h = { authorization: `Bearer ${both}` };
    expect((await a.inject({ method: 'POST', url: '/v1/sweep', headers: h })).statusCode).toBe(200);
    expect((await a.inject({ method: 'GET', url: '/v1/audit', headers: h })).statusCode).toBe(200);
    const denied = await a.inject({ method: 'POST', url: '/v1/events', headers: h, payload: [] });
    expect(denied.json().message).toBe('this needs the service role; it has auditor or operator');
    await a.close();
  });
});
