import { SCREENING_QUESTIONS } from '@tiemchung/core';
import fc from 'fast-check';
import { z } from 'zod';
import type { RouteEntry } from '../lib/access.js';

/**
 * Arbitraries of the HTTP fuzz suite (`src/fuzz/fuzz.test.ts`): requests to any route of the
 * route table, shaped by the route's zod schemas (through their JSON Schema) and beyond them —
 * wrong types, huge strings, deep nesting, NUL, lone surrogates, combining marks, right-to-left
 * text, SQL and HTML injection, invalid dates, wrong content types, malformed JSON and multipart,
 * bad percent-encoding, junk headers.
 */

/** Identifiers and codes that exist in the fuzzed database, so requests reach past "not found". */
export interface FuzzWorld {
  /** Ids of people, doses, sessions, visits, lots, reports, registrations, campaigns… (no users). */
  readonly ids: readonly string[];
  /** The same ids by kind of record (`people`, `sessions`, `visits`…), for the parameter naming it. */
  readonly idsByKind: Readonly<Record<string, readonly string[]>>;
  /** Valid person bodies (citizens the registry simulator knows), templates for person-like bodies. */
  readonly citizens: readonly Record<string, unknown>[];
  readonly candidateIds: readonly string[];
  readonly facilityIds: readonly string[];
  readonly vaccineCodes: readonly string[];
  readonly lotNumbers: readonly string[];
  /** Lots as a vaccine code with a lot number of that vaccine (bodies naming both). */
  readonly lotPairs: readonly { vaccineCode: string; lotNumber: string }[];
  readonly trackingCodes: readonly string[];
  readonly phones: readonly string[];
  readonly idNumbers: readonly string[];
  readonly unitCodes: readonly string[];
  readonly certificateIds: readonly string[];
}

/** One request to send with `app.inject` (the caller's credentials are added by the runner). */
export interface FuzzRequest {
  /** The route table entry it was built from (`POST /api/people/:id/merge`). */
  readonly route: string;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly payload?: string | Buffer;
  /** What kind of body and query were generated (for the report). */
  readonly note: string;
}

// ---------------------------------------------------------------------------------------------
// Strings and values outside any schema

/** Strings that have broken servers: encodings, injections, limits, dates, numbers in text. */
export const NASTY_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\ud83d',
  '\ude00x',
  '\ud83d\ude00',
  '👨‍👩‍👧‍👦',
  'Nguyễn Văn Ánh',
  'NGUYỄN THỊ HỒNG NHUNG',
  'Nguye\u0302\u0303n',
  'a\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309\u030a\u030b\u030c',
  'Z̴̡̢̛͓̈́a̷̛͎l̵̙̈g̸̣̈o̶̱͝',
  '\u202eRTL override\u202c',
  'مرحبا بالعالم',
  'שלום',
  '\u200f\u200e\u061c',
  '\ufeff',
  '\u200b\u200c\u200d',
  '\uffff',
  '\ufffe',
  '\ufffd',
  '\u0001\u0002\u001f\u007f',
  '\r\n\r\n',
  '\t',
  "' OR '1'='1",
  "'; DROP TABLE people; --",
  '" OR ""="',
  "1'); SELECT pg_sleep(10); --",
  '$$; DELETE FROM doses; $$',
  '\\',
  '\\x00',
  '%',
  '%00',
  '%zz',
  '%ED%A0%80',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg/onload=alert(1)>',
  '../../../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  'true',
  '-1',
  '0',
  '-0',
  '1e309',
  '0x1F',
  '9'.repeat(40),
  '2021-02-30',
  '2021-02-29',
  '2021-13-01',
  '2021-00-10',
  '0000-00-00',
  '0001-01-01',
  '9999-12-31',
  '2021-11-20T25:61:61Z',
  '2021-11-20T10:00:00+99:99',
  '1970-01-01',
  '-000001-01-01',
  '+275760-09-13',
  '20211120',
  '20/11/2021',
  'x'.repeat(101),
  'x'.repeat(10_000),
  'ẞ'.repeat(3000),
  '😀'.repeat(2000),
  '0912345678',
  '+84 912 345 678',
  '001090000001',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'URN:UVCI:01:VN:XXXXXXXX#X',
  'HC1:6BF+70790T9WJWG.FKY*4GO0.O1CV2 O5 N2FBBRW1*70HS8WY04AC*WIFN0AHCD8KD97TK0F90KECTHGWJC0FDC:5AIA%G7X+AQB9746HS80:54IBQF60R6$A80X6S1BTYACG6M+9XG8KIAWNA91AY%67092L4WJCT3EHS8XJC$+DXJCCWENF6OF63W5NW6WF6%JC QE/IAYJC5LEW34U3ET7DXC9 QE-ED8%E.JCBECB1A-:8$96646AL60A60S6Q$D.UDRYA 96NF6L/5QW6307KQEPD09WEQDD+Q6TW6FA7C466KCN9E%961A6DL6FA7D46JPCT3E5JDLA7$Q6E464W5TG6..DX%DZJC6/DTZ9 QE5$CB$DA/D JC1/D3Z8WED1ECW.CCWE.Y92OAGY8MY9L+9MPCG/D5 C5IA5N9$PC5$CWKEEY9+Q6TW6FA7C46TPCBEC8ZKW.CNWE.Y92OAGY82+8UB8-R7/0A1OA1C9K09UIAI3D8WEM-DNPC NEGY8D+8ZKW.C6IA5N9',
];

/** Characters for header values: what an HTTP/1.1 header can carry (printable Latin-1). */
const headerChar = fc
  .integer({ min: 0x20, max: 0xff })
  .filter((c) => c !== 0x7f)
  .map((c) => String.fromCharCode(c));

/** Any UTF-16 code unit, lone surrogates and NUL included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

export const junkString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...NASTY_STRINGS), weight: 5 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: anyCodeUnit, maxLength: 20 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }), weight: 1 },
  { arbitrary: fc.stringMatching(/^-?\d{1,20}$/), weight: 1 },
  {
    arbitrary: fc
      .tuple(fc.constantFrom(...NASTY_STRINGS), fc.string({ maxLength: 8 }), fc.constantFrom(...NASTY_STRINGS))
      .map(([a, b, c]) => `${a.slice(0, 200)}${b}${c.slice(0, 200)}`),
    weight: 2,
  },
);

/** A value nested `depth` levels deep (arrays or objects). */
function nested(depth: number, objects: boolean): unknown {
  let v: unknown = 'deep';
  for (let i = 0; i < depth; i++) v = objects ? { a: v } : [v];
  return v;
}

const junkNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -0, -1, 1.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, -1e308, 5e-324, Number.MAX_SAFE_INTEGER),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value, of any type, including the nasty strings and deep nesting. */
export const junkValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { arbitrary: junkString, weight: 6 },
    { arbitrary: junkNumber, weight: 2 },
    { arbitrary: fc.boolean(), weight: 1 },
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: fc.constantFrom({}, [], [null], { '': '' }), weight: 1 },
    { arbitrary: fc.array(tie('value'), { maxLength: 4 }), weight: 1 },
    { arbitrary: fc.dictionary(junkString, tie('value'), { maxKeys: 4 }), weight: 1 },
    {
      arbitrary: fc.tuple(fc.integer({ min: 10, max: 3000 }), fc.boolean()).map(([d, o]) => nested(d, o)),
      weight: 1,
    },
  ),
})).value;

// ---------------------------------------------------------------------------------------------
// Values shaped by a route's schema

/** The JSON Schema subset z.toJSONSchema produces for the routes' schemas. */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
}

/** The JSON Schema of a zod schema (as a client sends it), or undefined for a non-zod one. */
export function jsonSchemaOf(schema: unknown): JsonSchema | undefined {
  if (!schema || !(schema instanceof z.ZodType)) return undefined;
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return undefined;
  }
}

/** How far from the schema a generated value strays: 0 never, 1 now and then, 2 often. */
export type Strictness = 0 | 1 | 2;

const dateString: fc.Arbitrary<string> = fc.oneof(
  {
    arbitrary: fc
      .date({ min: new Date('1900-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    weight: 6,
  },
  { arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), weight: 1 },
  { arbitrary: fc.constantFrom('2021-11-20', '2021-11-19', '2021-11-21', '2022-01-15', '1990-02-02'), weight: 3 },
  {
    arbitrary: fc.constantFrom(
      '2021-02-30',
      '2021-13-01',
      '0000-00-00',
      '0000-01-01',
      '0001-01-01',
      '9999-12-31',
      '2021-2-3',
      '-2021-01-01',
      '2021-11-20T00:00:00Z',
    ),
    weight: 2,
  },
);

const digits = (n: number) => fc.stringMatching(new RegExp(`^\\d{${n}}$`));

const vietnameseName = fc
  .tuple(
    fc.constantFrom('Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Huỳnh', 'Võ', 'Đặng', 'Bùi', 'Đỗ'),
    fc.constantFrom('Văn', 'Thị', 'Hữu', 'Đức', 'Ngọc', 'Minh'),
    fc.constantFrom('An', 'Bình', 'Chi', 'Dũng', 'Hạnh', 'Hương', 'Khoa', 'Linh', 'Phúc', 'Yến'),
  )
  .map((p) => p.join(' '));

const pick = (values: readonly string[], fallback: fc.Arbitrary<string>) =>
  values.length ? fc.constantFrom(...values) : fallback;

/** The kind of record an id names, by the parameter's or property's name (`:id` by its resource). */
const ID_KINDS: Record<string, string> = {
  personId: 'people',
  duplicateId: 'people',
  doseId: 'doses',
  visitId: 'visits',
  sessionId: 'sessions',
  registrationId: 'registrations',
  campaignId: 'campaigns',
  lotId: 'lots',
  lookupId: 'lookups',
  'people:id': 'people',
  'sessions:id': 'sessions',
  'visits:id': 'visits',
  'lots:id': 'lots',
  'reports:id': 'reports',
  'registrations:id': 'registrations',
  'campaigns:id': 'campaigns',
};

/** A realistic value for a property, by its name (ids that exist, codes, dates, phones…). */
function hintFor(name: string, world: FuzzWorld): fc.Arbitrary<string> | undefined {
  if (name === 'facilityId') return pick(world.facilityIds, junkString);
  if (name === 'vaccineCode') return pick(world.vaccineCodes, junkString);
  if (name === 'lotNumber' || name === 'lotNumbers') return pick(world.lotNumbers, junkString);
  if (name === 'trackingCode') return pick(world.trackingCodes, junkString);
  if (name === 'candidateId') return pick(world.candidateIds, digits(3));
  if (name === 'ci') return pick(world.certificateIds, junkString);
  const kind = ID_KINDS[name];
  if (kind && world.idsByKind[kind]?.length)
    return fc.oneof(
      { arbitrary: pick(world.idsByKind[kind] ?? [], junkString), weight: 5 },
      { arbitrary: pick(world.ids, junkString), weight: 1 },
    );
  if (name === 'id' || /Id$/.test(name)) return pick(world.ids, junkString);
  if (/phone/i.test(name))
    return fc.oneof(
      pick(world.phones, digits(10)),
      digits(10).map((d) => `09${d.slice(2)}`),
    );
  if (/idNumber/i.test(name)) return fc.oneof(pick(world.idNumbers, digits(12)), digits(12), digits(9));
  if (/(province|district|commune|unit|parent)Code$|^code$/.test(name)) return pick(world.unitCodes, digits(2));
  if (/date|On$|^from$|^to$|invitedFor|At$/i.test(name)) return dateString;
  if (/name$/i.test(name)) return vietnameseName;
  if (name === 'otp') return digits(6);
  if (name === 'gender') return fc.constantFrom('male', 'female');
  return undefined;
}

function stringFor(s: JsonSchema, name: string, world: FuzzWorld): fc.Arbitrary<string> {
  if (s.format === 'uuid') return fc.uuid();
  if (s.format === 'date-time')
    return fc
      .oneof(
        {
          arbitrary: fc.date({ min: new Date('2021-01-01'), max: new Date('2022-12-31'), noInvalidDate: true }),
          weight: 4,
        },
        { arbitrary: fc.date({ noInvalidDate: true }), weight: 1 },
      )
      .map((d) => d.toISOString())
      .chain((iso) =>
        fc.oneof(
          { arbitrary: fc.constant(iso), weight: 8 },
          // The edges of the calendar (year 0 broke 15 routes with 500: an outside probe, 2026-12-03).
          {
            arbitrary: fc.constantFrom(
              '0000-01-01T00:00:00Z',
              '0001-01-01T00:00:00+14:00',
              '9999-12-31T23:59:59-12:00',
            ),
            weight: 1,
          },
        ),
      );
  const hint = hintFor(name, world);
  let shaped: fc.Arbitrary<string> | undefined;
  if (s.pattern) {
    try {
      shaped = fc.stringMatching(new RegExp(s.pattern));
    } catch {
      shaped = undefined;
    }
  }
  const min = s.minLength ?? 0;
  const max = Math.max(min, Math.min(s.maxLength ?? 60, 200));
  shaped ??= fc.oneof(
    { arbitrary: fc.string({ unit: 'grapheme', minLength: min, maxLength: max }), weight: 4 },
    { arbitrary: fc.constantFrom('x'.repeat(min), 'ệ'.repeat(max), 'a'.repeat(max + 1)), weight: 1 },
  );
  return hint ? fc.oneof({ arbitrary: hint, weight: 4 }, { arbitrary: shaped, weight: 1 }) : shaped;
}

function numberFor(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + (integer ? 1 : 1e-9) : -1e6);
  const hi = s.maximum ?? (s.exclusiveMaximum !== undefined ? s.exclusiveMaximum - (integer ? 1 : 1e-9) : 1e6);
  const min = Math.max(lo, -(2 ** 31));
  const max = Math.min(Math.max(hi, min), 2 ** 31);
  if (integer)
    return fc.oneof(
      fc.integer({ min: Math.ceil(min), max: Math.floor(max) }),
      fc.constantFrom(Math.ceil(min), Math.floor(max)),
    );
  return fc.oneof(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(min, max));
}

/**
 * Values shaped by a JSON Schema: every property typed as declared (existing ids and codes where
 * the name says so), with, depending on `strictness`, some replaced by junk, required ones left
 * out and unknown ones added.
 */
export function valueFor(
  s: JsonSchema,
  world: FuzzWorld,
  strictness: Strictness,
  name = '',
  depth = 0,
): fc.Arbitrary<unknown> {
  const shaped = shapedFor(s, world, strictness, name, depth);
  if (strictness === 0 || depth > 6) return shaped;
  return fc.oneof({ arbitrary: shaped, weight: strictness === 1 ? 15 : 3 }, { arbitrary: junkValue, weight: 1 });
}

function shapedFor(
  s: JsonSchema,
  world: FuzzWorld,
  strictness: Strictness,
  name: string,
  depth: number,
): fc.Arbitrary<unknown> {
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives?.length)
    return fc.oneof(...alternatives.map((a) => valueFor(a, world, strictness, name, depth + 1)));
  if (s.allOf?.length) return valueFor(s.allOf[0] as JsonSchema, world, strictness, name, depth + 1);
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (types.length > 1)
    return fc.oneof(...types.map((type) => shapedFor({ ...s, type }, world, strictness, name, depth)));
  switch (types[0]) {
    case 'string':
      return stringFor(s, name, world);
    case 'integer':
      return numberFor(s, true);
    case 'number':
      return numberFor(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const item = Array.isArray(s.items) ? (s.items[0] ?? {}) : (s.items ?? s.prefixItems?.[0] ?? {});
      const singular = name.endsWith('s') ? name.slice(0, -1) : name;
      return fc.array(valueFor(item, world, strictness, singular === name ? `${name}Item` : singular, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 5, 8),
      });
    }
    case 'object':
      return objectFor(s, world, strictness, name, depth);
    default:
      return junkValue;
  }
}

function objectFor(
  s: JsonSchema,
  world: FuzzWorld,
  strictness: Strictness,
  name: string,
  depth: number,
): fc.Arbitrary<unknown> {
  const properties = s.properties ?? {};
  const keys = Object.keys(properties);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of keys) model[key] = valueFor(properties[key] as JsonSchema, world, strictness, key, depth + 1);
  const required = (s.required ?? []).filter((k) => keys.includes(k));
  // A record keyed by the screening questions (answers, checklist): every question, as the UI sends.
  const additional = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
  if (!keys.length && additional) {
    const value = valueFor(additional, world, strictness, `${name}Value`, depth + 1);
    const questions = fc.record(Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, value])));
    const free = fc.dictionary(stringFor(s.propertyNames ?? {}, '', world), value, { maxKeys: 5 });
    return /answers|checklist/i.test(name)
      ? fc.oneof({ arbitrary: questions, weight: 4 }, { arbitrary: free, weight: 1 })
      : free;
  }
  let strict: fc.Arbitrary<unknown> = fc.record(model, { requiredKeys: required });
  if (keys.includes('fullName') && keys.includes('dateOfBirth') && world.citizens.length) {
    // A citizen the registry knows, with the other properties generated: bodies that pass the
    // identity rules and reach the services.
    const citizen = fc
      .constantFrom(...world.citizens)
      .map((c) => Object.fromEntries(Object.entries(c).filter(([k]) => keys.includes(k))));
    // The other required properties generated; the optional ones left out or generated.
    const missing = required.filter((k) => !(k in (world.citizens[0] ?? {})));
    const onlyRequired = fc.record(Object.fromEntries(missing.map((k) => [k, model[k] as fc.Arbitrary<unknown>])));
    const rest = fc.oneof(
      { arbitrary: onlyRequired, weight: 3 },
      { arbitrary: fc.record(model, { requiredKeys: missing }), weight: 1 },
    );
    strict = fc.oneof(
      { arbitrary: strict, weight: 1 },
      { arbitrary: fc.tuple(citizen, rest).map(([c, r]) => ({ ...(r as object), ...c })), weight: 2 },
    );
  }
  if (keys.includes('vaccineCode') && keys.includes('lotNumber') && world.lotPairs.length) {
    // A lot number of the vaccine named, as a site records it.
    const pair = fc.constantFrom(...world.lotPairs);
    strict = fc.oneof(
      { arbitrary: strict, weight: 1 },
      { arbitrary: fc.tuple(strict, pair).map(([v, p]) => ({ ...(v as object), ...p })), weight: 2 },
    );
  }
  if (strictness === 0) return strict;
  const loose = fc
    .tuple(fc.record(model, { requiredKeys: [] }), fc.dictionary(junkString, junkValue, { maxKeys: 3 }))
    .map(([known, extra]) => ({ ...extra, ...known }));
  return fc.oneof({ arbitrary: strict, weight: strictness === 1 ? 8 : 2 }, { arbitrary: loose, weight: 1 });
}

// ---------------------------------------------------------------------------------------------
// URLs

/**
 * Percent-encodes any string, lone surrogates included (as the WTF-8 bytes a careless client
 * sends, which the server must refuse), where encodeURIComponent would throw.
 */
export function encodeLoose(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const isHigh = c >= 0xd800 && c <= 0xdbff;
    const next = s.charCodeAt(i + 1);
    if (isHigh && next >= 0xdc00 && next <= 0xdfff) {
      out += encodeURIComponent(s.slice(i, i + 2));
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out +=
        `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`.toUpperCase();
    } else out += encodeURIComponent(s[i] as string);
  }
  return out;
}

/** Path segments as sent raw: broken percent-encoding, traversal, over-long. */
const RAW_SEGMENTS = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%ED%A0%80',
  '%C0%AF',
  '%00',
  '%2e%2e',
  '..',
  '.',
  '%252e',
  '%FF',
  '%u0041',
  'a'.repeat(300),
  'a'.repeat(600),
];

function segmentFor(name: string, schema: JsonSchema | undefined, world: FuzzWorld): fc.Arbitrary<string> {
  const hint = hintFor(name, world);
  const shaped = schema ? shapedFor(schema, world, 0, name, 1).map((v) => String(v)) : junkString;
  return fc.oneof(
    { arbitrary: (hint ?? shaped).map(encodeLoose), weight: 6 },
    { arbitrary: shaped.map(encodeLoose), weight: 2 },
    { arbitrary: junkString.map(encodeLoose), weight: 3 },
    { arbitrary: fc.constantFrom(...RAW_SEGMENTS), weight: 1 },
  );
}

function queryString(query: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    const values = Array.isArray(v) ? v : [v];
    for (const one of values) {
      if (one === undefined) continue;
      const text = typeof one === 'string' ? one : (JSON.stringify(one) ?? '');
      parts.push(`${encodeLoose(k)}=${encodeLoose(text)}`);
    }
  }
  return parts.join('&');
}

const RAW_QUERIES = [
  '%',
  'a=%zz',
  'a=%E0%A4%A',
  '&&&==',
  'a=1&a=2&a=3',
  'a[b]=1&a[c]=2',
  '__proto__[x]=1',
  'constructor.prototype.x=1',
  `${'x=1&'.repeat(500)}y=2`,
  '=',
  '?',
  '#frag',
  'q=%00',
  'q=%ED%A0%80',
  'limit=1e3',
  'limit=-0',
  'limit=0x10',
];

// ---------------------------------------------------------------------------------------------
// Bodies

const MALFORMED_JSON: readonly (string | Buffer)[] = [
  '{',
  '{"a":1,}',
  "{'a':1}",
  '[1,2',
  'nul',
  '"unterminated',
  '{"a":"\\ud800"}',
  '{"a":"\\u0000"}',
  '{"a":"\\x00"}',
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"admin":true}}}',
  '\ufeff{}',
  '1e999999',
  '-',
  '{"a":1}{"b":2}',
  ' ',
  'null',
  'true',
  '[]',
  '"string"',
  '12345',
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc0, 0x80, 0x22, 0x7d]),
  Buffer.from('{"fullName":"Nguyễn"}', 'utf16le'),
  Buffer.from([0xed, 0xa0, 0x80]),
];

const OTHER_TYPES: readonly [string, string | Buffer][] = [
  ['text/plain', 'hello'],
  ['text/plain; charset=utf-8', '\u0000\ud800'],
  ['application/xml', '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>'],
  ['application/x-www-form-urlencoded', 'a=1&b=%zz&c=%00'],
  ['application/octet-stream', Buffer.from([0, 1, 2, 255, 254])],
  ['application/json; charset=latin1', '{"a":"\u00e9"}'],
  ['application/json; charset=utf-16', '{}'],
  ['application/vnd.api+json', '{}'],
  ['application/jsonx', '{}'],
  [';;;', '{}'],
  ['json', '{}'],
  ['multipart/form-data', '--x\r\n\r\n'],
  ['multipart/form-data; boundary=', '--\r\n'],
  ['multipart/mixed; boundary=x', '--x\r\nContent-Type: text/plain\r\n\r\nhi\r\n--x--\r\n'],
  ['image/jpeg', Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10])],
];

const JPEG_HEAD = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00]);
const PNG_HEAD = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A multipart body: fields and a file, well-formed or broken in one of several ways. */
const multipartBody: fc.Arbitrary<{ type: string; body: Buffer; note: string }> = fc
  .record({
    boundary: fc.stringMatching(/^[A-Za-z0-9'()+_,-.]{1,40}$/),
    fields: fc.array(fc.tuple(fc.constantFrom('phone', 'photo', 'note', '__proto__', ''), junkString), {
      maxLength: 4,
    }),
    file: fc.oneof(
      fc.constant(JPEG_HEAD),
      fc.constant(PNG_HEAD),
      fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
      fc.uint8Array({ maxLength: 100 }).map((a) => Buffer.concat([JPEG_HEAD, Buffer.from(a)])),
    ),
    fileName: fc.oneof(fc.constant('photo'), fc.constantFrom('x', '')),
    breakage: fc.constantFrom('none', 'none', 'no-boundary', 'truncated', 'no-close', 'wrong-boundary', 'bad-header'),
    cut: fc.nat(),
  })
  .map(({ boundary, fields, file, fileName, breakage, cut }) => {
    const chunks: Buffer[] = [];
    for (const [name, value] of fields)
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
    const header =
      breakage === 'bad-header'
        ? `--${boundary}\r\nContent-Disposition form-data name=${fileName}\r\n\r\n`
        : `--${boundary}\r\nContent-Disposition: form-data; name="${fileName}"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`;
    chunks.push(Buffer.from(header), file, Buffer.from('\r\n'));
    if (breakage !== 'no-close') chunks.push(Buffer.from(`--${boundary}--\r\n`));
    let body = Buffer.concat(chunks);
    if (breakage === 'truncated') body = body.subarray(0, cut % Math.max(1, body.length));
    const type =
      breakage === 'no-boundary'
        ? 'multipart/form-data'
        : `multipart/form-data; boundary=${breakage === 'wrong-boundary' ? `${boundary}x` : boundary}`;
    return { type, body, note: `multipart:${breakage}` };
  });

// ---------------------------------------------------------------------------------------------
// Requests

export interface RouteShape {
  readonly entry: RouteEntry;
  readonly params?: JsonSchema;
  readonly query?: JsonSchema;
  readonly body?: JsonSchema;
  readonly headers?: JsonSchema;
}

/** The JSON Schemas of a route table entry's parts. */
export function shapeOf(entry: RouteEntry): RouteShape {
  const schema = (entry.schema ?? {}) as Record<string, unknown>;
  return {
    entry,
    params: jsonSchemaOf(schema.params),
    query: jsonSchemaOf(schema.querystring),
    body: jsonSchemaOf(schema.body),
    headers: jsonSchemaOf(schema.headers),
  };
}

const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function urlArb(
  shape: RouteShape,
  world: FuzzWorld,
  strictness: Strictness,
): fc.Arbitrary<{ path: string; note: string }> {
  const segments = shape.entry.url.split('/');
  const parts = segments.map((seg, i) => {
    if (seg.startsWith(':')) {
      const name = seg.slice(1);
      const resource = segments[i - 1] ?? '';
      const qualified = name === 'id' && ID_KINDS[`${resource}:id`] ? `${resource}:id` : name;
      return segmentFor(qualified, shape.params?.properties?.[name], world);
    }
    if (seg === '*')
      return fc.array(segmentFor('file', undefined, world), { minLength: 1, maxLength: 3 }).map((a) => a.join('/'));
    return fc.constant(seg);
  });
  const query: fc.Arbitrary<{ text: string; note: string }> = fc.oneof(
    {
      arbitrary: (shape.query ? objectFor(shape.query, world, strictness, 'query', 0) : fc.constant({})).map((q) => ({
        text: queryString(q as Record<string, unknown>),
        note: 'query:schema',
      })),
      weight: 8,
    },
    {
      arbitrary: fc
        .dictionary(junkString, fc.oneof(junkString, fc.array(junkString, { maxLength: 3 })), { maxKeys: 4 })
        .map((q) => ({
          text: queryString(q),
          note: 'query:junk',
        })),
      weight: strictness === 0 ? 0 : 2,
    },
    {
      arbitrary: fc.constantFrom(...RAW_QUERIES).map((text) => ({ text, note: 'query:raw' })),
      weight: strictness === 0 ? 0 : 1,
    },
  );
  const extra = fc.oneof(
    { arbitrary: fc.constant(''), weight: 30 },
    { arbitrary: junkString.map((s) => `/${encodeLoose(s)}`), weight: 1 },
    { arbitrary: fc.constantFrom('/', '//', '/..', '/%2e%2e/%2e%2e/etc/passwd', '.json', ';a=b'), weight: 1 },
  );
  return fc.tuple(fc.tuple(...parts), query, extra).map(([segs, q, tail]) => ({
    path: `${segs.join('/')}${tail}${q.text ? `?${q.text}` : ''}`,
    note: q.note,
  }));
}

type Body = { type?: string; payload?: string | Buffer; note: string };

function bodyArb(shape: RouteShape, world: FuzzWorld, strictness: Strictness, method: string): fc.Arbitrary<Body> {
  const json = (v: unknown, note: string): Body => ({
    type: 'application/json',
    payload: JSON.stringify(v) ?? 'null',
    note,
  });
  const shaped = (shape.body ? valueFor(shape.body, world, strictness, 'body', 0) : fc.constant({})).map((v) =>
    json(v, 'body:schema'),
  );
  if (strictness === 0) return METHODS_WITH_BODY.has(method) ? shaped : fc.constant({ note: 'body:none' });
  const multipartRoute = /evidence/.test(shape.entry.url);
  return fc.oneof(
    { arbitrary: shaped, weight: METHODS_WITH_BODY.has(method) ? 8 : 1 },
    { arbitrary: fc.constant<Body>({ note: 'body:none' }), weight: METHODS_WITH_BODY.has(method) ? 1 : 6 },
    { arbitrary: junkValue.map((v) => json(v, 'body:junk')), weight: 2 },
    {
      // Written out as text: JSON.stringify itself would overflow the stack on the deepest.
      arbitrary: fc.tuple(fc.integer({ min: 33, max: 200_000 }), fc.boolean()).map(([d, o]) => ({
        type: 'application/json',
        payload: o ? `${'{"a":'.repeat(d)}1${'}'.repeat(d)}` : `${'['.repeat(d)}${']'.repeat(d)}`,
        note: `body:deep${d}`,
      })),
      weight: 1,
    },
    {
      arbitrary: fc
        .constantFrom(...MALFORMED_JSON)
        .map((p) => ({ type: 'application/json', payload: p, note: 'body:malformed' })),
      weight: 1,
    },
    { arbitrary: fc.constant<Body>({ type: 'application/json', payload: '', note: 'body:empty-json' }), weight: 1 },
    {
      arbitrary: fc.constantFrom(...OTHER_TYPES).map(([type, payload]) => ({ type, payload, note: `body:${type}` })),
      weight: 1,
    },
    {
      arbitrary: fc
        .integer({ min: 100_000, max: 1_200_000 })
        .map((n) => json({ text: 'x'.repeat(n) }, `body:huge${n}`)),
      weight: 1,
    },
    {
      arbitrary: multipartBody.map((m) => ({ type: m.type, payload: m.body, note: m.note })),
      weight: multipartRoute ? 8 : 1,
    },
  );
}

const headerJunk = fc.string({ unit: headerChar, maxLength: 60 });

function headersArb(shape: RouteShape, strictness: Strictness): fc.Arbitrary<Record<string, string>> {
  const idempotency = shape.headers?.properties?.['idempotency-key'];
  const entries: [string, fc.Arbitrary<string | undefined>][] = [
    ['idempotency-key', idempotency ? fc.oneof(fc.uuid(), headerJunk) : fc.constant(undefined)],
    [
      'accept-language',
      fc.option(
        fc.oneof(fc.constantFrom('en', 'vi', 'en-GB,en;q=0.9', 'en;q=abc', '*', 'x'.repeat(2000)), headerJunk),
        { freq: 3 },
      ),
    ],
  ];
  if (strictness > 0)
    entries.push(
      ['x-request-id', fc.option(headerJunk, { freq: 5 })],
      ['origin', fc.option(fc.constantFrom('https://evil.example', 'null', 'http://localhost', '::::'), { freq: 10 })],
      ['sec-fetch-site', fc.option(fc.constantFrom('cross-site', 'same-site', 'none', 'same-origin'), { freq: 10 })],
      [
        'cookie',
        fc.option(
          fc.oneof(
            headerJunk.map((v) => `tc_session=${encodeURIComponent(v)}`),
            fc.constantFrom('tc_session=%00', 'tc_session=%ED%A0%80', 'tc_session=; tc_session=x', '=;=;'),
          ),
          { freq: 10 },
        ),
      ],
    );
  return fc.tuple(...entries.map(([, arb]) => arb)).map((values) => {
    const headers: Record<string, string> = {};
    values.forEach((v, i) => {
      if (v !== undefined && v !== null) headers[(entries[i] as [string, unknown])[0]] = v;
    });
    return headers;
  });
}

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

/** Requests to one route: its method (now and then another), URL, query, headers and body. */
export function requestArb(shape: RouteShape, world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom<Strictness>(0, 0, 1, 1, 2).chain((strictness) =>
    fc
      .tuple(
        strictness === 2
          ? fc.oneof(
              { arbitrary: fc.constant(shape.entry.method), weight: 12 },
              { arbitrary: fc.constantFrom(...OTHER_METHODS), weight: 1 },
            )
          : fc.constant(shape.entry.method),
        urlArb(shape, world, strictness),
        headersArb(shape, strictness),
      )
      .chain(([method, url, headers]) =>
        bodyArb(shape, world, strictness, method).map((body): FuzzRequest => {
          const all = { ...headers };
          if (body.type !== undefined) all['content-type'] = body.type;
          return {
            route: `${shape.entry.method} ${shape.entry.url}`,
            method,
            url: url.path,
            headers: all,
            ...(body.payload !== undefined ? { payload: body.payload } : {}),
            note: `strict${strictness} ${url.note} ${body.note}`,
          };
        }),
      ),
  );
}
