import type { AccessExport, RequestView } from '@custodian/core';

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function value(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return esc(v);
  if (Array.isArray(v)) return v.map(value).join(', ');
  return `<dl>${Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `<dt>${esc(k)}</dt><dd>${value(x)}</dd>`)
    .join('')}</dl>`;
}

/**
 * The readable copy of a subject access (or portability) export: one self-contained HTML page the
 * council can print or send, in the order the ICO's guidance lists what a reply must say.
 */
export function renderAccessDocument(pkg: AccessExport, req: RequestView): string {
  const title = `${req.kind === 'portability' ? 'Your data, in a portable form' : 'Your personal data'} — ${pkg.council}`;
  const records = pkg.records
    .map(
      (r) => `<section>
  <h2>${esc(r.description)} <small>(${esc(r.category)}, ${esc(r.status)})</small></h2>
  <p><b>Why we hold it:</b> ${esc(r.purposes.join('; '))}. <b>Lawful basis:</b> ${esc(r.lawfulBasis)}.</p>
  <p><b>How long we keep it:</b> ${esc(r.retention)}${r.dueAt ? `, so until ${esc(r.dueAt.slice(0, 10))}` : ''}. <b>Where it is held:</b> ${esc(r.heldIn.join(', ') || 'only in this record')}.</p>
  ${r.events
    .map(
      (e) => `<article><h3>${esc(e.type)} — ${esc(e.occurredAt)}</h3>
    ${e.data === '[erased]' ? '<p><i>[erased]</i></p>' : `<h4>How we identified you</h4>${value(e.identifiers)}<h4>What we recorded</h4>${value(e.data)}`}</article>`,
    )
    .join('\n  ')}
</section>`,
    )
    .join('\n');
  const withheld = pkg.withheld.length
    ? `<section><h2>Information withheld</h2><p>Some details name other people and are withheld to protect them (UK GDPR Art 15(4)).</p><ul>${pkg.withheld.map((w) => `<li>${esc(w.path)} in ${esc(w.eventId)}</li>`).join('')}</ul></section>`
    : '';
  const notPortable = pkg.notPortable.length
    ? `<section><h2>Not included</h2><ul>${pkg.notPortable.map((n) => `<li>${esc(n.category)}: ${esc(n.reason)}</li>`).join('')}</ul></section>`
    : '';
  return `<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font:15px/1.45 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem}section{border-top:1px solid #ccc;margin-top:1.5rem}dt{font-weight:600}dd{margin:0 0 .4rem 1rem}small{color:#555}</style></head>
<body>
<h1>${esc(title)}</h1>
<p>Request ${esc(req.id)}, received ${esc(req.clock.receivedOn)}. Prepared ${esc(pkg.generatedAt.slice(0, 10))}. ${esc(pkg.records.length)} record(s).</p>
<p>You also have the right to ask us to correct or erase your data, to restrict or object to how we use it, and to complain to the Information Commissioner's Office (ico.org.uk).</p>
${records}
${withheld}
${notPortable}
</body></html>`;
}
