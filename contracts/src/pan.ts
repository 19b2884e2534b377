/**
 * Primary account number (card number) detection and redaction, per PCI DSS v4.0.1:
 * strip separators, 12–19 digit runs, a known issuer prefix, then the Luhn check
 * (shared/knowledge/uk-data-protection.md, "Card data"). Pure: used by ingest before
 * anything is stored, including the dead-letter copy of a rejected event.
 */

const ISSUER_PREFIXES: Array<[number, number, number]> = [
  // [prefix length, from, to] inclusive
  [1, 4, 4], // Visa
  [2, 51, 55], [4, 2221, 2720], // Mastercard
  [2, 34, 34], [2, 37, 37], // Amex
  [4, 6011, 6011], [3, 644, 649], [2, 65, 65], // Discover
  [4, 3528, 3589], // JCB
  [3, 300, 305], [2, 36, 36], [2, 38, 39], // Diners
  [2, 62, 62], // UnionPay
  [2, 50, 50], [2, 56, 69], // Maestro
];

export function hasIssuerPrefix(digits: string): boolean {
  return ISSUER_PREFIXES.some(([len, from, to]) => {
    if (digits.length < len) return false;
    const p = Number(digits.slice(0, len));
    return p >= from && p <= to;
  });
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

export function isPan(digits: string): boolean {
  return digits.length >= 12 && digits.length <= 19 && hasIssuerPrefix(digits) && luhnValid(digits);
}

// A candidate is a run of digits possibly broken by spaces or dashes (how people type card numbers).
const CANDIDATE = /\d(?:[ -]?\d){11,22}/g;

export interface PanMatch {
  /** start/end in the original string, covering separators */
  start: number;
  end: number;
  digits: string;
}

/** Finds PANs in free text. A longer digit run is searched for any 12–19 digit window that is a PAN. */
export function findPans(text: string): PanMatch[] {
  const out: PanMatch[] = [];
  if (text.length < 12) return out;
  for (const m of text.matchAll(CANDIDATE)) {
    const raw = m[0];
    const base = m.index ?? 0;
    // map digit index -> char offset so a window can be cut out with its separators
    const offsets: number[] = [];
    for (let i = 0; i < raw.length; i++) if (raw[i]! >= '0' && raw[i]! <= '9') offsets.push(i);
    const digits = offsets.map((o) => raw[o]).join('');
    let found = false;
    for (let len = Math.min(19, digits.length); len >= 12 && !found; len--) {
      for (let s = 0; s + len <= digits.length; s++) {
        const w = digits.slice(s, s + len);
        if (isPan(w)) {
          out.push({ start: base + offsets[s]!, end: base + offsets[s + len - 1]! + 1, digits: w });
          found = true;
          break;
        }
      }
    }
  }
  return out;
}

/** PCI-permitted truncation: at most the first six and last four digits. */
export function truncatePan(digits: string): string {
  return `${digits.slice(0, 6)}${'*'.repeat(digits.length - 10)}${digits.slice(-4)}`;
}

export interface PanFinding {
  /** JSON path of the field, e.g. "payload.reference" */
  path: string;
  /** how it was made unreadable */
  action: 'truncated';
}

function pathOf(parts: Array<string | number>): string {
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * Returns a deep copy of `value` in which every PAN found in any string (or number: a card number
 * sent as a JSON number) is replaced by its PCI truncation, and where each was found.
 * Runs on untrusted input, so it walks arbitrary JSON without assuming any shape.
 */
export function redactPans(value: unknown): { value: unknown; findings: PanFinding[] } {
  const findings: PanFinding[] = [];
  const walk = (v: unknown, path: Array<string | number>): unknown => {
    if (typeof v === 'string') {
      const matches = findPans(v);
      if (matches.length === 0) return v;
      let out = '';
      let last = 0;
      for (const m of matches) {
        out += v.slice(last, m.start) + truncatePan(m.digits);
        last = m.end;
      }
      findings.push({ path: pathOf(path), action: 'truncated' });
      return out + v.slice(last);
    }
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1e11) {
      const s = String(v);
      if (isPan(s)) {
        findings.push({ path: pathOf(path), action: 'truncated' });
        return truncatePan(s);
      }
      return v;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i]));
    if (v && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[k] = walk(x, [...path, k]);
      return o;
    }
    return v;
  };
  return { value: walk(value, []), findings };
}
