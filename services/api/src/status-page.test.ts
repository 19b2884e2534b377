import { PLATFORM_STORES } from '@custodian/workflows';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './server';
import { escapeHtml, renderStatusPage } from './status-page';
import { fakeWithTokens, sampleEvent, type FakePlatform } from './test-support/fake-platform';

let app: FastifyInstance;
let platform: FakePlatform;
let tokens: Awaited<ReturnType<typeof fakeWithTokens>>['tokens'];

beforeEach(async () => {
  const f = await fakeWithTokens({ simulatedClock: true });
  platform = f.platform;
  tokens = f.tokens;
  app = buildServer(platform);
});
afterEach(() => app.close());

const XSS = '<script>alert("x")</script>';

describe('status page rendering', () => {
  it('escapes every value that came from outside, e.g. a dead-letter reason', async () => {
    platform.addDeadLetter({ type: `<img src=x onerror=alert(1)>`, reasons: [{ path: `payload.${XSS}`, message: `bad value ${XSS}` }] });
    const res = await app.inject({ method: 'GET', url: '/', headers: { authorization: `Bearer ${tokens.dpo}` } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).not.toContain('<script');
    expect(res.body).not.toContain('<img');
    expect(res.body).toContain('bad value &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(res.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('does not show dead-letter originals, which may hold personal data', async () => {
    platform.addDeadLetter({ original: { subject: 'jane.doe@example.org' }, reasons: [{ path: 'type', message: 'missing' }] });
    const res = await app.inject({ method: 'GET', url: '/', headers: { authorization: `Bearer ${tokens.operator}` } });
    expect(res.body).not.toContain('jane.doe');
    expect(res.body).toMatch(/<span class="big">1<\/span> open/);
  });

  it('shows clock with its badge, counts, disposals with receipts and the audit head; refreshes every 10 s', async () => {
    await platform.ingest([sampleEvent(), sampleEvent({ controller: 'bassetlaw' })], 'test');
    await platform.advanceClock('P40D', 'test');
    await platform.ingest([sampleEvent()], 'test');
    const o = await platform.overview();
    const page = renderStatusPage(o);
    expect(page).toContain('<meta http-equiv="refresh" content="10">');
    expect(page).toContain(o.now);
    expect(page).toContain('simulated clock');
    expect(page).toContain(o.audit.headHash!);
    // newark-sherwood: 1 active, 0 disposing, 1 disposed
    expect(page).toMatch(/<td>newark-sherwood<\/td><td>enquiry<\/td><td class="n">1<\/td><td class="n">0<\/td><td class="n">1<\/td>/);
    // receipts: the record's one location plus the platform's own copies
    const stores = ['crm', ...PLATFORM_STORES];
    expect(page).toContain(`<td class="n">${stores.length}</td><td>${stores.join(', ')}</td>`);
    expect(renderStatusPage({ ...o, simulatedClock: false })).not.toContain('simulated clock');
  });

  it('shows legal holds: the open count, overdue reviews, and the holds needing review with overdue ones marked', async () => {
    expect(renderStatusPage(await platform.overview())).toContain('<h2>Legal holds</h2>\n<p><span class="big">0</span> open · <span class="big">0</span> review(s) overdue</p><p class="empty">No review overdue or due within a week.</p>');

    const overdue = await platform.placeHold({ controller: 'fake-pack', scope: { kind: 'record', recordId: 'rec_abcdefgh' }, reason: 'complaint-investigation', reference: 'CMP-1', reviewEvery: 'P30D' }, 'dpo-1');
    const later = await platform.placeHold({ controller: 'fake-pack', scope: { kind: 'subject', subjectRef: 'subj_abcdefgh' }, reason: 'legal-claim', reviewEvery: 'P90D' }, 'dpo-1');
    platform.clock.advance('P31D'); // past the first hold's review, well before the second's
    const dueSoon = await platform.placeHold(
      { controller: 'fake-pack', scope: { kind: 'category', category: 'call-recording', from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' }, reason: 'ombudsman', reviewEvery: 'P5D' },
      'dpo-1',
    );
    const released = await platform.placeHold({ controller: 'fake-pack', scope: { kind: 'case', caseRef: 'CASE-9' }, reason: 'crime-or-fraud', reviewEvery: 'P1D' }, 'dpo-1');
    await platform.reviewHold(released.id, { decision: 'release', note: 'no longer needed' }, 'dpo-1');

    const o = await platform.overview();
    expect(o.holds).toMatchObject({ open: 3, reviewsOverdue: 1, attention: [{ id: overdue.id, review: 'overdue' }, { id: dueSoon.id, review: 'due-soon' }] });

    const res = await app.inject({ method: 'GET', url: '/', headers: { authorization: `Bearer ${tokens.auditor}` } });
    expect(res.statusCode).toBe(200);
    const page = res.body;
    expect(page).toContain('<p><span class="big">3</span> open · <span class="big bad">1</span> review(s) overdue</p>');
    expect(page).toContain(
      `<tr class="overdue"><td><code>${overdue.id}</code></td><td>fake-pack</td><td>complaint investigation <small>(CMP-1)</small></td><td>record rec_abcdefgh</td><td>${overdue.nextReviewAt}</td><td><strong class="bad">OVERDUE</strong></td></tr>`,
    );
    expect(page).toContain(
      `<tr><td><code>${dueSoon.id}</code></td><td>fake-pack</td><td>Ombudsman investigation</td><td>call-recording records begun from 2026-01-01T00:00:00Z to 2026-02-01T00:00:00Z</td><td>${dueSoon.nextReviewAt}</td><td>due soon</td></tr>`,
    );
    expect(page.indexOf(overdue.id)).toBeLessThan(page.indexOf(dueSoon.id));
    // neither a hold whose review is weeks away nor a released one needs attention
    expect(page).not.toContain(later.id);
    expect(page).not.toContain(released.id);

    // what reaches the page is escaped like everything else
    const [first] = o.holds.attention;
    const tampered = renderStatusPage({ ...o, holds: { ...o.holds, attention: [{ ...first!, reference: XSS, controller: `<img src=x>` }] } });
    expect(tampered).not.toContain('<script');
    expect(tampered).not.toContain('<img');
    expect(tampered).toContain('<small>(&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;)</small>');
  });

  it('escapeHtml covers the five characters that matter', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('sends headers that keep the page out of caches and scripts out of the page', async () => {
    const res = await app.inject({ method: 'GET', url: '/', headers: { authorization: `Bearer ${tokens.auditor}` } });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  });
});

describe('browser sign-in', () => {
  it('exchanges ?token= for an HttpOnly SameSite=Strict cookie and redirects to a URL without it', async () => {
    const res = await app.inject({ method: 'GET', url: `/?token=${tokens.auditor}` });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^custodian_token=[^;]+;/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');

    const page = await app.inject({ method: 'GET', url: '/', headers: { cookie: cookie.split(';')[0]! } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Custodian status');
  });

  it('sets no cookie for an unknown token or a role that may not see the page', async () => {
    const unknown = await app.inject({ method: 'GET', url: '/?token=tok_guess' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.headers['set-cookie']).toBeUndefined();
    const service = await app.inject({ method: 'GET', url: `/?token=${tokens.service}` });
    expect(service.statusCode).toBe(403);
    expect(service.headers['set-cookie']).toBeUndefined();
    expect(service.json().message).toContain('dpo, operator or auditor');
  });

  it('rejects a cookie whose token is unknown, and explains how to sign in without one', async () => {
    expect((await app.inject({ method: 'GET', url: '/', headers: { cookie: 'custodian_token=tok_stale' } })).statusCode).toBe(401);
    const none = await app.inject({ method: 'GET', url: '/' });
    expect(none.statusCode).toBe(401);
    expect(none.json().message).toContain('/?token=');
  });
});
