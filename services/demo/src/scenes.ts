import type { IngestResult, PlatformService } from '@custodian/core';

/**
 * What the demo does with its generated people once their events are in, so the dashboard has holds,
 * subject-rights requests and erasure certificates to show from the first minute: a complaint hold
 * on a Newark & Sherwood caller, a subject access request at Derby, an erasure at North Kesteven
 * (partly granted when a complaint is open), a request waiting for proof of identity, a restriction.
 */
export async function demoScenes(platform: PlatformService, results: IngestResult[], actor = 'demo-dpo'): Promise<string[]> {
  const accepted = results.filter((r): r is Extract<IngestResult, { status: 'accepted' }> => r.status === 'accepted');
  const lines: string[] = [];
  const firstOf = async (controller: string, category: string) => {
    for (let i = accepted.length - 1; i >= 0; i--) {
      const v = await platform.record(accepted[i]!.recordId);
      if (v && v.record.controller === controller && v.record.category === category && v.record.status === 'active') return v.record;
    }
    return undefined;
  };
  const ns = await firstOf('newark-sherwood', 'call-recording');
  if (ns) {
    const h = await platform.placeHold({ controller: 'newark-sherwood', scope: { kind: 'subject', subjectRef: ns.subjectRef }, reason: 'complaint-investigation', reference: 'NSDC-CMP-DEMO-1', reviewEvery: 'P30D' }, actor);
    lines.push(`legal hold ${h.id}: a Newark & Sherwood caller's recordings kept for a complaint investigation (review every 30 days)`);
  }
  const derby = await firstOf('derby', 'enquiry');
  if (derby) {
    const r = await platform.receiveRequest({ controller: 'derby', kind: 'access', subjectRef: derby.subjectRef, identityVerified: true }, actor);
    lines.push(`subject access request ${r.id} at Derby, due ${r.reading.clock?.dueOn} (nothing of the person is purged while it is open)`);
  }
  const nk = await firstOf('north-kesteven', 'enquiry');
  if (nk) {
    const r = await platform.receiveRequest({ controller: 'north-kesteven', kind: 'erasure', subjectRef: nk.subjectRef, identityVerified: true }, actor);
    lines.push(`erasure ${r.id} at North Kesteven: ${r.outcome ?? r.status}${r.certificate ? ` (certificate: ${r.certificate.stores.length} store receipt(s))` : ''}`);
  }
  const notts = await firstOf('nottinghamshire', 'enquiry');
  if (notts) {
    const r = await platform.receiveRequest({ controller: 'nottinghamshire', kind: 'access', subjectRef: notts.subjectRef, identityVerified: false }, actor);
    lines.push(`subject access request ${r.id} at Nottinghamshire waiting for proof of identity (clock paused)`);
  }
  const durham = await firstOf('durham', 'crm-profile');
  if (durham) {
    const r = await platform.receiveRequest({ controller: 'durham', kind: 'restriction', subjectRef: durham.subjectRef, identityVerified: true }, actor);
    lines.push(`restriction ${r.id} at Durham: the person's data is only stored until it is lifted`);
  }
  return lines;
}

/**
 * Nottinghamshire's customer portal, simulated: it deletes (or corrects) its own copy when Custodian
 * sends a command, and acknowledges, the way a subscribed council system would.
 */
export function simulatePortal(platform: PlatformService, everyMs = 5_000): () => void {
  const timer = setInterval(() => {
    void (async () => {
      const commands = await platform.erasureCommands({ controller: 'nottinghamshire', store: 'customer-portal', limit: 500 });
      if (!commands.length) return;
      await platform.acknowledge(
        commands.map((c) => ({ commandId: c.commandId, recordId: c.recordId, store: c.store, outcome: 'deleted' as const, detail: c.action === 'rectify' ? 'details corrected in the portal' : 'removed from the portal' })),
        'demo-customer-portal',
      );
    })().catch(() => undefined);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
