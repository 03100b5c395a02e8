import { z } from 'zod';
import { latestDose } from '../doses/rules.js';
import { NAME_MAX_LENGTH, normalizeName, splitVietnameseName } from '../identity/name.js';
import { TG_COVID19, vaccineByCode } from '../vaccines.js';
import { HcertError } from './errors.js';
import { DCC_DOB_RE, DCC_SCHEMA_VERSION, dccDateSchema, dccDobSchema, icaoNameSchema, isFullDate } from './schema.js';
import type { StatusDose } from './status.js';
import { icaoCharacters, tidyIcao, toIcao } from './transliterate.js';

/**
 * The EU DCC vaccination payload (schema 1.3.0) that Vietnam issues, and its certificate id (UVCI).
 */

/** The issuer (`is`) printed in every certificate. */
export const DEFAULT_DCC_ISSUER = 'Bộ Y tế Việt Nam (Ministry of Health of Viet Nam)';

/** Vietnam's country code (`co` of the vaccination, `iss` of the CWT). */
export const DCC_COUNTRY_VN = 'VN';

// ---------------------------------------------------------------------------------------------
// UVCI (eHealth Network guidelines, Annex 2): URN:UVCI:01:VN:<opaque>#<check character>
// ---------------------------------------------------------------------------------------------

/** The prefix of every UVCI we issue: version 01, country VN. */
export const UVCI_PREFIX_VN = 'URN:UVCI:01:VN:';

/** The Luhn mod N alphabet of the UVCI checksum (N = 38), as the eHN reference implementation defines it. */
export const UVCI_CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/:';

/** The longest opaque part, so that the whole UVCI fits the schema's 80 characters. */
export const UVCI_OPAQUE_MAX_LENGTH = 80 - UVCI_PREFIX_VN.length - 2;

/**
 * The Luhn mod N check character of a UVCI (computed over the whole string before `#`, prefix
 * included, e.g. `URN:UVCI:01:AT:10807843F94AEE0EE5093FBC254BD813` → `B`). Throws a
 * `RangeError` on a character outside {@link UVCI_CHECKSUM_ALPHABET}.
 */
export function uvciCheckCharacter(body: string): string {
  const codes = new Uint8Array(body.length);
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c >= 128 || UVCI_CODE_POINT[c]! < 0)
      throw new RangeError(`Character ${JSON.stringify(body[i])} is not allowed in a UVCI.`);
    codes[i] = c;
  }
  return String.fromCharCode(checkCode(codes, codes.length));
}

/** Each ASCII character's code point in {@link UVCI_CHECKSUM_ALPHABET}, -1 for the others. */
const UVCI_CODE_POINT = Int8Array.from({ length: 128 }, (_, c) =>
  UVCI_CHECKSUM_ALPHABET.indexOf(String.fromCharCode(c)),
);
const UVCI_ALPHABET_CODES = Uint8Array.from(UVCI_CHECKSUM_ALPHABET, (c) => c.charCodeAt(0));

/** The Luhn mod 38 check character (its code) of the first `length` codes, all in the alphabet. */
function checkCode(codes: Uint8Array, length: number): number {
  const n = UVCI_CHECKSUM_ALPHABET.length;
  let factor = 2;
  let sum = 0;
  for (let i = length - 1; i >= 0; i--) {
    const addend = factor * UVCI_CODE_POINT[codes[i]!]!;
    factor = factor === 2 ? 1 : 2;
    sum += Math.floor(addend / n) + (addend % n);
  }
  return UVCI_ALPHABET_CODES[(n - (sum % n)) % n]!;
}

/** A UVCI being made: the prefix, then the opaque part, `#` and the check character (at most 80). */
const uvci = new Uint8Array(80);
uvci.set(Array.from(UVCI_PREFIX_VN, (c) => c.charCodeAt(0)));
const ASCII = new TextDecoder();

function invalidOpaque(opaque: string): HcertError {
  return new HcertError(
    'input',
    `A UVCI's opaque part is 1–${UVCI_OPAQUE_MAX_LENGTH} upper-case letters and digits (got ${JSON.stringify(opaque)}).`,
  );
}

/**
 * Makes Vietnam's UVCI from an opaque id (for instance a random 128-bit id in base32, or a UUID —
 * its hyphens are dropped and it is upper-cased): `URN:UVCI:01:VN:<OPAQUE>#<check>`. Throws
 * {@link HcertError} `input` unless the opaque part is 1–63 characters `A`–`Z`, `0`–`9` (`a`–`z`
 * upper-cased).
 */
export function makeUvci(opaque: string): string {
  let at = UVCI_PREFIX_VN.length;
  for (let i = 0; i < opaque.length; i++) {
    let c = opaque.charCodeAt(i);
    if (c === 0x2d) continue; // '-'
    if (c >= 0x61 && c <= 0x7a) c -= 0x20; // a–z → A–Z
    const ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39);
    if (!ok || at - UVCI_PREFIX_VN.length >= UVCI_OPAQUE_MAX_LENGTH) throw invalidOpaque(opaque);
    uvci[at++] = c;
  }
  if (at === UVCI_PREFIX_VN.length) throw invalidOpaque(opaque);
  const check = checkCode(uvci, at);
  uvci[at++] = 0x23; // '#'
  uvci[at++] = check;
  return ASCII.decode(uvci.subarray(0, at));
}

const UVCI_RE = /^URN:UVCI:\d{2}:[A-Z]{2}:[A-Z0-9/:]+#[A-Z0-9/:]$/;

/**
 * True for a UVCI with a correct check character: `URN:UVCI:<2-digit version>:<country>:<id>#<c>`,
 * upper-case letters, digits, `/` and `:` only, at most 80 characters. (The check character is
 * optional in the EU scheme; we issue it always and require it here.)
 */
export function isValidUvci(ci: string): boolean {
  if (ci.length > 80 || !UVCI_RE.test(ci)) return false;
  const hash = ci.lastIndexOf('#');
  return uvciCheckCharacter(ci.slice(0, hash)) === ci.slice(hash + 1);
}

// ---------------------------------------------------------------------------------------------
// The payload
// ---------------------------------------------------------------------------------------------

/** An ISO 3166-1 alpha-2 country code, as we issue `co`. */
const COUNTRY_RE = /^[A-Z]{2}$/;

const dosePart = z.number().int().min(1).max(9);

/** One vaccination entry as we issue it: the DCC 1.3.0 rules plus our own (dn/sd 1–9, `co` two letters, a checked UVCI). */
export const vnVaccinationEntrySchema = z.strictObject({
  tg: z.literal(TG_COVID19),
  vp: z.string().min(1),
  mp: z.string().min(1),
  ma: z.string().min(1),
  dn: dosePart,
  sd: dosePart,
  dt: dccDateSchema,
  co: z.string().regex(COUNTRY_RE, 'expected an ISO 3166-1 alpha-2 code'),
  is: z.string().min(1).max(80),
  ci: z.string().refine(isValidUvci, 'expected a UVCI with a valid check character'),
});

/** The payload we issue: schema 1.3.0, the name in both forms, exactly one vaccination. */
export const vnVaccinationPayloadSchema = z.strictObject({
  ver: z.literal(DCC_SCHEMA_VERSION),
  nam: z.strictObject({
    fn: z.string().min(1).max(80),
    fnt: icaoNameSchema,
    gn: z.string().min(1).max(80).optional(),
    gnt: icaoNameSchema.optional(),
  }),
  dob: dccDobSchema,
  v: z.tuple([vnVaccinationEntrySchema]),
});

/** A vaccination payload as we issue it. */
export type DccVaccinationPayload = z.infer<typeof vnVaccinationPayloadSchema>;

/** What {@link buildVaccinationPayload} needs. */
export interface VaccinationPayloadInput {
  readonly person: {
    /** The full name in Vietnamese order (họ, tên đệm, tên), e.g. "Nguyễn Thị Ánh Tuyết". */
    readonly fullName: string;
    /** `YYYY-MM-DD` (or `YYYY` / `YYYY-MM` when only that is known). */
    readonly dateOfBirth: string;
    /**
     * Family and given names when they are not in Vietnamese order (a foreign passport holder);
     * by default the first word of `fullName` is the family name.
     */
    readonly nameParts?: { readonly familyName: string; readonly givenNames: string };
  };
  /** All the person's doses, any order; the certificate shows the latest. */
  readonly doses: readonly StatusDose[];
  /** The opaque part of the UVCI, unique per issued certificate (see {@link makeUvci}). */
  readonly certificateId: string;
  /** `is`; {@link DEFAULT_DCC_ISSUER} by default. */
  readonly issuer?: string;
  /** `co`, the country of vaccination; `VN` by default. */
  readonly country?: string;
}

/**
 * The DCC dose numbers `dn`/`sd` of a dose. A primary dose is `n/series length` (1/2, 2/2, 1/1
 * Janssen, 3/3 Abdala). A booster or additional dose follows Commission Delegated Regulation (EU)
 * 2021/2288: `dn/dn` (3/3 after a two-dose series, 4/4 after Abdala or for a second booster) —
 * except a booster after a single-dose series, which is 2/1, so that it can never be read as the
 * completion of a two-dose series.
 */
export function dccDoseNumbers(
  dose: { doseNumber: number; doseKind: string },
  seriesLength: number,
): { dn: number; sd: number } {
  const dn = dose.doseNumber;
  if (dose.doseKind === 'primary') return { dn, sd: seriesLength };
  return { dn, sd: dn === 2 ? 1 : dn };
}

/** The longest `nam.fn` / `nam.gn` the DCC schema allows (maxLength 80). */
export const DCC_NAME_MAX_LENGTH = 80;

/** Marks that belong to the character before them (combining accents, variation selectors), and the joiner. */
const JOINS_PREVIOUS_RE = /[\p{M}\u200d]/uy;

/**
 * A name fitted to the DCC's `nam.fn` / `nam.gn` (at most 80 characters; a person's name may be
 * 100): unchanged when it fits, otherwise cut after its last whole word that fits ("Tôn Nữ … Minh
 * Châu" → "Tôn Nữ … Minh") — or, when that would keep less than half the length (a word longer
 * than that), after the last whole character that fits: never inside a surrogate pair, never
 * between a letter and its combining accent. Counted in UTF-16 code units, so the result also
 * fits a limit counted in code points (JSON Schema's). The certificate's PDF still prints the full
 * name; `fnt` / `gnt` are fitted the same way by `tidyIcao`.
 */
export function fitDccName(name: string, max: number = DCC_NAME_MAX_LENGTH): string {
  if (name.length <= max) return name;
  // A space at index `max` ends a word that fits whole.
  const space = name.lastIndexOf(' ', max);
  if (space >= max / 2) return name.slice(0, space).trimEnd();
  let end = 0;
  let at = 0;
  for (const ch of name) {
    if (at + ch.length > max) break;
    at += ch.length;
    JOINS_PREVIOUS_RE.lastIndex = at;
    if (!JOINS_PREVIOUS_RE.test(name)) end = at;
  }
  // A first character longer than the limit with its marks: cut after whole code points.
  return name.slice(0, end || at).trimEnd();
}

/** The family and given names as printed, and their ICAO forms. */
interface CertificateNames {
  readonly familyName: string;
  readonly givenNames: string;
  readonly familyIcao: string;
  readonly givenIcao: string;
}

function nameParts(person: VaccinationPayloadInput['person']): CertificateNames {
  if (!person.nameParts) {
    const fast = vietnameseOrderNames(person.fullName);
    if (fast) return fast;
  }
  const raw = person.nameParts ?? splitVietnameseName(person.fullName);
  const norm = (s: string): string => {
    if (s.trim() === '') return '';
    const r = normalizeName(s);
    if (!r.ok)
      throw new HcertError('payload', `The name "${s}" cannot be printed on a certificate: ${r.error.message.en}`);
    return r.value;
  };
  const familyName = norm(raw.familyName);
  const givenNames = norm(raw.givenNames);
  // A one-word name is the primary identifier (ICAO), so it goes to fn / fnt, which the DCC requires.
  const [fn, gn] = familyName ? [familyName, givenNames] : [givenNames, ''];
  return { familyName: fn, givenNames: gn, familyIcao: toIcao(fn), givenIcao: toIcao(gn) };
}

/** A word of a name as printed, its ICAO characters, its length in code points. */
interface NameWord {
  readonly name: string;
  readonly icao: string;
  readonly codePoints: number;
}

/**
 * Words seen in names, each normalised and transliterated once (null: a word that is not a name
 * on its own — no letter, a digit, a symbol). Names draw on a small vocabulary (Nguyễn, Thị, Văn…),
 * and issuing a certificate is otherwise little more than its signature.
 */
const NAME_WORDS = new Map<string, NameWord | null>();
const NAME_WORDS_MAX = 20_000;

function nameWord(word: string): NameWord | null {
  let known = NAME_WORDS.get(word);
  if (known === undefined) {
    const r = WHITESPACE_RE.test(word) ? null : normalizeName(word);
    known = r?.ok ? { name: r.value, icao: icaoCharacters(r.value), codePoints: [...r.value].length } : null;
    if (NAME_WORDS.size >= NAME_WORDS_MAX) NAME_WORDS.clear();
    NAME_WORDS.set(word, known);
  }
  return known;
}

/**
 * {@link nameParts} of a name in Vietnamese order, word by word from {@link NAME_WORDS}: the same
 * result (payload.test.ts holds the two side by side), or null for the general path to handle
 * (and explain) — an empty name, a word that is not a name on its own, a part over 100 characters.
 */
function vietnameseOrderNames(fullName: string): CertificateNames | null {
  // Stored names are already tidy: split at single spaces as they are, each word normalised (NFC,
  // which never joins across a space) with its forms in NAME_WORDS. Anything else — an empty word
  // (two spaces, one at an end), a word holding other whitespace — takes the general path.
  const words = fullName.split(' ');
  const forms: NameWord[] = [];
  for (const w of words) {
    if (w === '') return null;
    const form = nameWord(w);
    if (!form) return null;
    forms.push(form);
  }
  const family = forms[0]!;
  if (forms.length === 1) {
    if (family.codePoints > NAME_MAX_LENGTH) return null;
    return { familyName: family.name, givenNames: '', familyIcao: tidyIcao(family.icao), givenIcao: '' };
  }
  let givenNames = forms[1]!.name;
  let givenIcao = forms[1]!.icao;
  let codePoints = forms[1]!.codePoints;
  for (let i = 2; i < forms.length; i++) {
    givenNames += ` ${forms[i]!.name}`;
    givenIcao += `<${forms[i]!.icao}`;
    codePoints += 1 + forms[i]!.codePoints;
  }
  if (family.codePoints > NAME_MAX_LENGTH || codePoints > NAME_MAX_LENGTH) return null;
  return { familyName: family.name, givenNames, familyIcao: tidyIcao(family.icao), givenIcao: tidyIcao(givenIcao) };
}

const WHITESPACE_RE = /\s/u;

/**
 * What of the payload could break the schema, and why: the parts that come from the input. The
 * rest is right by construction — constants, catalogue entries, `toIcao`'s output, a UVCI made
 * by `makeUvci` — and payload.test.ts holds every payload built, for any input, to
 * {@link vnVaccinationPayloadSchema}.
 */
function payloadIssues(p: DccVaccinationPayload): string[] {
  const issues: string[] = [];
  const v = p.v[0];
  if (p.nam.fn.length < 1 || p.nam.fn.length > 80) issues.push('nam.fn: expected 1–80 characters');
  if (p.nam.gn !== undefined && p.nam.gn.length > 80) issues.push('nam.gn: expected at most 80 characters');
  if (!DCC_DOB_RE.test(p.dob)) issues.push('dob: expected YYYY[-MM[-DD]] in 1900–2099');
  if (!(v.dn >= 1 && v.dn <= 9)) issues.push(`v.0.dn: expected 1–9 (got ${v.dn})`);
  if (!(v.sd >= 1 && v.sd <= 9)) issues.push(`v.0.sd: expected 1–9 (got ${v.sd})`);
  if (!isFullDate(v.dt)) issues.push('v.0.dt: expected a date YYYY-MM-DD');
  if (!COUNTRY_RE.test(v.co)) issues.push('v.0.co: expected an ISO 3166-1 alpha-2 code');
  if (v.is.length < 1 || v.is.length > 80) issues.push('v.0.is: expected 1–80 characters');
  return issues;
}

/**
 * Builds the EU DCC 1.3.0 payload of a vaccination certificate for the latest dose:
 * `{ ver, nam: {fn, fnt, gn, gnt}, dob, v: [{tg, vp, mp, ma, dn, sd, dt, co, is, ci}] }`.
 * Names keep their diacritics in `fn`/`gn` and are transliterated (ICAO 9303) in `fnt`/`gnt`;
 * `fn` is the family name (first word, Vietnamese order), `gn` the rest, each fitted to the
 * schema's 80 characters ({@link fitDccName}; a name may be 100). Throws {@link HcertError}
 * `input` without doses or with an unknown vaccine, `payload` when the result would not meet
 * {@link vnVaccinationPayloadSchema} (a date of birth or a dose date that is not a date, a tenth
 * dose, a name that cannot be printed, an issuer too long).
 */
export function buildVaccinationPayload(input: VaccinationPayloadInput): DccVaccinationPayload {
  const latest = latestDose(input.doses);
  if (!latest) throw new HcertError('input', 'A vaccination certificate needs at least one dose.');
  const vaccine = vaccineByCode(latest.dose.vaccineCode);
  if (!vaccine) throw new HcertError('input', `No vaccine has the code "${latest.dose.vaccineCode}".`);
  const { dn, sd } = dccDoseNumbers(latest, latest.seriesLength);
  const names = nameParts(input.person);
  const payload: DccVaccinationPayload = {
    ver: DCC_SCHEMA_VERSION,
    // Each name part fitted to the schema's 80 characters (the ICAO forms by tidyIcao already).
    nam: names.givenNames
      ? {
          fn: fitDccName(names.familyName),
          fnt: names.familyIcao,
          gn: fitDccName(names.givenNames),
          gnt: names.givenIcao,
        }
      : { fn: fitDccName(names.familyName), fnt: names.familyIcao },
    dob: input.person.dateOfBirth,
    v: [
      {
        tg: TG_COVID19,
        vp: vaccine.vp,
        mp: vaccine.code,
        ma: vaccine.ma,
        dn,
        sd,
        dt: latest.dose.administeredOn,
        co: input.country ?? DCC_COUNTRY_VN,
        is: input.issuer ?? DEFAULT_DCC_ISSUER,
        ci: makeUvci(input.certificateId),
      },
    ],
  };
  const issues = payloadIssues(payload);
  if (issues.length > 0) {
    throw new HcertError('payload', `The certificate payload does not meet the DCC schema: ${issues.join('; ')}`);
  }
  return payload;
}
