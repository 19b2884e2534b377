import { z } from 'zod';

/** Council (controller) id: the policy pack's id, e.g. "newark-sherwood". */
export const CouncilId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,62}$/, 'must be a council id in lower-case kebab form, e.g. "newark-sherwood"');

/** A reference minted by a council system (case, complaint, recording...). Not personal data by design. */
export const ExternalRef = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]*$/, 'must be an opaque reference of letters, digits and . _ : / -');

export const Timestamp = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-01-31T09:30:00Z' });
export const IsoDate = z.iso.date({ message: 'must be an ISO 8601 date, e.g. 1980-04-01' });

/** ISO 8601 duration used by retention rules (P40D, P2Y, P7Y, P6M). */
export const IsoDuration = z
  .string()
  .regex(/^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/, 'must be an ISO 8601 duration in years, months, weeks or days, e.g. P40D or P7Y');

export const DATA_CATEGORIES = [
  'enquiry',
  'call-recording',
  'webchat-recording',
  'complaint',
  'payment',
  'visitor-log',
  'crm-profile',
  'equalities-monitoring',
] as const;
export const DataCategory = z.enum(DATA_CATEGORIES);
export type DataCategory = z.infer<typeof DataCategory>;

export const LAWFUL_BASES = ['6(1)(a)', '6(1)(b)', '6(1)(c)', '6(1)(d)', '6(1)(e)', '6(1)(f)'] as const;
export const LawfulBasis = z.enum(LAWFUL_BASES);
export type LawfulBasis = z.infer<typeof LawfulBasis>;

export const LAWFUL_BASIS_NAMES: Record<LawfulBasis, string> = {
  '6(1)(a)': 'consent',
  '6(1)(b)': 'contract',
  '6(1)(c)': 'legal obligation',
  '6(1)(d)': 'vital interests',
  '6(1)(e)': 'public task',
  '6(1)(f)': 'legitimate interests',
};

/** ISO 3166-1 alpha-2 country code. */
export const CountryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code, e.g. GB');
