import { describe, expect, it } from 'vitest';
import {
  CERTIFICATE_STATUS_LABELS,
  certificateStatus,
  certificateStatusLabel,
  certificateStatusText,
} from './status.js';

const PFIZER = 'EU/1/20/1528';
const MODERNA = 'EU/1/20/1507';
const ASTRAZENECA = 'EU/1/21/1529';
const JANSSEN = 'EU/1/20/1525';
const ABDALA = 'Abdala';
const VERO_CELL = 'BBIBP-CorV';

const dose = (vaccineCode: string, administeredOn: string, declaredKind?: 'additional' | 'booster') => ({
  vaccineCode,
  administeredOn,
  ...(declaredKind ? { declaredKind } : {}),
});

describe('The certificate shows a status worked out from the doses', () => {
  it('someone with no dose has no certificate: status none', () => {
    expect(certificateStatus([])).toEqual({
      status: 'none',
      color: 'none',
      primaryDosesGiven: 0,
      primaryDosesRequired: 2,
      boosterDoses: 0,
      additionalDoses: 0,
      completedOn: null,
    });
  });

  it('one Pfizer dose of two: partial, yellow, "Đã tiêm 1 mũi"', () => {
    const s = certificateStatus([dose(PFIZER, '2021-08-01')]);
    expect(s).toMatchObject({ status: 'partial', color: 'yellow', primaryDosesGiven: 1, primaryDosesRequired: 2 });
    expect(s.completedOn).toBeNull();
    expect(certificateStatusText(s).vi).toBe('Đã tiêm 1 mũi');
    expect(certificateStatusLabel('partial')).toBe('Đã tiêm 1 mũi');
  });

  it('two Pfizer doses: complete, green, completed on the second dose', () => {
    const s = certificateStatus([dose(PFIZER, '2021-08-22'), dose(PFIZER, '2021-08-01')]);
    expect(s).toMatchObject({
      status: 'complete',
      color: 'green',
      primaryDosesGiven: 2,
      primaryDosesRequired: 2,
      completedOn: '2021-08-22',
    });
    expect(certificateStatusText(s)).toEqual({
      vi: 'Đã tiêm đủ liều cơ bản (2 mũi)',
      en: 'Primary series complete (2 doses)',
    });
  });

  it('AstraZeneca then Pfizer (a mixed series the ministry allows) is complete', () => {
    const s = certificateStatus([dose(ASTRAZENECA, '2021-06-01'), dose(PFIZER, '2021-08-10')]);
    expect(s).toMatchObject({ status: 'complete', color: 'green', completedOn: '2021-08-10' });
  });

  it('Moderna then Pfizer is complete too', () => {
    expect(certificateStatus([dose(MODERNA, '2021-07-01'), dose(PFIZER, '2021-08-01')]).status).toBe('complete');
  });

  it('one Janssen dose completes the series', () => {
    const s = certificateStatus([dose(JANSSEN, '2021-09-01')]);
    expect(s).toMatchObject({ status: 'complete', color: 'green', primaryDosesGiven: 1, primaryDosesRequired: 1 });
    expect(certificateStatusText(s).en).toBe('Primary series complete (1 dose)');
  });

  it('Abdala needs three doses: two is still partial, three is complete', () => {
    const two = certificateStatus([dose(ABDALA, '2021-10-01'), dose(ABDALA, '2021-10-15')]);
    expect(two).toMatchObject({ status: 'partial', color: 'yellow', primaryDosesGiven: 2, primaryDosesRequired: 3 });
    expect(certificateStatusText(two).vi).toBe('Đã tiêm 2/3 mũi cơ bản');
    const three = certificateStatus([
      dose(ABDALA, '2021-10-01'),
      dose(ABDALA, '2021-10-15'),
      dose(ABDALA, '2021-10-29'),
    ]);
    expect(three).toMatchObject({ status: 'complete', completedOn: '2021-10-29' });
  });

  it('a third dose after two Vero Cell is a booster: green, status booster', () => {
    const s = certificateStatus([
      dose(VERO_CELL, '2021-07-01'),
      dose(VERO_CELL, '2021-07-29'),
      dose(PFIZER, '2022-01-10'),
    ]);
    expect(s).toMatchObject({
      status: 'booster',
      color: 'green',
      boosterDoses: 1,
      additionalDoses: 0,
      completedOn: '2021-07-29',
    });
    expect(certificateStatusText(s).vi).toBe('Đã tiêm đủ liều cơ bản và 1 mũi nhắc lại');
  });

  it('an additional dose (liều bổ sung) and a booster are counted apart', () => {
    const s = certificateStatus([
      dose(PFIZER, '2021-07-01'),
      dose(PFIZER, '2021-07-22'),
      dose(PFIZER, '2021-09-01', 'additional'),
      dose(MODERNA, '2022-03-01'),
    ]);
    expect(s).toMatchObject({ status: 'booster', boosterDoses: 1, additionalDoses: 1 });
    expect(certificateStatusText(s).en).toBe('Primary series complete and 1 additional dose, 1 booster dose');
  });

  it('a Janssen dose followed by Pfizer is a booster, not a second primary dose', () => {
    const s = certificateStatus([dose(JANSSEN, '2021-08-01'), dose(PFIZER, '2022-01-01')]);
    expect(s).toMatchObject({ status: 'booster', primaryDosesGiven: 1, boosterDoses: 1, completedOn: '2021-08-01' });
  });

  it('every status has a Vietnamese and an English label', () => {
    for (const label of Object.values(CERTIFICATE_STATUS_LABELS)) {
      expect(label.vi).not.toBe('');
      expect(label.en).not.toBe('');
    }
    expect(certificateStatusLabel('booster', 'en')).toBe('Booster received');
  });
});
