/**
 * Primary account number (card number) detection and redaction, per PCI DSS v4.0.1:
 * strip separators, 12–19 digit runs, a known issuer prefix, then the Luhn check
 * (shared/knowledge/uk-data-protection.md, "Card data"). Pure: used by ingest before
 * anything is stored, including the dead-letter copy of a rejected event.
 */

/** [prefix length, from, to, shortest PAN, longest PAN] — issuer ranges with the lengths each scheme issues. */
const SCHEMES: Array<[number, number, number, number, number]> = [
  [1, 4, 4, 13, 19], // Visa (13, 16, 19 in practice; 13–19 kept so no Visa slips through)
  [2, 51, 55, 16, 16], [4, 2221, 2720, 16, 16], // Mastercard
  [2, 34, 34, 15, 15], [2, 37, 37, 15, 15], // Amex
  [4, 6011, 6011, 16, 19], [3, 644, 649, 16, 19], [2, 65, 65, 16, 19], // Discover
  [4, 3528, 3589, 16, 19], // JCB
  [3, 300, 305, 14, 19], [2, 36, 36, 14, 19], [2, 38, 39, 14, 19], // Diners
  [2, 62, 62, 16, 19], // UnionPay
  [2, 50, 50, 12, 19], [2, 56, 69, 12, 19], // Maestro
];

export function hasIssuerPrefix(digits: string): boolean {
  return SCHEMES.some(([len, from, to, min, max]) => {
    if (digits.length < len || digits.length < min || digits.length > max) return false;
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

// A candidate is a run of digit groups separated by single spaces or dashes (how people type card
// numbers); no upper bound, so a second card in the same run is not missed.
const CANDIDATE = /\d+(?:[ -]\d+)*/g;

export interface PanMatch {
  /** start/end in the original string, covering separators */
  start: number;
  end: number;
  digits: string;
}

/**
 * Finds PANs in free text. Within a run, a PAN is looked for between group boundaries (so two
 * phone numbers side by side do not read as a card), and anywhere inside a group too long to be a
 * single number (a card pasted against other digits). Scanning continues after each hit.
 */
export function findPans(text: string): PanMatch[] {
  const out: PanMatch[] = [];
  if (text.length < 12) return out;
  // most strings (names, summaries) hold few digits: count before running the pattern
  let digitCount = 0;
  for (let i = 0; i < text.length && digitCount < 12; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) digitCount++;
  }
  if (digitCount < 12) return out;
  for (const m of text.matchAll(CANDIDATE)) {
    const raw = m[0];
    const base = m.index ?? 0;
    const offsets: number[] = [];
    const boundary: boolean[] = []; // digit index starts a group
    const endsGroup: boolean[] = [];
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i]!;
      if (c >= '0' && c <= '9') {
        boundary.push(i === 0 || raw[i - 1] === ' ' || raw[i - 1] === '-');
        endsGroup.push(i === raw.length - 1 || raw[i + 1] === ' ' || raw[i + 1] === '-');
        offsets.push(i);
      }
    }
    const digits = offsets.map((o) => raw[o]).join('');
    if (digits.length < 12) continue;
    // a group longer than any PAN: windows may start and end anywhere inside it
    const longGroup: boolean[] = new Array(digits.length).fill(false);
    for (let s = 0; s < digits.length; ) {
      let e = s;
      while (!endsGroup[e]) e++;
      if (e - s + 1 > 19) for (let k = s; k <= e; k++) longGroup[k] = true;
      s = e + 1;
    }
    let s = 0;
    while (s + 12 <= digits.length) {
      let hit = 0;
      if (boundary[s] || longGroup[s]) {
        for (let len = Math.min(19, digits.length - s); len >= 12; len--) {
          const last = s + len - 1;
          if (!(endsGroup[last] || longGroup[last])) continue;
          if (isPan(digits.slice(s, s + len))) {
            hit = len;
            break;
          }
        }
      }
      if (hit) {
        out.push({ start: base + offsets[s]!, end: base + offsets[s + hit - 1]! + 1, digits: digits.slice(s, s + hit) });
        s += hit;
      } else s++;
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

/** a path is only spelled out when a card number is found, so the walk keeps it as a linked list */
interface PathNode {
  parent: PathNode | null;
  key: string | number;
}

function pathOf(node: PathNode | null): string {
  const parts: Array<string | number> = [];
  for (let n = node; n; n = n.parent) parts.unshift(n.key);
  return parts.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** A well-formed W3C traceparent is random hex: about 1 in 500 has a digit run that passes as a PAN. */
function isTraceparent(node: PathNode | null, v: string): boolean {
  return node !== null && node.key === 'traceparent' && node.parent !== null && node.parent.key === 'trace' && node.parent.parent === null && TRACEPARENT.test(v);
}

/** sets an own property even when the key is "__proto__", which plain assignment would treat as the prototype */
function put(o: Record<string, unknown>, k: string, v: unknown) {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/**
 * Returns `value` with every PAN found in any string (or number: a card number sent as a JSON
 * number) replaced by its PCI truncation, and where each was found. Objects and arrays on the way
 * to a finding are copied, never changed in place; what holds no card number is returned as it is.
 * Runs on untrusted input, so it walks arbitrary JSON without assuming any shape.
 */
export function redactPans(value: unknown): { value: unknown; findings: PanFinding[] } {
  const findings: PanFinding[] = [];
  const walk = (v: unknown, at: PathNode | null): unknown => {
    if (typeof v === 'string') {
      if (isTraceparent(at, v)) return v;
      const matches = findPans(v);
      if (matches.length === 0) return v;
      let out = '';
      let last = 0;
      for (const m of matches) {
        out += v.slice(last, m.start) + truncatePan(m.digits);
        last = m.end;
      }
      findings.push({ path: pathOf(at), action: 'truncated' });
      return out + v.slice(last);
    }
    if (typeof v === 'number' && Number.isInteger(v) && v >= 1e11) {
      const s = String(v);
      if (isPan(s)) {
        findings.push({ path: pathOf(at), action: 'truncated' });
        return truncatePan(s);
      }
      return v;
    }
    if (Array.isArray(v)) {
      let copy: unknown[] | null = null;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        const y = walk(x, { parent: at, key: i });
        if (y !== x) (copy ??= v.slice())[i] = y;
      }
      return copy ?? v;
    }
    if (v && typeof v === 'object') {
      let copy: Record<string, unknown> | null = null;
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        const x = o[k];
        const y = walk(x, { parent: at, key: k });
        if (y !== x) put((copy ??= { ...o }), k, y);
      }
      return copy ?? v;
    }
    return v;
  };
  return { value: walk(value, null), findings };
}
