import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DOSE_RULE_CODES,
  ERROR_CATALOGUE,
  ERROR_CATALOGUE_PARTS,
  type ErrorCode,
  IDENTITY_RULE_CODES,
  identityGate,
  isRuleCode,
  placeholdersOf,
} from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { AppError, ruleError } from './errors.js';

const SERVER_SRC = path.resolve(fileURLToPath(import.meta.url), '../..');
const REPO = path.resolve(SERVER_SRC, '../../..');
const MODULES = path.join(SERVER_SRC, 'modules');
const CORE_SRC = path.join(REPO, 'packages/core/src');
const WEB_SRC = path.join(REPO, 'apps/web/src');

function sourceFiles(dir: string, ext = /\.ts$/): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full, ext);
    return ext.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

/** The text of the call whose `(` is at `open`, up to its matching `)` (strings and templates skipped). */
function callAt(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      for (i++; i < text.length && text[i] !== ch; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return text.slice(open, i + 1);
  }
  throw new Error(`unbalanced call at ${open}`);
}

interface RaiseSite {
  readonly file: string;
  readonly line: number;
  readonly kind: 'new' | 'rule' | 'ruleError';
  /** The code named as the call's first argument (`new AppError('x'`) or as `code: 'x'`, if any. */
  readonly code: string | undefined;
  readonly call: string;
}

/** Every `new AppError(…)`, `AppError.rule(…)` and `ruleError(…)` of the server's sources. */
function raiseSites(): RaiseSite[] {
  const sites: RaiseSite[] = [];
  for (const file of sourceFiles(SERVER_SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bnew AppError\(|\bAppError\.rule\(|(?<![.\w])ruleError\(/g)) {
      const open = m.index + m[0].length - 1;
      // The declarations in lib/errors.ts are not raise sites.
      if (/^\s*function\b/.test(text.slice(text.lastIndexOf('\n', m.index) + 1, m.index + 1))) continue;
      const call = callAt(text, open);
      const kind = m[0].startsWith('new') ? 'new' : m[0].startsWith('AppError') ? 'rule' : 'ruleError';
      const code =
        kind === 'new'
          ? /^\(\s*'([a-z_]+)'/.exec(call)?.[1]
          : (/^\(\s*\{[\s\S]*?\bcode:\s*'([a-z_]+)'/.exec(call)?.[1] ?? undefined);
      sites.push({
        file: path.relative(SERVER_SRC, file),
        line: text.slice(0, m.index).split('\n').length,
        kind,
        code,
        call,
      });
    }
  }
  return sites;
}

const SITES = raiseSites();
const where = (s: RaiseSite) => `${s.file}:${s.line}`;

describe('the error catalogue', () => {
  it('every entry has an error status and a message in Vietnamese and in English, with the same placeholders', () => {
    for (const [code, e] of Object.entries(ERROR_CATALOGUE)) {
      expect(code).toMatch(/^[a-z][a-z0-9_]*[a-z0-9]$/);
      expect(e.status, code).toBeGreaterThanOrEqual(400);
      expect(e.status, code).toBeLessThan(600);
      expect(e.vi.length, code).toBeGreaterThan(5);
      expect(e.en.length, code).toBeGreaterThan(5);
      expect(e.vi, code).not.toBe(e.en);
      expect(placeholdersOf(e.vi).sort(), code).toEqual(placeholdersOf(e.en).sort());
      // Braces only around placeholder names.
      expect(e.vi.replace(/\{[A-Za-z]\w*\}/g, ''), code).not.toMatch(/[{}]/);
      expect(e.en.replace(/\{[A-Za-z]\w*\}/g, ''), code).not.toMatch(/[{}]/);
    }
  });

  it('is its feature parts put together, each code in exactly one part', () => {
    const parts = Object.values(ERROR_CATALOGUE_PARTS);
    const keys = parts.flatMap((p) => Object.keys(p));
    expect(new Set(keys).size, 'a code in two parts').toBe(keys.length);
    expect(keys.sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
  });

  it('every code the server raises by name is in the catalogue', () => {
    expect(SITES.length).toBeGreaterThan(100);
    const named = SITES.filter((s) => s.code !== undefined);
    expect(named.length).toBeGreaterThan(80);
    const missing = named.filter((s) => !(s.code! in ERROR_CATALOGUE)).map((s) => `${where(s)} ${s.code}`);
    expect(missing, 'codes raised but not in packages/core/src/errors/').toEqual([]);
    // The codes the error handler maps framework errors and statuses to.
    const handler = readFileSync(path.join(SERVER_SRC, 'lib/error-handler.ts'), 'utf8');
    const mapped = [...handler.matchAll(/:\s*'([a-z_]+)',?$|\?\s*'([a-z_]+)'|:\s*'([a-z_]+)';$/gm)].map(
      (m) => m[1] ?? m[2] ?? m[3]!,
    );
    expect(mapped.length).toBeGreaterThan(20);
    expect(mapped.filter((c) => !(c in ERROR_CATALOGUE))).toEqual([]);
  });

  it('every rule code core can produce is in the catalogue: identity rules 400, dose rules and the identity gate 422', () => {
    expect(new Set(IDENTITY_RULE_CODES).size).toBe(IDENTITY_RULE_CODES.length);
    expect(new Set(DOSE_RULE_CODES).size).toBe(DOSE_RULE_CODES.length);
    for (const code of IDENTITY_RULE_CODES) {
      expect(ERROR_CATALOGUE[code]?.status, code).toBe(400);
      expect(isRuleCode(code), code).toBe(true);
    }
    for (const code of DOSE_RULE_CODES) {
      expect(ERROR_CATALOGUE[code]?.status, code).toBe(422);
      expect(isRuleCode(code), code).toBe(true);
    }
    const gate = identityGate({ verificationStatus: 'pending', identityOverride: false }, '2022-01-10');
    expect(gate.ok).toBe(false);
    if (!gate.ok) expect(ERROR_CATALOGUE[gate.code].status).toBe(422);
    expect(isRuleCode('validation_failed')).toBe(false);
    expect(isRuleCode('conflict')).toBe(false);
  });

  it('the core rules name only listed codes (fail, qrFail and v take no other)', () => {
    const listed = new Set<string>([...IDENTITY_RULE_CODES, ...DOSE_RULE_CODES]);
    const used = new Set<string>();
    for (const file of [...sourceFiles(path.join(CORE_SRC, 'identity')), path.join(CORE_SRC, 'doses/rules.ts')]) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\b(?:fail|qrFail|v)\(\s*'([a-z0-9_]+)'/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((c) => !listed.has(c))).toEqual([]);
    expect(
      [...listed].filter((c) => !used.has(c)),
      'listed codes no rule answers',
    ).toEqual([]);
  });

  it('every raise site of a code with placeholders gives them all in `params`', () => {
    const problems: string[] = [];
    for (const s of SITES) {
      if (s.kind !== 'new' || !s.code || !(s.code in ERROR_CATALOGUE)) continue;
      const names = placeholdersOf(ERROR_CATALOGUE[s.code as ErrorCode].vi);
      if (!names.length) {
        if (/\bparams\b/.test(s.call))
          problems.push(`${where(s)} ${s.code}: params for a message without placeholders`);
        continue;
      }
      const params = /\bparams:\s*\{([\s\S]*)\}/.exec(s.call)?.[1];
      if (params === undefined) {
        problems.push(`${where(s)} ${s.code}: no params`);
        continue;
      }
      for (const name of names)
        if (!new RegExp(`(^|[{,\\s])${name}\\s*[:,}]|(^|[{,\\s])${name}\\s*$`).test(params))
          problems.push(`${where(s)} ${s.code}: no {${name}}`);
    }
    expect(problems).toEqual([]);
  });

  it('no module writes its own message: every text is the catalogue’s, or a core rule’s', () => {
    const inline = SITES.filter(
      (s) =>
        s.file.startsWith('modules') &&
        (s.kind === 'new' ? /\bmessage\b|\bstatus\b|\bpublicCode\b|\bruleCode\b/ : /\b(vi|en):/).test(s.call),
    ).map((s) => `${where(s)}: ${s.call.slice(0, 80)}`);
    expect(inline).toEqual([]);
    // Nor any other way of passing one.
    for (const file of sourceFiles(MODULES)) {
      const text = readFileSync(file, 'utf8');
      expect(text, path.relative(SERVER_SRC, file)).not.toMatch(/\bpublicCode\b|\bruleCode\b/);
    }
  });

  it('the codes the web app acts on are in the catalogue', () => {
    const used = new Set<string>();
    for (const file of sourceFiles(WEB_SRC, /\.tsx?$/)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(
        /(?<!typeof\s+\w+)\.code\s*[!=]==\s*'([a-z_]+)'|'([a-z_]+)'\s*[!=]==\s*\w+\.code\b/g,
      ))
        used.add(m[1] ?? m[2]!);
    }
    expect(used.size).toBeGreaterThan(2);
    expect([...used].filter((c) => !(c in ERROR_CATALOGUE))).toEqual([]);
  });

  it('every code the API contract names is in the catalogue with the status it documents', () => {
    const contract = readFileSync(path.join(REPO, 'docs/api.md'), 'utf8');
    const rows = [...contract.matchAll(/^\|\s*(\d{3})\s*\|([^|]*)\|/gm)];
    expect(rows.length).toBeGreaterThan(15);
    const wrong: string[] = [];
    for (const [, status, codes] of rows)
      for (const [, code] of codes!.matchAll(/`([a-z_]+)`/g)) {
        const entry = ERROR_CATALOGUE[code as ErrorCode];
        if (entry?.status !== Number(status)) wrong.push(`${code}: documented ${status}, catalogue ${entry?.status}`);
      }
    expect(wrong).toEqual([]);
  });
});

describe('AppError', () => {
  it('answers the code raised, with the catalogue’s status and message', () => {
    const resolved = new AppError('report_resolved');
    expect(resolved.status).toBe(409);
    expect(resolved.toBody('vi')).toEqual({
      error: { code: 'report_resolved', message: ERROR_CATALOGUE.report_resolved.vi },
    });
    expect(new AppError('idempotency_key_reused').status).toBe(422);
    const duplicate = new AppError('duplicate_person', { field: 'idNumber', extra: { existingId: 'p1' } });
    expect(duplicate.toBody('en')).toEqual({
      error: { code: 'duplicate_person', field: 'idNumber', message: ERROR_CATALOGUE.duplicate_person.en },
      existingId: 'p1',
    });
  });

  it('fills the placeholders of its message in each language', () => {
    const stock = new AppError('insufficient_stock', { field: 'doses', params: { lotNumber: 'FF2587', remaining: 3 } });
    expect(stock.toBody('vi').error.message).toBe('Không đủ vắc xin: lô FF2587 chỉ còn 3 liều.');
    expect(stock.toBody('en').error.message).toBe('Not enough doses: lot FF2587 has 3 left.');
    expect(stock.message).toBe('Not enough doses: lot FF2587 has 3 left.');
    const role = new AppError('role_unit_level_mismatch', {
      params: { levels: { vi: 'tỉnh hoặc huyện', en: 'province or district' } },
    });
    expect(role.toBody('vi').error.message).toBe('Vai trò này phải gắn với đơn vị cấp tỉnh hoặc huyện.');
    expect(role.toBody('en').error.message).toBe('This role must be bound to a province or district.');
  });

  it('answers a core rule’s violation with the rule’s own message and the catalogue’s status', () => {
    const rule = ruleError({
      code: 'id_number_sex_mismatch',
      field: 'idNumber',
      message: { vi: 'Số CCCD không khớp giới tính.', en: 'The ID number does not match the sex.' },
    });
    expect(rule.status).toBe(400);
    expect(rule.toBody('en').error).toEqual({
      code: 'id_number_sex_mismatch',
      field: 'idNumber',
      message: 'The ID number does not match the sex.',
    });
    const violation = {
      code: 'lot_expired',
      field: 'lotNumber',
      message: { vi: 'Lô A đã hết hạn.', en: 'Lot A expired.' },
      overridable: true,
    } as const;
    const dose = AppError.rule(violation, { violations: [violation], extra: { overridable: true } });
    expect(dose.status).toBe(422);
    expect(dose.toBody('vi')).toEqual({
      error: { code: 'lot_expired', field: 'lotNumber', message: 'Lô A đã hết hạn.' },
      violations: [{ code: 'lot_expired', field: 'lotNumber', message: 'Lô A đã hết hạn.', overridable: true }],
      overridable: true,
    });
  });
});
