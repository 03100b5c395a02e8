import { z } from 'zod';
import { DCC_DOB_RE, ICAO_NAME_RE, isDateTime, isFullDate } from './formats.js';

export { DCC_DOB_RE, isDateTime, isFullDate } from './formats.js';

/**
 * The EU DCC JSON schema, version 1.3.0 (`DCC.combined-schema.json` of the eHealth Network), as
 * zod: the declarative statement of the rules that `validateDccPayload` (dcc-check.ts, written out
 * without zod for the verifier's page) checks, held to it by dcc-check.test.ts. Value sets (vaccine codes, countries)
 * are not enforced, as the schema itself leaves them to business rules; unknown properties are
 * kept, as the schema allows them. Our own certificates are held to the stricter
 * `vnVaccinationPayloadSchema` in payload.ts.
 */

/** The DCC schema version this platform issues. */
export const DCC_SCHEMA_VERSION = '1.3.0';

/** An ICAO 9303 transliterated name: `A`–`Z` and `<` only, at most 80 characters. */
export const icaoNameSchema = z.string().max(80).regex(ICAO_NAME_RE, 'expected ICAO 9303 characters A–Z and <');

/** A full date `YYYY-MM-DD`. */
export const dccDateSchema = z.string().refine(isFullDate, 'expected a date YYYY-MM-DD');

export const dccDobSchema = z.string().regex(DCC_DOB_RE, 'expected YYYY[-MM[-DD]] in 1900–2099');

const posint = z.number().int().min(1);
const issuer = z.string().max(80);
const certificateId = z.string().max(80);
// The 1.3.0 schema's country pattern is unanchored: "[A-Z]{1,10}".
const countryVt = z.string().regex(/[A-Z]{1,10}/);

/** `nam`: family name(s) then given name(s), each also transliterated; `fnt` is required. */
export const dccPersonNameSchema = z.looseObject({
  fn: z.string().max(80).optional(),
  fnt: icaoNameSchema,
  gn: z.string().max(80).optional(),
  gnt: icaoNameSchema.optional(),
});

/** One vaccination (`v[0]`). */
export const dccVaccinationEntrySchema = z.looseObject({
  tg: z.string(),
  vp: z.string(),
  mp: z.string(),
  ma: z.string(),
  dn: posint,
  sd: posint,
  dt: dccDateSchema,
  co: countryVt,
  is: issuer,
  ci: certificateId,
});

/** One test (`t[0]`). */
export const dccTestEntrySchema = z.looseObject({
  tg: z.string(),
  tt: z.string(),
  nm: z.string().max(80).optional(),
  ma: z.string().optional(),
  sc: z.string().refine(isDateTime, 'expected an RFC 3339 date-time'),
  tr: z.string(),
  tc: z.string().max(80),
  co: countryVt,
  is: issuer,
  ci: certificateId,
});

/** One recovery (`r[0]`). */
export const dccRecoveryEntrySchema = z.looseObject({
  tg: z.string(),
  fr: dccDateSchema,
  co: countryVt,
  is: issuer,
  df: dccDateSchema,
  du: dccDateSchema,
  ci: certificateId,
});

/**
 * A whole DCC: `ver`, `nam`, `dob` and exactly one of `v`, `t`, `r`, holding exactly one entry
 * (the schema's `oneOf` and `maxItems: 1`).
 */
export const dccPayloadSchema = z
  .looseObject({
    ver: z.string().regex(/^\d+.\d+.\d+$/, 'expected a version like 1.3.0'),
    nam: dccPersonNameSchema,
    dob: dccDobSchema,
    v: z.array(dccVaccinationEntrySchema).min(1).max(1).optional(),
    t: z.array(dccTestEntrySchema).min(1).max(1).optional(),
    r: z.array(dccRecoveryEntrySchema).min(1).max(1).optional(),
  })
  .superRefine((dcc, ctx) => {
    const groups = (['v', 't', 'r'] as const).filter((g) => dcc[g] !== undefined);
    if (groups.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `a DCC holds exactly one of v, t, r (found ${groups.length ? groups.join(', ') : 'none'})`,
      });
    }
  });

/** A DCC that meets the 1.3.0 schema. */
export type DccPayload = z.infer<typeof dccPayloadSchema>;

/** The kind of certificate: vaccination, test or recovery. */
export type DccType = 'v' | 't' | 'r';

/** The outcome of {@link validateDccPayload}. */
export type DccValidation =
  | { readonly ok: true; readonly payload: DccPayload; readonly type: DccType }
  | { readonly ok: false; readonly issues: readonly string[] };
