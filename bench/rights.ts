/**
 * Subject rights on the embedded runtime, each beside the raw limit measured in the same run:
 *   - an erasure across five stores (Nottinghamshire: CRM and web chat and payments over HTTP to the
 *     vendor simulator on loopback, call recordings as files, the customer portal by command with
 *     its acknowledgement) plus Custodian's own log: from the decision to the certificate, p95 over
 *     BENCH_RIGHTS_SUBJECTS subjects (target < 1 s with every store healthy). Nottinghamshire holds
 *     these records on public task, so the erasure is the one an upheld objection triggers (Art
 *     17(1)(c)); it runs through the same decision, tasks, connectors and certificate as any erasure.
 *     Raw: the same five deletions made by calling the connectors directly, in parallel.
 *   - a subject access export for a subject with 1,000 records (target < 300 ms). Raw: reading the
 *     same 1,000 sealed events from SQLite and decrypting them with the subject's key, no platform.
 * `npx tsx bench/rights.ts` (or BENCH_ONLY=rights npx tsx bench/run.ts); --no-write leaves BENCHMARKS.md alone.
 */
import { createDecipheriv } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { FilesConnector, HttpDeletionConnector, StaticConnectorDirectory, startVendorSimulator } from '@custodian/connectors';
import { MasterKey, loadPolicyPacks, unpackSealed, type IngestResult } from '@custodian/core';
import { EmbeddedRuntime } from '@custodian/embedded';
import { demoBindings, simulatorId } from '@custodian/demo/src/bindings';
import { machineFacts } from './facts';
import { envInt, upsertSection } from './kafka';
import { ingestMix } from './gen';
import { median, nowNs, secondsSince } from './util';

export const RIGHTS_HEADING = (date: string) => `## ${date} — subject rights (erasure fan-out, subject access)`;
const NOTTS = 'nottinghamshire';
const DERBY = 'derby';
const NOW = new Date('2026-03-10T10:00:00Z');
const log = (m: string) => process.stderr.write(`[bench rights] ${m}\n`);
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)]!;
const ms = (s: number) => `${(s * 1000).toFixed(0)} ms`;

function env(type: string, controller: string, category: string, n: string, email: string, payload: Record<string, unknown>, locations: Array<{ store: string; locator: string }>) {
  return { eventId: `evt-${n}-${type}`, type, version: 1, source: { system: 'bench' }, controller, occurredAt: '2026-03-09T09:00:00Z', subject: { identifiers: [{ kind: 'email', value: email }] }, category, locations, payload };
}

function fiveStoreSubject(i: number) {
  const n = String(i).padStart(5, '0');
  const email = `person${n}@example.org`;
  return [
    env('contact.received', NOTTS, 'enquiry', n, email, { caseRef: `ENQ-${n}`, channel: 'phone', summary: 'Missed bin', contact: { email } }, [
      { store: 'crm', locator: `ENQ-${n}` },
      { store: 'customer-portal', locator: `portal/ENQ-${n}` },
    ]),
    env('call.recorded', NOTTS, 'call-recording', n, email, { recordingId: `REC-${n}`, direction: 'inbound', team: 'customer-services', callCentreLocation: 'county-hall', startedAt: '2026-03-09T09:00:00Z', durationSeconds: 120, pauses: [] }, [
      { store: 'call-recordings', locator: `2026/03/REC-${n}.wav` },
    ]),
    env('webchat.recorded', NOTTS, 'webchat-recording', n, email, { chatId: `C4A-${n}`, provider: 'click4assistance', team: 'customer-services', callCentreLocation: 'county-hall', startedAt: '2026-03-09T09:00:00Z', durationSeconds: 300, pauses: [] }, [
      { store: 'click4assistance', locator: `C4A-${n}` },
    ]),
    env('payment.taken', NOTTS, 'payment', n, email, { paymentRef: `PAY-${n}`, amountPence: 4500, service: 'Garden waste permit', channel: 'phone', card: { token: 'tok_9f8e7d6c5b4a', last4: '1111' } }, [{ store: 'payments', locator: `PAY-${n}` }]),
  ];
}

export interface RightsResults {
  subjects: number;
  background: number;
  erasureS: number[];
  rawErasureS: number[];
  sarRecords: number;
  sarS: number[];
  rawSarS: number[];
}

export async function rightsBench(subjects: number, runs: number, background: number): Promise<RightsResults> {
  const dir = mkdtempSync(join(tmpdir(), 'custodian-bench-rights-'));
  const token = 'bench-vendor-token';
  const sim = await startVendorSimulator({ token, host: '127.0.0.1', port: 0 });
  try {
    const packs = loadPolicyPacks();
    const filesRoot = join(dir, 'files');
    const bindings = demoBindings(packs, { filesRoot, vendorUrl: sim.url, tokenEnv: 'BENCH_VENDOR_TOKEN' });
    const httpEnv = { env: { BENCH_VENDOR_TOKEN: token } };
    const rt = EmbeddedRuntime.open({ dataDir: join(dir, 'data'), simulatedClock: true, frozenAt: NOW, packs, connectors: new StaticConnectorDirectory(bindings, { http: httpEnv }), masterKey: Buffer.alloc(32, 7) });
    const place = async (controller: string, store: string, locator: string) => {
      const kind = packs.find((p) => p.pack.id === controller)!.pack.stores.find((s) => s.id === store)!.kind;
      if (kind === 'files') {
        const f = join(filesRoot, controller, store, locator);
        mkdirSync(dirname(f), { recursive: true });
        writeFileSync(f, Buffer.alloc(2048));
      } else if (kind === 'http') await fetch(`${sim.url}/v1/recordings/${encodeURIComponent(simulatorId(controller, store, locator))}`, { method: 'PUT', headers: { authorization: `Bearer ${token}` } });
    };
    const out: RightsResults = { subjects, background, erasureS: [], rawErasureS: [], sarRecords: 1_000, sarS: [], rawSarS: [] };
    // a registry with other people in it, so no query is timed on a near-empty store (the ingest bench's mix)
    const mix = ingestMix(background, NOW, 7).events;
    for (let i = 0; i < mix.length; i += 1_000) await rt.platform.ingest(mix.slice(i, i + 1_000), 'bench');
    await rt.platform.project();
    log(`background: ${background} events of other people registered`);

    // ---- erasure across five stores
    const refs: string[] = [];
    for (let i = 0; i < subjects; i++) {
      const events = fiveStoreSubject(i);
      for (const e of events) for (const l of e.locations) await place(NOTTS, l.store, l.locator);
      const res = (await rt.platform.ingest(events, 'bench')) as IngestResult[];
      const a = res[0]!;
      if (a.status !== 'accepted') throw new Error(`bench event rejected: ${JSON.stringify(res)}`);
      refs.push(a.subjectRef);
    }
    await rt.platform.project();
    const portal = { controller: NOTTS, store: 'customer-portal', limit: 100 };
    for (const ref of refs) {
      const o = await rt.platform.receiveRequest({ controller: NOTTS, kind: 'objection', subjectRef: ref, identityVerified: true }, 'bench-dpo');
      const t0 = nowNs();
      const begun = await rt.platform.decideObjection(o.id, { upheld: true, reason: 'bench' }, 'bench-dpo');
      // the subscribed portal answers its command as soon as it sees it
      const cmds = await rt.platform.erasureCommands(portal);
      await rt.platform.acknowledge(cmds.map((c) => ({ commandId: c.commandId, recordId: c.recordId, store: c.store, outcome: 'deleted' as const, detail: 'removed' })), 'bench-portal');
      const done = (await rt.platform.request(begun.id))!;
      out.erasureS.push(secondsSince(t0));
      if (done.status !== 'completed' || new Set(done.certificate!.stores.map((s) => s.store)).size !== 6) throw new Error(`erasure check: ${done.status}, stores ${JSON.stringify(done.certificate?.stores.map((s) => s.store))}`);
    }
    log(`erasure across five stores: p95 ${ms(p95(out.erasureS))}, median ${ms(median(out.erasureS))} over ${subjects} subjects`);

    // raw: the same five deletions, straight to the connectors, in parallel
    const files = new FilesConnector({ root: join(filesRoot, NOTTS, 'call-recordings') });
    const http = (store: string) => new HttpDeletionConnector({ ...(bindings.find((b) => b.controller === NOTTS && b.store === store) as never as { urlTemplate: string }), headers: { Authorization: `Bearer ${token}` } });
    const crm = http('crm');
    const c4a = http('click4assistance');
    const pay = http('payments');
    const outbox = rt.store.commands;
    for (let i = 0; i < subjects; i++) {
      const n = String(100_000 + i);
      for (const [store, locator] of [['crm', `ENQ-${n}`], ['call-recordings', `2026/03/REC-${n}.wav`], ['click4assistance', `C4A-${n}`], ['payments', `PAY-${n}`]] as const) await place(NOTTS, store, locator);
      const req = (store: string, locator: string) => [{ taskId: `raw-${store}-${n}`, recordId: `rec_raw${n}`, controller: NOTTS, store, locator, attempt: 1 }];
      const t0 = nowNs();
      await Promise.all([
        crm.delete(req('crm', `ENQ-${n}`)),
        files.delete(req('call-recordings', `2026/03/REC-${n}.wav`)),
        c4a.delete(req('click4assistance', `C4A-${n}`)),
        pay.delete(req('payments', `PAY-${n}`)),
        outbox.send([{ commandId: `raw-portal-${n}`, recordId: `rec_raw${n}`, controller: NOTTS, store: 'customer-portal', locator: `portal/ENQ-${n}`, issuedAt: NOW.toISOString(), attempt: 1 }]).then(() => outbox.acknowledged([`raw-portal-${n}`], NOW.toISOString())),
      ]);
      out.rawErasureS.push(secondsSince(t0));
    }
    log(`raw five deletions: p95 ${ms(p95(out.rawErasureS))}`);

    // ---- a subject access export for 1,000 records
    const email = 'frequent.caller@example.org';
    for (let i = 0; i < out.sarRecords; i += 500) {
      const batch = Array.from({ length: Math.min(500, out.sarRecords - i) }, (_, k) => env('contact.received', DERBY, 'enquiry', `sar-${i + k}`, email, { caseRef: `ENQ-SAR-${i + k}`, channel: 'phone', summary: 'Asked again about the bins', contact: { name: 'Fran Caller', email } }, [{ store: 'crm', locator: `ENQ-SAR-${i + k}` }]));
      await rt.platform.ingest(batch, 'bench');
    }
    await rt.platform.project();
    const sar = await rt.platform.receiveRequest({ controller: DERBY, kind: 'access', identifiers: [{ kind: 'email', value: email }], identityVerified: true }, 'bench-dpo');
    await rt.platform.accessPackage(sar.id); // warm-up
    for (let run = 0; run < runs * 3; run++) {
      const t0 = nowNs();
      const pkg = await rt.platform.accessPackage(sar.id);
      out.sarS.push(secondsSince(t0));
      if (pkg.records.length !== out.sarRecords || pkg.records.some((r) => r.events.length !== 1 || r.events[0]!.data === '[erased]')) throw new Error('SAR check failed');
    }
    log(`subject access export, ${out.sarRecords} records: median ${ms(median(out.sarS))}, max ${ms(Math.max(...out.sarS))}`);

    // raw: the same sealed rows read and decrypted, no platform
    const master = new MasterKey(Buffer.alloc(32, 7));
    const kid = `subj:${sar.subjectRef}`;
    const dataKey = master.unwrap(kid, (await rt.store.vault.get([kid])).get(kid)!);
    const rows = rt.store.db.prepare(`SELECT l.event_id AS id, l.sealed FROM event_log l JOIN records r ON r.id = l.record_id WHERE r.subject_ref = ?`);
    for (let run = 0; run < runs * 3; run++) {
      const t0 = nowNs();
      let n = 0;
      for (const row of rows.iterate(sar.subjectRef) as Iterable<{ id: string; sealed: Buffer }>) {
        const box = unpackSealed(row.sealed);
        const d = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(box.iv, 'base64'));
        d.setAAD(Buffer.from(`${box.kid}|${row.id}`));
        d.setAuthTag(Buffer.from(box.tag, 'base64'));
        JSON.parse(Buffer.concat([d.update(Buffer.from(box.ct, 'base64')), d.final()]).toString('utf8'));
        n++;
      }
      out.rawSarS.push(secondsSince(t0));
      if (n !== out.sarRecords) throw new Error(`raw SAR read ${n} rows`);
    }
    await rt.stop();
    return out;
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function rightsReport(r: RightsResults, date: string, machine: string): string {
  const ePlat = p95(r.erasureS);
  const eRaw = p95(r.rawErasureS);
  const sPlat = median(r.sarS);
  const sRaw = median(r.rawSarS);
  return [
    RIGHTS_HEADING(date),
    '',
    `| Measurement | Platform | Raw limit (same run) | Platform / raw | Target | Met |`,
    `|---|---:|---:|---:|---:|:-:|`,
    `| Erasure across five stores + the log, decision to certificate (p95 of ${r.subjects} subjects) | ${ms(ePlat)} | ${ms(eRaw)} (the five deletions called directly, in parallel) | ${(ePlat / eRaw).toFixed(1)}× | < 1 s | ${ePlat < 1 ? 'yes' : '**no**'} |`,
    `| Subject access export, ${r.sarRecords} records, decrypted (median of ${r.sarS.length}) | ${ms(sPlat)} | ${ms(sRaw)} (the sealed rows read and decrypted) | ${(sPlat / sRaw).toFixed(1)}× | < 300 ms | ${sPlat < 0.3 ? 'yes' : '**no**'} |`,
    '',
    `Beside ${r.background.toLocaleString('en-GB')} events of other people already registered. Erasure, per subject: median ${ms(median(r.erasureS))}, max ${ms(Math.max(...r.erasureS))}; raw median ${ms(median(r.rawErasureS))}. Subject access: max ${ms(Math.max(...r.sarS))}; raw max ${ms(Math.max(...r.rawSarS))}.`,
    '',
    `Machine: ${machine}. Vendor APIs are the loopback simulator; the portal acknowledges each command as soon as it is fetched, so the figure is Custodian's own time, not a council system's.`,
  ].join('\n');
}

export async function rightsMain(write: boolean): Promise<string> {
  const f = machineFacts();
  const r = await rightsBench(envInt('BENCH_RIGHTS_SUBJECTS', 20), envInt('BENCH_RUNS', 3), envInt('BENCH_RIGHTS_BACKGROUND', 20_000));
  const md = rightsReport(r, f.date.slice(0, 10), `${f.cpu}, ${f.cores} cores, ${f.ramGiB} GiB RAM, Node ${f.node}, SQLite ${f.sqlite}; measured ${f.date}`);
  process.stdout.write(`\n${md}\n`);
  if (write) {
    upsertSection(md);
    log('BENCHMARKS.md updated (subject rights section)');
  }
  return md;
}

if (require.main === module) {
  rightsMain(!process.argv.includes('--no-write')).catch((e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  });
}
