import { decodeCccd } from '@tiemchung/core';
import type { ReportRow } from '../../db/schema.js';

/** Where a report goes: the unit whose queue it enters. */
export interface ReportRoute {
  readonly level: ReportRow['assigned_level'];
  /** The facility id, or the unit code of the commune / district / province. */
  readonly code: string;
  readonly provinceCode: string;
  readonly districtCode: string | null;
  readonly communeCode: string | null;
  readonly facilityId: string | null;
}

export interface RoutingInput {
  readonly category: ReportRow['category'];
  /** The facility the report names (where the dose was given), when the citizen knows it. */
  readonly doseFacility: {
    id: string;
    provinceCode: string;
    districtCode: string | null;
    communeCode: string | null;
  } | null;
  /** The person on record (found by ID number), when there is one. */
  readonly person: { provinceCode: string; districtCode: string | null; communeCode: string | null } | null;
  /** The reported ID number (a CCCD names the province of birth registration). */
  readonly idNumber: string | null;
  /** A province the citizen gave, for when nothing else tells. */
  readonly provinceCode: string | null;
}

/**
 * Routes a report (SPEC: Report handling): about a dose → the facility that gave it; otherwise →
 * the person's commune, else district, else province; an unknown person → the province of the
 * ID number (digits 2–3 of a CCCD), else the province the citizen gave. Null: nowhere to route
 * (the caller asks for a province).
 */
export function routeReport(input: RoutingInput): ReportRoute | null {
  const aboutDose = input.category === 'missing_dose' || input.category === 'wrong_dose';
  if (aboutDose && input.doseFacility) {
    const f = input.doseFacility;
    return {
      level: 'facility',
      code: f.id,
      provinceCode: f.provinceCode,
      districtCode: f.districtCode,
      communeCode: f.communeCode,
      facilityId: f.id,
    };
  }
  if (input.person) {
    const p = input.person;
    if (p.communeCode)
      return {
        level: 'commune',
        code: p.communeCode,
        provinceCode: p.provinceCode,
        districtCode: p.districtCode,
        communeCode: p.communeCode,
        facilityId: null,
      };
    if (p.districtCode)
      return {
        level: 'district',
        code: p.districtCode,
        provinceCode: p.provinceCode,
        districtCode: p.districtCode,
        communeCode: null,
        facilityId: null,
      };
    return {
      level: 'province',
      code: p.provinceCode,
      provinceCode: p.provinceCode,
      districtCode: null,
      communeCode: null,
      facilityId: null,
    };
  }
  const fromId = input.idNumber ? decodeCccd(input.idNumber)?.provinceCode : null;
  const province = fromId ?? input.provinceCode;
  if (!province) return null;
  return {
    level: 'province',
    code: province,
    provinceCode: province,
    districtCode: null,
    communeCode: null,
    facilityId: null,
  };
}
