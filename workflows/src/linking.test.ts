import fc from 'fast-check';
import type { SubjectIdentifier } from '@custodian/contracts';
import { linkingKeys, normaliseEmail, normaliseName, normalisePhone, normalisePostcode } from './linking';

const id = (kind: SubjectIdentifier['kind'], value: string): SubjectIdentifier => ({ kind, value });

describe('normalisers', () => {
  it('UK phone formats all become one E.164 digit string', () => {
    for (const v of ['01529 414155', '+44 1529 414155', '0044 1529 414155', '01529-414155', '(01529) 414155', ' +441529414155 ']) {
      expect(normalisePhone(v)).toBe('441529414155');
    }
    expect(normalisePhone('07700 900123')).toBe('447700900123');
  });

  it('emails compare case-insensitively and ignore surrounding space', () => {
    expect(normaliseEmail('  Pat.Jones@Example.ORG ')).toBe('pat.jones@example.org');
  });

  it('names lose accents, punctuation and extra spaces', () => {
    expect(normaliseName('  Zoë  O’Brien-Smith ')).toBe('zoe o brien smith');
    expect(normaliseName('JOSÉ ÁLVAREZ')).toBe('jose alvarez');
  });

  it('postcodes lose spaces and case', () => {
    expect(normalisePostcode('ng34 7ef')).toBe('NG347EF');
    expect(normalisePostcode('NG34  7EF')).toBe('NG347EF');
  });
});

describe('linkingKeys', () => {
  it('the three UK phone formats give one key', () => {
    const a = linkingKeys([id('phone', '01529 414155')]);
    const b = linkingKeys([id('phone', '+44 1529 414155')]);
    const c = linkingKeys([id('phone', '0044 1529 414155')]);
    expect(a).toEqual(['phone:441529414155']);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('emails are case-insensitive', () => {
    expect(linkingKeys([id('email', 'Pat.Jones@Example.org')])).toEqual(linkingKeys([id('email', 'pat.jones@example.ORG')]));
    expect(linkingKeys([id('email', 'Pat.Jones@Example.org')])).toEqual(['email:pat.jones@example.org']);
  });

  it('a name alone gives no key', () => {
    expect(linkingKeys([id('name', 'Pat Jones')])).toEqual([]);
    expect(linkingKeys([id('name', 'Pat Jones'), id('name', 'Patricia Jones')])).toEqual([]);
  });

  it('a date of birth or a postcode alone gives no key', () => {
    expect(linkingKeys([id('date-of-birth', '1980-04-01')])).toEqual([]);
    expect(linkingKeys([id('postcode', 'NG34 7EF')])).toEqual([]);
  });

  it('name + date of birth and name + postcode do link', () => {
    expect(linkingKeys([id('name', 'Pat Jones'), id('date-of-birth', '1980-04-01')])).toEqual(['name+dob:pat jones|1980-04-01']);
    expect(linkingKeys([id('name', 'Pat Jones'), id('postcode', 'ng34 7ef')])).toEqual(['name+postcode:pat jones|NG347EF']);
    expect(linkingKeys([id('postcode', 'NG34 7EF'), id('name', 'PAT  JONES'), id('date-of-birth', ' 1980-04-01 ')])).toEqual([
      'name+dob:pat jones|1980-04-01',
      'name+postcode:pat jones|NG347EF',
    ]);
  });

  it('CRM ids and chat sessions are keys of their own', () => {
    expect(linkingKeys([id('crm-customer-id', ' CUS-1 '), id('chat-session', 'c4a-99')])).toEqual(['chat:c4a-99', 'crm:CUS-1']);
  });

  it('keys are sorted and unique, whatever the order of identifiers (property)', () => {
    const ident = fc.oneof(
      fc.constantFrom('01529 414155', '+44 1529 414155', '0044 1529 414155', '07700 900123').map((v) => id('phone', v)),
      fc.constantFrom('Pat@Example.org', 'pat@example.org', 'sam@example.org').map((v) => id('email', v)),
      fc.constantFrom('Pat Jones', 'PAT JONES', 'Sam Smith').map((v) => id('name', v)),
      fc.constantFrom('1980-04-01', '1990-01-01').map((v) => id('date-of-birth', v)),
      fc.constantFrom('NG34 7EF', 'ng347ef', 'DE1 2FS').map((v) => id('postcode', v)),
      fc.constantFrom('CUS-1', 'CUS-2').map((v) => id('crm-customer-id', v)),
    );
    fc.assert(
      fc.property(fc.array(ident, { maxLength: 12 }).chain((ids) => fc.tuple(fc.constant(ids), fc.shuffledSubarray(ids, { minLength: ids.length, maxLength: ids.length }))), ([ids, shuffled]) => {
        const keys = linkingKeys(ids);
        expect(new Set(keys).size).toBe(keys.length);
        expect([...keys].sort()).toEqual(keys);
        expect(linkingKeys(shuffled)).toEqual(keys);
      }),
    );
  });

  /*
   * Regression (found by this suite, fixed): normaliseName keeps only [a-z], so a name written in
   * another script (Greek, Cyrillic, Arabic, Chinese...) normalises to "". Every such person then shares
   * the key "name+dob:|<dob>" / "name+postcode:|<postcode>", and different people with the same date of
   * birth or at the same postcode are linked into ONE subject (their records merged; a SAR or an erasure
   * for one would reach the other). Fix: keep Unicode letters in normaliseName
   * (e.g. .replace(/[^\p{L}\p{N} ]/gu, ' ')) and never make a name key from an empty normalised name.
   */
  it('two different people with non-Latin names and the same date of birth or postcode are not linked', () => {
    const a = linkingKeys([id('name', 'Σοφία Παπαδοπούλου'), id('date-of-birth', '1980-04-01'), id('postcode', 'NG34 7EF')]);
    const b = linkingKeys([id('name', 'Олена Коваленко'), id('date-of-birth', '1980-04-01'), id('postcode', 'NG34 7EF')]);
    expect(a.filter((k) => b.includes(k))).toEqual([]);
  });

  /*
   * Regression (found by this suite, fixed): "+44 (0)1529 414155" is a common way UK numbers are
   * written (the payload Phone contract allows the parentheses) but normalises to "4401529414155", so the
   * same caller is not linked. Fix: in normalisePhone, after removing the international prefix, drop a
   * trunk "0" that follows the country code 44 (d.startsWith('440') -> '44' + d.slice(3)).
   */
  it('"+44 (0)1529 414155" gives the same key as "01529 414155"', () => {
    expect(linkingKeys([id('phone', '+44 (0)1529 414155')])).toEqual(linkingKeys([id('phone', '01529 414155')]));
  });
});
