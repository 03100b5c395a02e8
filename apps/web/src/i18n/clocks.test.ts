import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { OBSERVATION_MINUTES, REPORT_SLA_HOURS } from '@tiemchung/core';
import i18next from 'i18next';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '..');

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return jsonFiles(full);
    return name.endsWith('.json') ? [full] : [];
  });
}

describe('texts name core’s clocks, never a copy of them', () => {
  it('no text writes the report deadline or the observation time as a number', () => {
    const copies: string[] = [];
    for (const file of jsonFiles(SRC)) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(
        new RegExp(`\\b(${REPORT_SLA_HOURS}\\s*(giờ|hours?)|${OBSERVATION_MINUTES}\\s*(phút|minutes?))`, 'g'),
      ))
        copies.push(`${path.relative(SRC, file)}: ${m[0]}`);
    }
    expect(copies).toEqual([]);
  });

  it('the placeholders are filled from core (as the app’s i18n instance is configured)', async () => {
    const i18n = i18next.createInstance();
    const vi = JSON.parse(readFileSync(path.join(SRC, 'staff/reports/i18n/vi.json'), 'utf8'));
    await i18n.init({
      lng: 'vi',
      resources: { vi: { translation: vi } },
      interpolation: {
        escapeValue: false,
        defaultVariables: { slaHours: REPORT_SLA_HOURS, observationMinutes: OBSERVATION_MINUTES },
      },
    });
    const source = readFileSync(path.join(SRC, 'i18n/index.ts'), 'utf8');
    expect(source).toContain(
      'defaultVariables: { slaHours: REPORT_SLA_HOURS, observationMinutes: OBSERVATION_MINUTES }',
    );
    expect(i18n.t('urgency.overdue')).toBe(`Quá hạn ${REPORT_SLA_HOURS} giờ`);
    expect(i18n.t('countdown.doneOnTime')).toBe(`Xong trong ${REPORT_SLA_HOURS} giờ`);
  });
});
