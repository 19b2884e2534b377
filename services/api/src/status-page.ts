/**
 * A read-only status page for the DPO and operations, rendered as one HTML string. Every value is
 * escaped by the `html` tag itself (only nested `html` fragments pass through unescaped), so a
 * forgotten call cannot open an injection: dead-letter reasons echo what council systems sent.
 * The page never shows a dead letter's original, only its reasons.
 */
import { HOLD_REASON_NAMES } from '@custodian/contracts';
import type { HoldView, Overview } from '@custodian/core';
import { describeScope, type ClockState, type RecordState } from '@custodian/workflows';

export const REFRESH_SECONDS = 10;

class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function fragment(v: unknown): string {
  if (v instanceof Html) return v.value;
  if (Array.isArray(v)) return v.map(fragment).join('');
  if (v === null || v === undefined) return '';
  return escapeHtml(String(v));
}

function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += fragment(v) + strings[i + 1]!;
  });
  return new Html(out);
}

const STATUSES: RecordState['status'][] = ['active', 'disposing', 'disposed'];

function countsTable(o: Overview): Html {
  const rows = new Map<string, { controller: string; category: string; n: Record<string, number> }>();
  for (const s of o.stats.byControllerCategoryStatus) {
    const k = `${s.controller}\u0000${s.category}`;
    const row = rows.get(k) ?? { controller: s.controller, category: s.category, n: {} };
    row.n[s.status] = (row.n[s.status] ?? 0) + s.count;
    rows.set(k, row);
  }
  const sorted = [...rows.values()].sort((a, b) => a.controller.localeCompare(b.controller) || a.category.localeCompare(b.category));
  if (sorted.length === 0) return html`<p class="empty">No records yet.</p>`;
  return html`<table>
<thead><tr><th>Council</th><th>Category</th>${STATUSES.map((s) => html`<th class="n">${s}</th>`)}</tr></thead>
<tbody>${sorted.map(
    (r) => html`<tr><td>${r.controller}</td><td>${r.category}</td>${STATUSES.map((s) => html`<td class="n">${r.n[s] ?? 0}</td>`)}</tr>`,
  )}</tbody></table>`;
}

function dueSoon(records: RecordState[]): Html {
  if (records.length === 0) return html`<p class="empty">Nothing due soon.</p>`;
  return html`<table><thead><tr><th>Record</th><th>Council</th><th>Category</th><th>Due</th><th>Why</th></tr></thead>
<tbody>${records.map(
    (r) => html`<tr><td><code>${r.id}</code></td><td>${r.controller}</td><td>${r.category}</td><td>${r.dueAt ?? '—'}</td><td>${r.dueReason}</td></tr>`,
  )}</tbody></table>`;
}

function disposed(records: RecordState[]): Html {
  if (records.length === 0) return html`<p class="empty">Nothing disposed yet.</p>`;
  return html`<table><thead><tr><th>Record</th><th>Council</th><th>Category</th><th>Completed</th><th class="n">Receipts</th><th>Stores</th></tr></thead>
<tbody>${records.map((r) => {
    const receipts = r.disposal?.receipts ?? [];
    const stores = [...new Set(receipts.map((x) => x.store))].join(', ');
    return html`<tr><td><code>${r.id}</code></td><td>${r.controller}</td><td>${r.category}</td><td>${r.disposal?.completedAt ?? 'in progress'}</td><td class="n">${receipts.length}</td><td>${stores}</td></tr>`;
  })}</tbody></table>`;
}

function deadLetters(o: Overview): Html {
  const latest = o.deadLetters.latest;
  const list = latest.length
    ? html`<table><thead><tr><th>Dead letter</th><th>Received</th><th>Type</th><th>Council</th><th>Reasons</th></tr></thead>
<tbody>${latest.map(
        (d) => html`<tr><td><code>${d.id}</code></td><td>${d.receivedAt}</td><td>${d.type ?? '—'}</td><td>${d.controller ?? '—'}</td><td><ul>${d.reasons.map(
          (r) => html`<li><code>${r.path}</code> ${r.message}</li>`,
        )}</ul></td></tr>`,
      )}</tbody></table>`
    : html``;
  return html`<p><span class="big">${o.deadLetters.open}</span> open</p>${list}`;
}

const CLOCK_WORDS: Record<ClockState, string> = { overdue: 'overdue', 'due-soon': 'due soon', running: 'running', paused: 'paused' };

/** open requests, overdue ones, and those overdue, due within a week or paused (most urgent first, paused last) */
function subjectRequests(o: Overview): Html {
  const r = o.requests;
  const summary = html`<p><span class="big">${r.open}</span> open · <span class="${r.overdue > 0 ? 'big bad' : 'big'}">${r.overdue}</span> overdue</p>`;
  if (r.attention.length === 0) return html`${summary}<p class="empty">No request overdue, due within a week or paused.</p>`;
  return html`${summary}<table><thead><tr><th>Request</th><th>Council</th><th>Kind</th><th>Received</th><th>Due</th><th>State</th></tr></thead>
<tbody>${r.attention.map((x) => {
    const clock = x.reading.clock;
    const overdue = clock?.state === 'overdue';
    const state = overdue
      ? html`<strong class="bad">OVERDUE</strong>`
      : clock?.state === 'paused'
        ? `paused (waiting for ${x.clock.pauses.find((p) => p.to === null)?.reason ?? '?'})`
        : clock
          ? CLOCK_WORDS[clock.state]
          : x.status;
    return html`<tr${overdue ? html` class="overdue"` : ''}><td><code>${x.id}</code></td><td>${x.controller}</td><td>${x.kind}</td><td>${x.clock.receivedOn}</td><td>${clock?.dueOn ?? '—'}</td><td>${state}</td></tr>`;
  })}</tbody></table>`;
}

const REVIEW_WORDS: Record<HoldView['review'], string> = { overdue: 'overdue', 'due-soon': 'due soon', ok: 'ok', closed: 'released' };

/** open holds, overdue reviews, and the holds whose review is overdue or due within a week (most urgent first) */
function legalHolds(o: Overview): Html {
  const h = o.holds;
  const summary = html`<p><span class="big">${h.open}</span> open · <span class="${h.reviewsOverdue > 0 ? 'big bad' : 'big'}">${h.reviewsOverdue}</span> review(s) overdue</p>`;
  if (h.attention.length === 0) return html`${summary}<p class="empty">No review overdue or due within a week.</p>`;
  return html`${summary}<table><thead><tr><th>Hold</th><th>Council</th><th>Reason</th><th>Scope</th><th>Next review</th><th>Review</th></tr></thead>
<tbody>${h.attention.map((x) => {
    const overdue = x.review === 'overdue';
    return html`<tr${overdue ? html` class="overdue"` : ''}><td><code>${x.id}</code></td><td>${x.controller}</td><td>${HOLD_REASON_NAMES[x.reason] ?? x.reason}${x.reference ? html` <small>(${x.reference})</small>` : ''}</td><td>${describeScope(x.scope)}</td><td>${x.nextReviewAt}</td><td>${overdue ? html`<strong class="bad">OVERDUE</strong>` : REVIEW_WORDS[x.review]}</td></tr>`;
  })}</tbody></table>`;
}

export function renderStatusPage(o: Overview): string {
  const s = o.stats;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="refresh" content="${REFRESH_SECONDS}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Custodian status</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:1.5rem auto;max-width:72rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem;margin:0 0 .25rem}h2{font-size:1.05rem;margin:1.6rem 0 .4rem;border-bottom:1px solid #ddd}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid #eee;vertical-align:top}
th{background:#f6f6f6}.n{text-align:right}.empty{color:#666}.big{font-size:1.4rem;font-weight:600}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:.6rem;background:#ffe08a;font-size:.8rem;margin-left:.5rem}
.bad{color:#b00020;font-weight:600}tr.overdue td{background:#fdecea}code{font-size:.9em}ul{margin:0;padding-left:1rem}footer{margin-top:2rem;color:#666;font-size:.85rem}
</style>
</head>
<body>
<h1>Custodian status</h1>
<p>Platform time <strong>${o.now}</strong>${o.simulatedClock ? html`<span class="badge">simulated clock</span>` : ''}</p>
<p>Councils: ${o.councils.map((c, i) => html`${i ? ', ' : ''}${c.council} <small>(${c.id} v${c.version})</small>`)}</p>

<h2>Records by council, category and status</h2>
${countsTable(o)}

<h2>Due soon</h2>
${dueSoon(s.dueSoon)}

<h2>Recently disposed</h2>
${disposed(s.recentlyDisposed)}

<h2>Deletion tasks</h2>
<p><span class="${s.failedTasks > 0 ? 'big bad' : 'big'}">${s.failedTasks}</span> failed · <span class="big">${s.pendingTasks}</span> pending</p>

<h2>Subject-rights requests</h2>
${subjectRequests(o)}

<h2>Legal holds</h2>
${legalHolds(o)}

<h2>Dead-letter queue</h2>
${deadLetters(o)}

<h2>Audit trail</h2>
<p>${o.audit.entries} entries · head hash <code>${o.audit.headHash ?? '(empty)'}</code></p>

<footer>Read-only. Refreshes every ${REFRESH_SECONDS} s.</footer>
</body>
</html>
`;
  return page.value;
}
