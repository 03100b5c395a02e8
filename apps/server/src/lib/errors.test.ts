import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CATALOGUE } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { AppError } from './errors.js';

const SRC = path.resolve(fileURLToPath(import.meta.url), '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('the error catalogue', () => {
  it('every code the server raises by name is in core’s catalogue', () => {
    const raised = new Map<string, string>();
    for (const file of sourceFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/new AppError\(\s*'([a-z_]+)'|publicCode:\s*'([a-z_]+)'/g))
        raised.set(m[1] ?? m[2] ?? '', path.relative(SRC, file));
    }
    expect(raised.size).toBeGreaterThan(30);
    const missing = [...raised].filter(([code]) => !(code in ERROR_CATALOGUE));
    expect(missing, 'codes raised but not in packages/core/src/errors.ts').toEqual([]);
  });

  it('every entry has an error status and a message in Vietnamese and in English', () => {
    for (const [code, e] of Object.entries(ERROR_CATALOGUE)) {
      expect(code).toMatch(/^[a-z][a-z_]*[a-z]$/);
      expect(e.status, code).toBeGreaterThanOrEqual(400);
      expect(e.status, code).toBeLessThan(600);
      expect(e.vi.length, code).toBeGreaterThan(5);
      expect(e.en.length, code).toBeGreaterThan(5);
      expect(e.vi, code).not.toBe(e.en);
    }
  });

  it('a specific catalogue code answers with its own status and messages, a rule code with the rule’s message', () => {
    const resolved = new AppError('conflict', { publicCode: 'report_resolved' });
    expect(resolved.status).toBe(ERROR_CATALOGUE.report_resolved.status);
    expect(resolved.toBody('vi')).toEqual({
      error: { code: 'report_resolved', message: ERROR_CATALOGUE.report_resolved.vi },
    });
    const reused = new AppError('conflict', { publicCode: 'idempotency_key_reused' });
    expect(reused.status).toBe(422);
    const rule = new AppError('validation_failed', {
      ruleCode: 'id_number_sex_mismatch',
      field: 'idNumber',
      message: { vi: 'Số CCCD không khớp giới tính.', en: 'The ID number does not match the sex.' },
    });
    expect(rule.status).toBe(400);
    expect(rule.toBody('en').error).toEqual({
      code: 'id_number_sex_mismatch',
      field: 'idNumber',
      message: 'The ID number does not match the sex.',
    });
  });
});
