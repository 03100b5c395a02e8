import {
  type CoverageStatus,
  certificateStatus,
  doseAgeBand,
  REPORT_SLA_HOURS,
  STATS_PRIORITY_UNKNOWN,
  type StatsLevel,
  vietnamDay,
} from '@tiemchung/core';

/**
 * What each record counts as (its image) and the aggregate rows an image adds to — pure functions,
 * shared by the incremental fold and by the full recount of `stats:verify`, so both count alike.
 */

/** A person as the figures need them (the people module's `peopleForStats`). */
export interface StatsPersonRecord {
  readonly id: string;
  readonly gender: string;
  readonly dateOfBirth: string;
  readonly provinceCode: string;
  readonly districtCode: string | null;
  readonly communeCode: string | null;
  /** The facility the person is registered with (a facility's own figures count them). */
  readonly registeredFacilityId: string | null;
  /** A merged duplicate counts for nothing (its doses moved to the survivor). */
  readonly mergedInto: string | null;
}

/** A counted dose (not a duplicate) as the figures need it (the doses module's `dosesForStats`). */
export interface StatsDoseRecord {
  readonly id: string;
  readonly personId: string;
  readonly vaccineCode: string;
  readonly administeredOn: string;
  readonly facilityId: string;
  readonly doseNumber: number;
  readonly doseKind: string;
  readonly declaredKind: string | null;
}

/** A report as the figures need it (the reports module's `reportsForStats`). */
export interface StatsReportRecord {
  readonly id: string;
  readonly receivedAt: Date;
  readonly dueAt: Date;
  readonly resolvedAt: Date | null;
  readonly provinceCode: string;
  readonly districtCode: string | null;
  readonly communeCode: string | null;
  readonly facilityId: string | null;
}

/** Where a facility is (its 2021 units). */
export interface FacilityPlace {
  readonly provinceCode: string;
  readonly districtCode: string | null;
  readonly communeCode: string | null;
}

/** The 2021 → 2025 mapping, each old code to the one new unit its records count in. */
export interface UnitMap2025 {
  readonly province: ReadonlyMap<string, string>;
  readonly commune: ReadonlyMap<string, string>;
}

/** Where a record counts: its 2021 units and, through the mapping, its 2025 ones. */
export interface Place {
  readonly province_code: string;
  readonly district_code: string | null;
  readonly commune_code: string | null;
  readonly province_2025: string | null;
  readonly commune_2025: string | null;
}

export interface PersonImage extends Place {
  readonly person_id: string;
  readonly facility_id: string | null;
  readonly sex: string;
  readonly birth_year: number;
  readonly status: CoverageStatus;
  readonly priority_group: string;
}

export interface DoseImage extends Place {
  readonly dose_id: string;
  readonly person_id: string;
  readonly day: string;
  readonly facility_id: string;
  readonly vaccine_code: string;
  readonly dose_number: number;
  readonly dose_kind: string;
  readonly sex: string;
  readonly age_band: string;
}

export interface ReportImage extends Place {
  readonly report_id: string;
  readonly day: string;
  readonly facility_id: string | null;
  readonly state: 'open' | 'resolved';
  readonly due_at: string;
  readonly on_time: boolean;
  readonly resolve_hours: number;
}

/** The due time kept for a resolved report (only open ones are told apart by it). */
export const RESOLVED_DUE_AT = '1970-01-01T00:00:00.000Z';

/** The 2021 units of a record and their 2025 counterparts. */
export function placeOf(
  u: { provinceCode: string; districtCode: string | null; communeCode: string | null },
  map: UnitMap2025,
): Place {
  return {
    province_code: u.provinceCode,
    district_code: u.districtCode,
    commune_code: u.communeCode,
    province_2025: map.province.get(u.provinceCode) ?? null,
    commune_2025: u.communeCode ? (map.commune.get(u.communeCode) ?? null) : null,
  };
}

/** A person's image and their counted doses' images. Null for a merged duplicate. */
export function personImages(
  person: StatsPersonRecord,
  doses: readonly StatsDoseRecord[],
  priorityGroup: string | undefined,
  facilities: ReadonlyMap<string, FacilityPlace>,
  map: UnitMap2025,
): { person: PersonImage; doses: DoseImage[] } | null {
  if (person.mergedInto) return null;
  const status = certificateStatus(
    doses.map((d) => ({
      vaccineCode: d.vaccineCode,
      administeredOn: d.administeredOn,
      declaredKind: (d.declaredKind as 'primary' | 'additional' | 'booster' | null) ?? null,
    })),
  ).status;
  const image: PersonImage = {
    person_id: person.id,
    ...placeOf(person, map),
    facility_id: person.registeredFacilityId,
    sex: person.gender,
    birth_year: Number(person.dateOfBirth.slice(0, 4)),
    status,
    priority_group: priorityGroup ?? STATS_PRIORITY_UNKNOWN,
  };
  const doseImages = doses.map((d): DoseImage => {
    const f = facilities.get(d.facilityId);
    return {
      dose_id: d.id,
      person_id: person.id,
      day: d.administeredOn,
      facility_id: d.facilityId,
      ...placeOf(f ?? { provinceCode: '', districtCode: null, communeCode: null }, map),
      vaccine_code: d.vaccineCode,
      dose_number: d.doseNumber,
      dose_kind: d.doseKind,
      sex: person.gender,
      age_band: doseAgeBand(person.dateOfBirth, d.administeredOn),
    };
  });
  return { person: image, doses: doseImages };
}

/** A report's image: received day, open or resolved, within the deadline or not, hours to resolve. */
export function reportImage(r: StatsReportRecord, map: UnitMap2025): ReportImage {
  const resolved = r.resolvedAt !== null;
  const hours = resolved ? Math.max(0, Math.floor((r.resolvedAt.getTime() - r.receivedAt.getTime()) / 3_600_000)) : 0;
  return {
    report_id: r.id,
    // The day in Vietnam: a report received at 23:30 counts that day.
    day: vietnamDay(r.receivedAt),
    ...placeOf(r, map),
    facility_id: r.facilityId,
    state: resolved ? 'resolved' : 'open',
    due_at: resolved ? RESOLVED_DUE_AT : r.dueAt.toISOString(),
    on_time: resolved ? r.resolvedAt.getTime() <= r.dueAt.getTime() : false,
    resolve_hours: Math.min(hours, 10 * REPORT_SLA_HOURS),
  };
}

/** One unit a record counts in, with its parents in both trees (`''` where none). */
export interface UnitKey {
  readonly level: StatsLevel;
  readonly unit_code: string;
  readonly parent_code: string;
  readonly parent_2025: string;
}

/** Every unit a place (and a facility) counts in: the nation, its 2021 units, its 2025 units, the facility. */
export function unitsOf(p: Place, facilityId?: string | null): UnitKey[] {
  const units: UnitKey[] = [{ level: 'nation', unit_code: '', parent_code: '', parent_2025: '' }];
  if (p.province_code) units.push({ level: 'province', unit_code: p.province_code, parent_code: '', parent_2025: '' });
  if (p.district_code)
    units.push({ level: 'district', unit_code: p.district_code, parent_code: p.province_code, parent_2025: '' });
  if (p.commune_code)
    units.push({
      level: 'commune',
      unit_code: p.commune_code,
      parent_code: p.district_code ?? p.province_code,
      parent_2025: '',
    });
  if (p.province_2025)
    units.push({ level: 'province2025', unit_code: p.province_2025, parent_code: '', parent_2025: '' });
  if (p.commune_2025)
    units.push({
      level: 'commune2025',
      unit_code: p.commune_2025,
      parent_code: '',
      parent_2025: p.province_2025 ?? '',
    });
  if (facilityId)
    units.push({
      level: 'facility',
      unit_code: facilityId,
      parent_code: p.commune_code ?? p.district_code ?? p.province_code,
      parent_2025: p.commune_2025 ?? p.province_2025 ?? '',
    });
  return units;
}

/** An aggregate table's rows as deltas: key → the row's columns and the change of its count. */
export class Deltas {
  readonly #rows = new Map<string, { row: Record<string, unknown>; n: number }>();

  add(row: Record<string, unknown>, n: number): void {
    const key = JSON.stringify(row);
    const entry = this.#rows.get(key);
    if (entry) entry.n += n;
    else this.#rows.set(key, { row, n });
  }

  /** The rows whose count changes, in key order (concurrent folds lock rows in the same order). */
  changed(): { row: Record<string, unknown>; n: number }[] {
    return [...this.#rows.entries()]
      .filter(([, e]) => e.n !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, e]) => e);
  }
}

/** The aggregates, as deltas to apply. */
export interface AggregateDeltas {
  readonly facts: Deltas;
  readonly doseTotals: Deltas;
  readonly doseDays: Deltas;
  readonly people: Deltas;
  readonly reports: Deltas;
  /** Doses by unit and dose number, people by unit and status: the drill-down's narrow grain. */
  readonly unitDoses: Deltas;
  readonly unitPeople: Deltas;
}

export function newDeltas(): AggregateDeltas {
  return {
    facts: new Deltas(),
    doseTotals: new Deltas(),
    doseDays: new Deltas(),
    people: new Deltas(),
    reports: new Deltas(),
    unitDoses: new Deltas(),
    unitPeople: new Deltas(),
  };
}

/** Adds (sign +1) or takes away (−1) what a dose image counts for. */
export function countDose(d: AggregateDeltas, img: DoseImage, sign: 1 | -1): void {
  d.facts.add(
    {
      day: img.day,
      facility_id: img.facility_id,
      vaccine_code: img.vaccine_code,
      dose_number: img.dose_number,
      dose_kind: img.dose_kind,
      sex: img.sex,
      age_band: img.age_band,
    },
    sign,
  );
  for (const u of unitsOf(img, img.facility_id)) {
    d.doseTotals.add(
      {
        ...u,
        vaccine_code: img.vaccine_code,
        dose_number: img.dose_number,
        dose_kind: img.dose_kind,
        sex: img.sex,
        age_band: img.age_band,
      },
      sign,
    );
    d.doseDays.add({ ...u, day: img.day, dose_number: img.dose_number }, sign);
    d.unitDoses.add({ ...u, dose_number: img.dose_number }, sign);
  }
}

/** Adds or takes away what a person image counts for. */
export function countPerson(d: AggregateDeltas, img: PersonImage, sign: 1 | -1): void {
  for (const unit of unitsOf(img, img.facility_id)) {
    // A facility's people are those registered with it, wherever they live: no parent from the residence.
    const u = unit.level === 'facility' ? { ...unit, parent_code: '', parent_2025: '' } : unit;
    d.people.add(
      { ...u, sex: img.sex, birth_year: img.birth_year, status: img.status, priority_group: img.priority_group },
      sign,
    );
    d.unitPeople.add({ ...u, status: img.status }, sign);
  }
}

/** Adds or takes away what a report image counts for. */
export function countReport(d: AggregateDeltas, img: ReportImage, sign: 1 | -1): void {
  for (const u of unitsOf(img, img.facility_id)) {
    d.reports.add(
      {
        ...u,
        day: img.day,
        state: img.state,
        due_at: img.due_at,
        on_time: img.on_time,
        resolve_hours: img.resolve_hours,
      },
      sign,
    );
  }
}

/** Two images count alike (the same dimensions). */
export function sameImage(a: object, b: object): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => String((a as Record<string, unknown>)[k]) === String((b as Record<string, unknown>)[k]));
}
