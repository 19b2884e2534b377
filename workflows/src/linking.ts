import type { SubjectIdentifier } from '@custodian/contracts';

/**
 * The subject linking rule (documented in README "How subjects are linked"): identifiers are
 * normalised, then combined into linking keys. Events whose keys meet an existing key of the same
 * controller belong to the same subject. A name alone never links (too many people share one);
 * name + date of birth or name + postcode do. Councils are separate controllers: keys never cross them.
 * The keys are hashed with a secret (keyed blind index) before they are stored or compared.
 */

export function normaliseEmail(v: string): string {
  return v.trim().toLowerCase();
}

/** UK numbers to E.164 digits: "01529 414155", "+44 1529 414155" and "0044..." all become "441529414155". */
export function normalisePhone(v: string): string {
  let d = v.replace(/[^0-9+]/g, '');
  if (d.startsWith('+')) d = d.slice(1);
  else if (d.startsWith('00')) d = d.slice(2);
  else if (d.startsWith('0')) d = `44${d.slice(1)}`;
  // "+44 (0)1529 414155": the trunk 0 written after the country code is not dialled
  if (d.startsWith('440')) d = `44${d.slice(3)}`;
  return d;
}

export function normaliseName(v: string): string {
  // any script's letters count: folding to a-z would make every non-Latin name the same (empty) name
  return v.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N} ]/gu, ' ').replace(/\s+/g, ' ').trim();
}

export function normalisePostcode(v: string): string {
  return v.toUpperCase().replace(/\s+/g, '');
}

export function linkingKeys(ids: readonly SubjectIdentifier[]): string[] {
  const keys = new Set<string>();
  const names: string[] = [];
  const dobs: string[] = [];
  const postcodes: string[] = [];
  for (const id of ids) {
    switch (id.kind) {
      case 'email':
        keys.add(`email:${normaliseEmail(id.value)}`);
        break;
      case 'phone':
        keys.add(`phone:${normalisePhone(id.value)}`);
        break;
      case 'crm-customer-id':
        keys.add(`crm:${id.value.trim()}`);
        break;
      case 'chat-session':
        keys.add(`chat:${id.value.trim()}`);
        break;
      case 'name': {
        const n = normaliseName(id.value);
        if (n) names.push(n);
        break;
      }
      case 'date-of-birth':
        dobs.push(id.value.trim());
        break;
      case 'postcode':
        postcodes.push(normalisePostcode(id.value));
        break;
    }
  }
  for (const n of names) {
    for (const d of dobs) keys.add(`name+dob:${n}|${d}`);
    for (const p of postcodes) keys.add(`name+postcode:${n}|${p}`);
  }
  return [...keys].sort();
}
