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

  it('shows subject-rights requests: the open count, overdue ones, and those needing attention, overdue first and paused last', async () => {
    expect(renderStatusPage(await platform.overview())).toContain(
      '<h2>Subject-rights requests</h2>\n<p><span class="big">0</span> open · <span class="big">0</span> overdue</p><p class="empty">No request overdue, due within a week or paused.</p>\n\n<h2>Legal holds</h2>',
    );

    // the fake's clock stands at 2026-01-05T09:00Z
    const subjectRef = 'subj_abcdefgh1234';
    const log = (kind: 'access' | 'erasure' | 'rectification' | 'objection', identityVerified: boolean, receivedAt?: string) =>
      platform.receiveRequest({ controller: 'fake-pack', kind, subjectRef, identityVerified, ...(receivedAt ? { receivedAt } : {}) }, 'dpo-1');
    const paused = await log('erasure', false); // identity not yet confirmed: the clock stands still from today
    const running = await log('objection', true); // due 2026-02-05, weeks away
    platform.clock.advance('P3D'); // 2026-01-08
    const overdue = await log('access', true, '2025-11-12T10:00:00Z'); // due Friday 2025-12-12
    const dueSoon = await log('rectification', true, '2025-12-09T10:00:00Z'); // due Friday 2026-01-09, tomorrow
    const completed = await log('erasure', true); // nothing held of the subject: completed at once

    const o = await platform.overview();
    expect(o.requests).toMatchObject({
      open: 4,
      overdue: 1,
      attention: [
        { id: overdue.id, reading: { clock: { state: 'overdue', dueOn: '2025-12-12' } } },
        { id: dueSoon.id, reading: { clock: { state: 'due-soon', dueOn: '2026-01-09' } } },
        // 2026-02-05 and the 3 days it has waited: Sunday 2026-02-08, so the next working day
        { id: paused.id, reading: { clock: { state: 'paused', dueOn: '2026-02-09' } } },
      ],
    });

    const res = await app.inject({ method: 'GET', url: '/', headers: { authorization: `Bearer ${tokens.auditor}` } });
    expect(res.statusCode).toBe(200);
    const page = res.body;
    expect(page).toContain('<h2>Subject-rights requests</h2>\n<p><span class="big">4</span> open · <span class="big bad">1</span> overdue</p>');
    const rows = [
      `<tr class="overdue"><td><code>${overdue.id}</code></td><td>fake-pack</td><td>access</td><td>2025-11-12</td><td>2025-12-12</td><td><strong class="bad">OVERDUE</strong></td></tr>`,
      `<tr><td><code>${dueSoon.id}</code></td><td>fake-pack</td><td>rectification</td><td>2025-12-09</td><td>2026-01-09</td><td>due soon</td></tr>`,
      `<tr><td><code>${paused.id}</code></td><td>fake-pack</td><td>erasure</td><td>2026-01-05</td><td>2026-02-09</td><td>paused (waiting for identity)</td></tr>`,
    ];
    for (const row of rows) expect(page).toContain(row);
    expect(page.indexOf(rows[0]!)).toBeLessThan(page.indexOf(rows[1]!));
    expect(page.indexOf(rows[1]!)).toBeLessThan(page.indexOf(rows[2]!));
    // the section comes before the legal holds; a request weeks from its deadline and a completed one need no attention
    expect(page.indexOf('<h2>Subject-rights requests</h2>')).toBeLessThan(page.indexOf('<h2>Legal holds</h2>'));
    expect(page).not.toContain(`<code>${running.id}</code>`);
    expect(page).not.toContain(`<code>${completed.id}</code>`);

    // a pause for another reason says what the council waits for
    await platform.pauseRequest(running.id, 'fee', 'dpo-1'); // paused today: no day has waited yet, so still due 2026-02-05
    expect(renderStatusPage(await platform.overview())).toContain(`<tr><td><code>${running.id}</code></td><td>fake-pack</td><td>objection</td><td>2026-01-05</td><td>2026-02-05</td><td>paused (waiting for fee)</td></tr>`);

    // what reaches the page is escaped like everything else
    const [first] = o.requests.attention;
    const tampered = renderStatusPage({ ...o, requests: { ...o.requests, attention: [{ ...first!, id: XSS, controller: '<img src=x>' }] } });
    expect(tampered).not.toContain('<script');
    expect(tampered).not.toContain('<img');
    expect(tampered).toContain('<td><code>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</code></td><td>&lt;img src=x&gt;</td>');
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
