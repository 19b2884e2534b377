import { HOLD_REASON_NAMES, LAWFUL_BASIS_NAMES, type HoldReason } from '@custodian/contracts';
import { holdsOn, type Hold } from './hold';
import type { RecordState } from './record';

/**
 * Whether one record is erased on a subject's request, with the legal reason (UK GDPR Art 17, the
 * ICO's rights-by-basis table in shared/knowledge/uk-data-protection.md). Decided per record: one
 * request can be granted for consent-based contact data and refused for a complaint still open
 * under public task.
 */
export type ErasureDecision =
  | { recordId: string; category: string; decision: 'erase'; article: string; reason: string }
  | { recordId: string; category: string; decision: 'refuse'; article: string; reason: string; until: string | null; holds?: string[] }
  | { recordId: string; category: string; decision: 'already-gone'; article: null; reason: string };

/** the exemption a hold's purpose rests on when it stops an erasure */
export const HOLD_EXEMPTION: Record<HoldReason, string> = {
  'complaint-investigation': 'Art 17(3)(b)',
  'crime-or-fraud': 'DPA 2018 Sch 2 para 2',
  'staff-protection': 'Art 17(3)(b)',
  'legal-claim': 'Art 17(3)(e)',
  ombudsman: 'Art 17(3)(b)',
  'subject-access-request': 'DPA 2018 s173',
  restriction: 'none (a restriction delays the deletion)',
  objection: 'none (an objection delays the deletion)',
  'operational-pause': 'none (a pause delays the deletion)',
};

/** holds that delay a deletion but are never a reason to refuse one: the person's own restriction, an objection being assessed, an operator's pause */
export const DELAYING_REASONS: ReadonlySet<HoldReason> = new Set(['restriction', 'objection', 'operational-pause']);

const WORDS: Record<string, string> = { complaint: 'complaint', enquiry: 'enquiry', 'crm-profile': 'customer account' };

export function decideErasure(r: RecordState, nowIso: string, holds: readonly Hold[]): ErasureDecision {
  const base = { recordId: r.id, category: r.category };
  if (r.status === 'disposed') return { ...base, decision: 'already-gone', article: null, reason: `Already disposed at ${r.disposal?.completedAt ?? 'an earlier time'}; nothing is left to erase.` };
  if (r.status === 'disposing') return { ...base, decision: 'already-gone', article: null, reason: `Disposal already under way since ${r.disposal?.startedAt}; every store is being deleted.` };
  // a pause or restriction delays the deletions (their tasks wait) but is no reason to refuse
  const on = holdsOn(r, holds).filter((h) => !DELAYING_REASONS.has(h.reason));
  if (on.length) {
    const first = on[0]!;
    return {
      ...base,
      decision: 'refuse',
      article: HOLD_EXEMPTION[first.reason],
      reason: `Refused under ${HOLD_EXEMPTION[first.reason]}: kept under legal hold ${on.map((h) => `${h.id} (${HOLD_REASON_NAMES[h.reason]}${h.reference ? `, ${h.reference}` : ''})`).join(' and ')}; reconsidered when released.`,
      until: null,
      holds: on.map((h) => h.id),
    };
  }
  const basis = `${r.lawfulBasis} ${LAWFUL_BASIS_NAMES[r.lawfulBasis]}`;
  const thing = WORDS[r.category] ?? r.category.replace(/-/g, ' ');
  const due = r.dueAt !== null && r.dueAt <= nowIso;
  switch (r.lawfulBasis) {
    case '6(1)(a)':
      return { ...base, decision: 'erase', article: 'Art 17(1)(b)', reason: `Granted under Art 17(1)(b): held on ${basis}, which the request withdraws, and no other basis applies.` };
    case '6(1)(d)':
      return { ...base, decision: 'erase', article: 'Art 17(1)(a)', reason: `Granted under Art 17(1)(a): held on ${basis}; no longer necessary.` };
    case '6(1)(f)':
      return { ...base, decision: 'erase', article: 'Art 17(1)(c)', reason: `Granted under Art 17(1)(c): held on ${basis}; no overriding legitimate grounds are recorded.` };
    case '6(1)(b)':
      if (r.lifecycle.open && !due) return { ...base, decision: 'refuse', article: 'Art 17(1)(a) not met', reason: `Refused: held on ${basis} and the ${thing} is still open, so it is still necessary for the contract (Art 17(1)(a) does not apply).`, until: null };
      return { ...base, decision: 'erase', article: 'Art 17(1)(a)', reason: `Granted under Art 17(1)(a): held on ${basis} and the ${thing} is finished; no longer necessary.` };
    case '6(1)(c)':
    case '6(1)(e)': {
      if (due) return { ...base, decision: 'erase', article: 'Art 17(1)(a)', reason: `Granted under Art 17(1)(a): held on ${basis}, but its retention ended at ${r.dueAt}, so it is no longer necessary.` };
      const task = r.lawfulBasis === '6(1)(e)' ? 'the council\'s public task' : 'a legal obligation';
      if (r.dueAt === null && r.retention.trigger === 'closed' && r.lifecycle.open) {
        return { ...base, decision: 'refuse', article: 'Art 17(3)(b)', reason: `Refused under Art 17(3)(b) while the ${thing} is open: it is held on ${basis} for ${task}; its retention (${r.retention.duration}) starts at closure.`, until: null };
      }
      return { ...base, decision: 'refuse', article: 'Art 17(3)(b)', reason: `Refused under Art 17(3)(b): held on ${basis} for ${task} and kept until its retention ends${r.dueAt ? ` at ${r.dueAt}` : ''}, when it is disposed.`, until: r.dueAt };
    }
  }
}

/** one sentence for a partial outcome: what was granted, what was refused and why */
export function summariseErasure(ds: readonly ErasureDecision[]): string {
  const erase = ds.filter((d) => d.decision === 'erase').length;
  const refused = ds.filter((d) => d.decision === 'refuse');
  const gone = ds.filter((d) => d.decision === 'already-gone').length;
  const parts = [`${erase} record(s) to erase`];
  if (refused.length) parts.push(`${refused.length} refused (${[...new Set(refused.map((d) => d.article))].join(', ')})`);
  if (gone) parts.push(`${gone} already disposed or being disposed`);
  const outcome = !erase && !gone ? 'refused' : refused.length ? 'partly granted' : 'granted';
  return `Erasure ${outcome}: ${parts.join('; ')}.`;
}

/**
 * Withdrawal of consent (Art 7(3)): consent-based records are erased (Art 17(1)(b)) unless a hold
 * keeps them; records held on another basis carry on unaffected, and say so.
 */
export function decideConsentWithdrawal(r: RecordState, nowIso: string, holds: readonly Hold[]): ErasureDecision {
  if (r.lawfulBasis !== '6(1)(a)' && r.status !== 'disposed' && r.status !== 'disposing') {
    return { recordId: r.id, category: r.category, decision: 'refuse', article: 'Art 7(3) not applicable', reason: `Unaffected: held on ${r.lawfulBasis} ${LAWFUL_BASIS_NAMES[r.lawfulBasis]}, not on consent, so withdrawing consent does not end its processing.`, until: r.dueAt };
  }
  return decideErasure(r, nowIso, holds);
}

/**
 * An objection upheld (Art 21(1)): records processed under public task or legitimate interests are
 * erased (Art 17(1)(c)) unless a hold keeps them; records on other bases are not what was objected to.
 */
export function decideObjectionUpheld(r: RecordState, nowIso: string, holds: readonly Hold[]): ErasureDecision {
  const base = { recordId: r.id, category: r.category };
  if (r.lawfulBasis !== '6(1)(e)' && r.lawfulBasis !== '6(1)(f)') {
    if (r.status === 'disposed' || r.status === 'disposing') return decideErasure(r, nowIso, holds);
    return { ...base, decision: 'refuse', article: 'Art 21 not applicable', reason: `Unaffected: held on ${r.lawfulBasis} ${LAWFUL_BASIS_NAMES[r.lawfulBasis]}; the right to object covers public task and legitimate interests only.`, until: r.dueAt };
  }
  const d = decideErasure(r, nowIso, holds);
  if (d.decision === 'refuse' && d.holds?.length) return d;
  if (d.decision === 'already-gone') return d;
  return { ...base, decision: 'erase', article: 'Art 17(1)(c)', reason: `Granted under Art 17(1)(c): the objection was upheld (no compelling legitimate grounds override it), so processing on ${r.lawfulBasis} ${LAWFUL_BASIS_NAMES[r.lawfulBasis]} stops and the data is erased.` };
}
