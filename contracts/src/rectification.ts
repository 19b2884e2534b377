import { z } from 'zod';
import type { SubjectIdentifier } from './envelope';

/**
 * A correction the person asked for (Art 16): which of their details, and its right value. The
 * value is personal data: it is sealed under the subject's key as soon as the request is logged.
 */
export const RECTIFIABLE = ['name', 'email', 'phone', 'date-of-birth', 'postcode'] as const;
export const Correction = z.strictObject({
  field: z.enum(RECTIFIABLE),
  value: z.string().min(1).max(254),
});
export type Correction = z.infer<typeof Correction>;

/** where each correctable detail sits in a payload: contact blocks, and the few fields outside them */
const CONTACT_KEYS: Record<Correction['field'], string> = { name: 'name', email: 'email', phone: 'phone', 'date-of-birth': 'dateOfBirth', postcode: 'postcode' };
const CONTACT_BLOCKS = ['contact', 'profile', 'payer'] as const;
const LOOSE: Partial<Record<Correction['field'], string[]>> = { phone: ['callerNumber'], name: ['visitorName'] };

/**
 * Applies corrections to one event's sealed part: its identifiers and every place in its payload
 * that holds the detail. Returns what changed, by path (no values), so a store that never held the
 * field is not written to.
 */
export function applyCorrections(sealed: { identifiers: SubjectIdentifier[]; payload: Record<string, unknown> }, corrections: readonly Correction[]): { identifiers: SubjectIdentifier[]; payload: Record<string, unknown>; changed: string[] } {
  const changed: string[] = [];
  const identifiers = sealed.identifiers.map((id, i) => {
    const c = corrections.find((x) => x.field === id.kind);
    if (!c || c.value === id.value) return id;
    changed.push(`identifiers[${i}]`);
    return { ...id, value: c.value };
  });
  const payload: Record<string, unknown> = { ...sealed.payload };
  for (const c of corrections) {
    for (const block of CONTACT_BLOCKS) {
      const b = payload[block];
      if (!b || typeof b !== 'object') continue;
      const copy = { ...(b as Record<string, unknown>) };
      if (c.field === 'postcode') {
        const addr = copy.address as Record<string, unknown> | undefined;
        if (addr && addr.postcode !== undefined && addr.postcode !== c.value) {
          copy.address = { ...addr, postcode: c.value };
          changed.push(`payload.${block}.address.postcode`);
        }
      } else {
        const k = CONTACT_KEYS[c.field];
        if (copy[k] !== undefined && copy[k] !== c.value) {
          copy[k] = c.value;
          changed.push(`payload.${block}.${k}`);
        }
      }
      payload[block] = copy;
    }
    for (const k of LOOSE[c.field] ?? []) {
      if (payload[k] !== undefined && payload[k] !== c.value) {
        payload[k] = c.value;
        changed.push(`payload.${k}`);
      }
    }
  }
  return { identifiers, payload, changed };
}
