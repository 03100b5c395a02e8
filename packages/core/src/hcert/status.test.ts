import { describe, expect, it } from 'vitest';
import {
  CERTIFICATE_STATUS_LABELS,
  certificateStatus,
  certificateStatusLabel,
  certificateStatusText,
  reissueReason,
  SUPERSEDE_REASONS,
  supersedeWithdraws,
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

describe('A certificate replaced by a newer one: still valid after a new dose, withdrawn after a correction', () => {
  // The record's content as the server hashes it: the person and each dose (id, date, number).
  type D = { id: string; on: string; n: number; recordedAt: number };
  let person = 'Nguyễn Thị Ánh Tuyết|1990-04-17';
  const hashOf = (ds: readonly D[]) => JSON.stringify([person, ds.map((d) => [d.id, d.on, d.n])]);
  const d1: D = { id: 'a', on: '2021-08-01', n: 1, recordedAt: 100 };
  const d2: D = { id: 'b', on: '2021-08-29', n: 2, recordedAt: 200 };
  const issuedAt = 300;
  const certificate = () => ({ contentHash: hashOf([d1, d2]), issuedAt });

  it('the same record again is a renewal', () => {
    person = 'Nguyễn Thị Ánh Tuyết|1990-04-17';
    expect(reissueReason(certificate(), [d1, d2], hashOf)).toBe('renewal');
  });

  it('a booster recorded since (or at the instant it was issued) leaves it valid: new_dose', () => {
    const cert = certificate();
    const booster: D = { id: 'c', on: '2022-01-05', n: 3, recordedAt: 400 };
    expect(reissueReason(cert, [d1, d2, booster], hashOf)).toBe('new_dose');
    expect(reissueReason(cert, [d1, d2, { ...booster, recordedAt: issuedAt }], hashOf)).toBe('new_dose');
    // Recorded at one instant with the doses it covers (a clock that did not move): the hash tells.
    const sameInstant = { contentHash: hashOf([{ ...d1, recordedAt: issuedAt }]), issuedAt };
    expect(
      reissueReason(
        sameInstant,
        [
          { ...d1, recordedAt: issuedAt },
          { ...d2, recordedAt: issuedAt },
        ],
        hashOf,
      ),
    ).toBe('new_dose');
    const second: D = { id: 'd', on: '2022-06-05', n: 4, recordedAt: 900 };
    expect(reissueReason(cert, [d1, d2, booster, second], hashOf)).toBe('new_dose');
  });

  it('a correction is data_changed: a dose corrected or deleted, an earlier dose added, the person corrected', () => {
    const cert = certificate();
    const booster: D = { id: 'c', on: '2022-01-05', n: 3, recordedAt: 400 };
    expect(reissueReason(cert, [d1, { ...d2, on: '2021-09-05' }], hashOf)).toBe('data_changed');
    expect(reissueReason(cert, [d1, { ...d2, on: '2021-09-05' }, booster], hashOf)).toBe('data_changed');
    expect(reissueReason(cert, [d1], hashOf)).toBe('data_changed');
    // A dose dated before the others renumbers them: what the certificate said is no longer right.
    const earlier: D = { id: 'e', on: '2021-07-01', n: 1, recordedAt: 400 };
    expect(reissueReason(cert, [earlier, { ...d1, n: 2 }, { ...d2, n: 3 }], hashOf)).toBe('data_changed');
    // A later dose recorded before it was issued came from elsewhere (a merge): not a new dose.
    expect(reissueReason(cert, [d1, d2, { ...booster, recordedAt: 250 }], hashOf)).toBe('data_changed');
    person = 'Nguyễn Thị Ánh Tuyết|1990-04-18';
    expect(reissueReason(cert, [d1, d2, booster], hashOf)).toBe('data_changed');
    person = 'Nguyễn Thị Ánh Tuyết|1990-04-17';
  });

  it('only a new dose leaves the replaced certificate valid', () => {
    expect(SUPERSEDE_REASONS.filter((r) => !supersedeWithdraws(r))).toEqual(['new_dose']);
    expect(supersedeWithdraws(null)).toBe(true);
  });
});
