import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { findPans, hasIssuerPrefix, isPan, luhnValid, redactPans, truncatePan } from './pan';

/** Appends the Luhn check digit, so fixtures and generated numbers are valid by construction. */
function withCheckDigit(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable: one digit always completes a Luhn sum');
}

// Published scheme test numbers (card-network and payment-gateway test lists).
const TEST_PANS: Record<string, string[]> = {
  visa: ['4111111111111111', '4012888888881881', '4222222222222'],
  mastercard: ['5555555555554444', '5105105105105100', '2223003122003222'],
  amex: ['378282246310005', '371449635398431'],
  discover: ['6011111111111117', '6011000990139424'],
  jcb: ['3530111333300000', '3566002020360505'],
  diners: ['30569309025904', '38520000023237', '36227206271667'],
  unionpay: ['6200000000000005'],
  maestro: ['6759649826438453', '5018000000000009'],
};
const ALL_PANS = Object.values(TEST_PANS).flat();

function spaced(pan: string, sep: string): string {
  return pan.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
}

describe('PAN detection', () => {
  it('uses fixtures that really are Luhn-valid issuer numbers', () => {
    for (const pan of ALL_PANS) {
      expect([pan, luhnValid(pan), hasIssuerPrefix(pan)]).toEqual([pan, true, true]);
    }
  });

  describe.each(Object.entries(TEST_PANS))('%s', (_scheme, pans) => {
    it.each(pans)('finds %s plain, with spaces and with dashes, inside text', (pan) => {
      for (const form of [pan, spaced(pan, ' '), spaced(pan, '-')]) {
        const text = `my card is ${form}, expiry next year`;
        const found = findPans(text);
        expect(found).toHaveLength(1);
        expect(found[0]!.digits).toBe(pan);
        expect(text.slice(found[0]!.start, found[0]!.end)).toBe(form);
      }
    });
  });

  it('finds an Amex number in its 4-6-5 grouping', () => {
    expect(findPans('amex 3782 822463 10005 ok').map((m) => m.digits)).toEqual(['378282246310005']);
  });

  // findPans also searches the 12–19 digit windows inside a longer run, so a Luhn-failing 16-digit number can
  // still contain a valid shorter PAN; the whole number must never be reported as one.
  it('does not detect a number that fails the Luhn check', () => {
    for (const pan of ALL_PANS) {
      const broken = pan.slice(0, -1) + ((Number(pan.at(-1)) + 1) % 10);
      expect(luhnValid(broken)).toBe(false);
      expect(isPan(broken)).toBe(false);
      expect(findPans(`card ${broken} here`).map((m) => m.digits)).not.toContain(broken);
    }
    expect(findPans('card 4111 1111 1111 1112 here')).toEqual([]);
    expect(findPans('card 6011-1111-1111-1118 here')).toEqual([]);
    expect(findPans('card 3782 822463 10006 here')).toEqual([]);
  });

  it('does not detect Luhn-valid numbers without a known issuer prefix', () => {
    // Built from digits that start no issuer prefix (or just outside a range), so no window can be a PAN either.
    const bodies = ['100000000000000', '700000000000000', '817081708170817', '909090909090909', '200000000000000', '310000000000000', '330000000000000', '272100000000000'];
    for (const body of bodies) {
      const n = withCheckDigit(body);
      expect(luhnValid(n)).toBe(true);
      expect(hasIssuerPrefix(n)).toBe(false);
      expect(findPans(`ref ${n}`)).toEqual([]);
    }
  });

  it('does not detect digit runs shorter than 12 or longer than 19 as a whole', () => {
    expect(findPans(withCheckDigit('4111111111'))).toEqual([]); // 11 digits
    expect(isPan(withCheckDigit('4111111111111111111'.padEnd(19, '1')))).toBe(false); // 20 digits
  });

  it.each(['01529 414155', '+44 7700 900123', '0303 123 1113', '01625 545 745', '07700 900123', '+44 (0)1332 640763'])(
    'does not mistake the telephone number %s for a card number',
    (phone) => {
      expect(findPans(`Call us on ${phone} today`)).toEqual([]);
    },
  );

  it('finds no card number in any seed privacy notice (they are full of phone numbers)', () => {
    const dir = resolve(__dirname, '../../../shared/seeds');
    const files = readdirSync(dir).filter((f) => f.endsWith('.txt'));
    expect(files.length).toBe(5);
    for (const f of files) expect([f, findPans(readFileSync(join(dir, f), 'utf8'))]).toEqual([f, []]);
  });
});

describe('truncatePan', () => {
  it.each(ALL_PANS)('keeps at most the first six and last four digits of %s', (pan) => {
    const t = truncatePan(pan);
    expect(t).toHaveLength(pan.length);
    expect(t.startsWith(pan.slice(0, 6))).toBe(true);
    expect(t.endsWith(pan.slice(-4))).toBe(true);
    expect(t.replace(/\D/g, '').length).toBeLessThanOrEqual(10);
    expect(t.slice(6, -4)).toMatch(/^\*+$/);
    expect(isPan(t.replace(/\D/g, ''))).toBe(false);
  });
});

describe('redactPans', () => {
  it('truncates PANs in nested strings and numbers and reports each path', () => {
    const input = {
      payload: {
        reference: 'paid with 4111 1111 1111 1111 thanks',
        contact: { address: { lines: ['1 High St', 'card 5555-5555-5555-4444'] } },
        amountPence: 1250,
      },
      cards: [{ n: 4111111111111111 }],
      phone: '01529 414155',
    };
    const before = JSON.stringify(input);
    const { value, findings } = redactPans(input);
    expect(value).toEqual({
      payload: {
        reference: 'paid with 411111******1111 thanks',
        contact: { address: { lines: ['1 High St', 'card 555555******4444'] } },
        amountPence: 1250,
      },
      cards: [{ n: '411111******1111' }],
      phone: '01529 414155',
    });
    expect(findings.map((f) => f.path).sort()).toEqual(['cards[0].n', 'payload.contact.address.lines[1]', 'payload.reference']);
    expect(findings.every((f) => f.action === 'truncated')).toBe(true);
    // the caller's copy is evidence of what arrived; redaction must not change it
    expect(JSON.stringify(input)).toBe(before);
  });

  it('leaves values without card numbers untouched and reports nothing', () => {
    const input = { a: 'no card here', b: [1, 2, 3], c: null, d: true, e: 123456789012 };
    expect(redactPans(input)).toEqual({ value: input, findings: [] });
  });

  it('keeps a "__proto__" key from JSON as data, on the path to a finding too', () => {
    const input = JSON.parse('{"__proto__": {"card": "4111111111111111"}, "x": "4111111111111111"}') as Record<string, unknown>;
    const { value, findings } = redactPans(input);
    const out = value as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['__proto__', 'x']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"card":"411111******1111"},"x":"411111******1111"}');
    expect(findings.map((f) => f.path).sort()).toEqual(['__proto__.card', 'x']);
  });

  it('never returns the digits of a PAN embedded anywhere in text (property)', () => {
    const issuerPrefix = fc.oneof(
      fc.constant('4'),
      fc.integer({ min: 51, max: 55 }).map(String),
      fc.integer({ min: 2221, max: 2720 }).map(String),
      fc.constantFrom('34', '37', '6011', '65', '36', '38', '39', '62', '50'),
      fc.integer({ min: 644, max: 649 }).map(String),
      fc.integer({ min: 3528, max: 3589 }).map(String),
      fc.integer({ min: 300, max: 305 }).map(String),
      fc.integer({ min: 56, max: 69 }).map(String),
    );
    const pan = fc
      .tuple(issuerPrefix, fc.integer({ min: 12, max: 19 }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 19, maxLength: 19 }))
      .map(([prefix, len, digits]) => withCheckDigit((prefix + digits.join('')).slice(0, len - 1)))
      // each scheme issues only some lengths (a 12-digit "Diners" number is not a card)
      .filter((p) => isPan(p));
    // Text around the PAN has no digits: adjacent digit runs are a separate, known gap (see below).
    const text = fc.string({ maxLength: 40 }).map((s) => s.replace(/[0-9]/g, ''));
    const sep = fc.constantFrom('', ' ', '-');
    fc.assert(
      fc.property(pan, text, text, sep, (p, before, after, s) => {
        expect(isPan(p)).toBe(true);
        const embedded = `${before}${s ? spaced(p, s) : p}${after}`;
        const { value, findings } = redactPans({ note: embedded, nested: [{ deeper: embedded }] });
        const out = JSON.stringify(value);
        expect(out.includes(p)).toBe(false);
        expect(out.replace(/[ -]/g, '').includes(p)).toBe(false);
        expect(findings.map((f) => f.path)).toEqual(['note', 'nested[0].deeper']);
      }),
    );
  });

  test('a second PAN in the same digit run is found too', () => {
    const { value } = redactPans('cards 4111 1111 1111 1111 5555 5555 5555 4444');
    expect(String(value).replace(/\D/g, '')).not.toContain('5555555555554444');
    expect(String(value).replace(/\D/g, '')).not.toContain('4111111111111111');
    expect(findPans('cards 4111 1111 1111 1111 5555 5555 5555 4444')).toHaveLength(2);
  });

  test('a PAN pasted against other digits is found inside the long group', () => {
    expect(findPans('ref 9941111111111111110928').map((m) => m.digits)).toEqual(['4111111111111111']);
  });

  test('two adjacent UK phone numbers do not read as a card number', () => {
    expect(findPans('07700 900123 01529 414155')).toEqual([]);
  });
});

describe('trace context', () => {
  // 00-<32 hex>-<16 hex>-01 whose span id is all digits and a Luhn-valid Visa number
  const traceparent = '00-0af7651916cd43dd8448eb211c80319c-4111111111111111-01';
  test('a well-formed traceparent is left alone even when its hex reads as a card number', () => {
    expect(findPans(traceparent)).toHaveLength(1);
    const { value, findings } = redactPans({ trace: { traceparent }, payload: { note: traceparent } });
    expect(findings).toEqual([{ path: 'payload.note', action: 'truncated' }]);
    expect((value as { trace: { traceparent: string } }).trace.traceparent).toBe(traceparent);
  });
  test('a card number dressed up as a malformed traceparent is still truncated', () => {
    const { findings } = redactPans({ trace: { traceparent: '4111 1111 1111 1111' } });
    expect(findings).toEqual([{ path: 'trace.traceparent', action: 'truncated' }]);
  });
});
