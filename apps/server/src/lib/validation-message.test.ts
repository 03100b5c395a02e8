import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCHEMA_MESSAGES } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validationError, validationMessage } from './validation-message.js';

/** The message of the first issue of `schema` refusing `value`, in both languages. */
function messageOf(schema: z.ZodType, value: unknown) {
  const r = schema.safeParse(value);
  if (r.success) throw new Error(`${JSON.stringify(value)} passed`);
  const err = validationError(r.error.issues);
  return { vi: err.messageIn('vi'), en: err.messageIn('en'), field: err.field };
}

const CASES: [string, z.ZodType, unknown, { vi: string; en: string }][] = [
  [
    'a string too long',
    z.object({ id: z.string().max(64) }),
    { id: 'a'.repeat(65) },
    { vi: 'Giá trị không hợp lệ ở trường id: tối đa 64 ký tự', en: 'Invalid value for id: at most 64 characters' },
  ],
  [
    'an empty string',
    z.object({ q: z.string().min(1) }),
    { q: '' },
    { vi: 'Giá trị không hợp lệ ở trường q: không được để trống', en: 'Invalid value for q: must not be empty' },
  ],
  [
    'a string too short',
    z.object({ code: z.string().min(4) }),
    { code: 'ab' },
    { vi: 'Giá trị không hợp lệ ở trường code: ít nhất 4 ký tự', en: 'Invalid value for code: at least 4 characters' },
  ],
  [
    'a string of the wrong length',
    z.object({ cccd: z.string().length(12) }),
    { cccd: '1' },
    {
      vi: 'Giá trị không hợp lệ ở trường cccd: phải có đúng 12 ký tự',
      en: 'Invalid value for cccd: must have exactly 12 characters',
    },
  ],
  [
    'a number too big (Vietnamese digit grouping)',
    z.object({ limit: z.number().max(10_000) }),
    { limit: 20_000 },
    {
      vi: 'Giá trị không hợp lệ ở trường limit: không được lớn hơn 10.000',
      en: 'Invalid value for limit: must be at most 10,000',
    },
  ],
  [
    'a number not positive',
    z.object({ n: z.coerce.number().int().positive() }),
    { n: '-1' },
    { vi: 'Giá trị không hợp lệ ở trường n: phải lớn hơn 0', en: 'Invalid value for n: must be greater than 0' },
  ],
  [
    'not a number',
    z.object({ n: z.coerce.number() }),
    { n: 'x' },
    { vi: 'Giá trị không hợp lệ ở trường n: cần số', en: 'Invalid value for n: expected a number' },
  ],
  [
    'the wrong type',
    z.object({ username: z.string() }),
    { username: 42 },
    {
      vi: 'Giá trị không hợp lệ ở trường username: cần chuỗi ký tự, nhận được số',
      en: 'Invalid value for username: expected a string, received a number',
    },
  ],
  [
    'a missing field',
    z.object({ password: z.string() }),
    {},
    { vi: 'Thiếu trường bắt buộc: password', en: 'Missing required field: password' },
  ],
  [
    'an option not in the list',
    z.object({ gender: z.enum(['male', 'female']) }),
    { gender: 'x' },
    {
      vi: 'Giá trị không hợp lệ ở trường gender: phải là một trong các giá trị "male", "female"',
      en: 'Invalid value for gender: must be one of "male", "female"',
    },
  ],
  [
    'not a boolean word',
    z.object({ dryRun: z.stringbool() }),
    { dryRun: 'maybe' },
    {
      vi: 'Giá trị không hợp lệ ở trường dryRun: cần true hoặc false',
      en: 'Invalid value for dryRun: expected true or false',
    },
  ],
  [
    'an invalid email',
    z.object({ email: z.email() }),
    { email: 'x' },
    {
      vi: 'Giá trị không hợp lệ ở trường email: không phải địa chỉ email hợp lệ',
      en: 'Invalid value for email: not a valid email address',
    },
  ],
  [
    'a prefix missing',
    z.object({ qr: z.string().startsWith('HC1:') }),
    { qr: 'x' },
    {
      vi: 'Giá trị không hợp lệ ở trường qr: phải bắt đầu bằng "HC1:"',
      en: 'Invalid value for qr: must start with "HC1:"',
    },
  ],
  [
    'a field not taken',
    z.object({ a: z.string() }).strict(),
    { a: 'x', b: 1 },
    {
      vi: 'Giá trị không hợp lệ: có trường không được chấp nhận: "b"',
      en: 'Invalid value: unrecognized field: "b"',
    },
  ],
  [
    'a list too long, nested',
    z.object({ lots: z.array(z.object({ n: z.array(z.string()).max(1) })) }),
    { lots: [{ n: ['a', 'b'] }] },
    {
      vi: 'Giá trị không hợp lệ ở trường lots.0.n: tối đa 1 phần tử',
      en: 'Invalid value for lots.0.n: at most 1 item',
    },
  ],
  [
    'a date too late',
    z.object({ on: z.date().max(new Date('2021-12-31T00:00:00Z')) }),
    { on: new Date('2022-01-01T00:00:00Z') },
    {
      vi: 'Giá trị không hợp lệ ở trường on: không được sau ngày 2021-12-31',
      en: 'Invalid value for on: must not be after 2021-12-31',
    },
  ],
  [
    'a core schema’s own message',
    z.object({ provinceCode: z.string().regex(/^\d{2}$/, { message: 'a two-digit province code' }) }),
    { provinceCode: 'x' },
    {
      vi: 'Giá trị không hợp lệ ở trường provinceCode: cần mã tỉnh gồm 2 chữ số',
      en: 'Invalid value for provinceCode: a two-digit province code',
    },
  ],
  [
    'a pattern without a message',
    z.object({ code: z.string().regex(/^\d+$/) }),
    { code: 'x' },
    {
      vi: 'Giá trị không hợp lệ ở trường code: không đúng định dạng',
      en: 'Invalid value for code: does not have the expected format',
    },
  ],
  [
    'a refinement’s message not listed: Vietnamese without it, English as written',
    z.object({ x: z.string().refine(() => false, { message: 'not like that' }) }),
    { x: 'y' },
    { vi: 'Giá trị không hợp lệ ở trường x.', en: 'Invalid value for x: not like that' },
  ],
];

/** What zod's own English text (or its vi locale's leftovers) look like. */
const ZOD_ENGLISH =
  /Too (big|small)|Invalid (input|option|string|email)|expected|received|Unrecognized|mong đợi|string|undefined/;

describe('a validation failure’s message, in each language from the issue', () => {
  for (const [name, schema, value, expected] of CASES) {
    it(name, () => {
      const m = messageOf(schema, value);
      expect({ vi: m.vi, en: m.en }).toEqual(expected);
      // The Vietnamese has no English of zod's in it (a listed value or a field name aside).
      if (!name.includes('own message')) expect(m.vi.replace(/"[^"]*"/g, '')).not.toMatch(ZOD_ENGLISH);
    });
  }

  it('the issue as fastify-type-provider-zod passes it to the error handler (keyword, message, params) reads the same', () => {
    const r = z.object({ id: z.string().max(64) }).safeParse({ id: 'a'.repeat(65) });
    const { code, message, path: _path, ...params } = r.error!.issues[0]!;
    expect(validationMessage({ ...params, code, message }, 'id')).toEqual({
      vi: 'Giá trị không hợp lệ ở trường id: tối đa 64 ký tự',
      en: 'Invalid value for id: at most 64 characters',
    });
    expect(validationMessage(undefined, undefined)).toEqual({ vi: 'Giá trị không hợp lệ.', en: 'Invalid value.' });
  });

  it('core’s schemas and the server’s routes write no message of a check but through core’s SCHEMA_MESSAGES, which has both languages', () => {
    const repo = path.resolve(fileURLToPath(import.meta.url), '../../../../..');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) return files(full);
        return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
      });
    const written: string[] = [];
    let through = 0;
    for (const file of [
      ...files(path.join(repo, 'packages/core/src/schemas')),
      ...files(path.join(repo, 'apps/server/src/modules')).filter((f) => f.endsWith('.routes.ts')),
    ]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\{\s*message:\s*['`"]([^'`"]+)['`"]/g))
        written.push(`${path.basename(file)}: ${m[1]}`);
      through += text.match(/schemaMessage\('/g)?.length ?? 0;
    }
    expect(through).toBeGreaterThan(5);
    expect(written).toEqual([]);
    for (const m of Object.values(SCHEMA_MESSAGES)) {
      expect(validationMessage({ code: 'custom', message: m.en }, 'x')).toEqual({
        vi: expect.stringContaining(m.vi),
        en: expect.stringContaining(m.en),
      });
    }
  });
});
