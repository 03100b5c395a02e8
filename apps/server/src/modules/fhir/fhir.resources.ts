import { dccDoseNumbers, provinceByCode, vaccineByCode } from '@tiemchung/core';
import type { DoseRow, FacilityRow, PersonRow } from '../../db/schema.js';
import {
  ERROR_CODE_SYSTEM,
  holderCoding,
  ID_SYSTEMS,
  SYSTEMS,
  TARGET_DISEASE,
  vaccineCodeConcept,
} from './fhir.codes.js';

/**
 * The platform's records as FHIR R4 resources (JSON), built from the rows the other modules'
 * services read: the FHIR API's presenters. Pure: no database, no clock.
 */

/** A FHIR resource as JSON: its type and whatever elements it has. */
export interface Resource {
  readonly resourceType: string;
  readonly id?: string;
  readonly [element: string]: unknown;
}

/** The content type of every answer of the FHIR API. */
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';
export const FHIR_VERSION = '4.0.1';

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const ID_TYPE_CODES = {
  cccd: { code: 'NI', text: 'CCCD' },
  cmnd: { code: 'NI', text: 'CMND' },
  passport: { code: 'PPN', text: 'Hộ chiếu' },
} as const;

/** Names of the districts and communes (2021 list) a record points to, by code. */
export type UnitNames = ReadonlyMap<string, string>;

function addressOf(
  r: { province_code: string; district_code: string | null; commune_code: string | null; address: string | null },
  names: UnitNames,
) {
  const commune = r.commune_code ? names.get(r.commune_code) : undefined;
  const district = r.district_code ? names.get(r.district_code) : undefined;
  const province = provinceByCode(r.province_code)?.name;
  const line = [r.address, commune].filter((x): x is string => !!x);
  const text = [...line, district, province].filter(Boolean).join(', ');
  return {
    use: 'home',
    ...(text ? { text } : {}),
    ...(line.length ? { line } : {}),
    ...(district ? { district } : {}),
    ...(province ? { state: province } : {}),
    country: 'VN',
  };
}

/**
 * A person's name as written ("Nguyễn Văn Bình"). A Vietnamese name puts the family name first: it
 * is `family`, the rest `given`; a foreign national's name (passport) is kept as text only.
 */
function nameOf(p: Pick<PersonRow, 'full_name' | 'id_type'>) {
  const words = p.full_name.trim().split(/\s+/);
  if (p.id_type === 'passport' || words.length < 2) return { use: 'official', text: p.full_name };
  return { use: 'official', text: p.full_name, family: words[0], given: words.slice(1) };
}

function identifiersOf(p: PersonRow) {
  const out: Record<string, unknown>[] = [];
  if (p.id_number && p.id_type) {
    const type = ID_TYPE_CODES[p.id_type];
    out.push({
      use: 'official',
      type: { coding: [{ system: V2_0203, code: type.code }], text: type.text },
      system: ID_SYSTEMS[p.id_type],
      value: p.id_number,
      ...(p.id_type === 'passport' ? { assigner: { display: p.nationality } } : {}),
    });
  }
  if (p.old_id_number) {
    const kind = p.old_id_number.length === 9 ? 'cmnd' : 'cccd';
    out.push({
      use: 'old',
      type: { coding: [{ system: V2_0203, code: 'NI' }], text: ID_TYPE_CODES[kind].text },
      system: ID_SYSTEMS[kind],
      value: p.old_id_number,
    });
  }
  if (p.health_insurance_number) {
    out.push({
      use: 'secondary',
      type: { coding: [{ system: V2_0203, code: 'HC' }], text: 'BHYT' },
      system: ID_SYSTEMS.bhyt,
      value: p.health_insurance_number,
    });
  }
  return out;
}

/** `Patient`: identity, ID numbers (CCCD, CMND, passport, health insurance), phone, residence. */
export function patientResource(p: PersonRow, names: UnitNames): Resource {
  const identifier = identifiersOf(p);
  return {
    resourceType: 'Patient',
    id: p.id,
    meta: { versionId: String(p.version), lastUpdated: p.updated_at.toISOString() },
    ...(p.nationality
      ? {
          extension: [
            {
              url: 'http://hl7.org/fhir/StructureDefinition/patient-nationality',
              extension: [
                { url: 'code', valueCodeableConcept: { coding: [{ system: SYSTEMS.iso3166, code: p.nationality }] } },
              ],
            },
          ],
        }
      : {}),
    ...(identifier.length ? { identifier } : {}),
    active: true,
    name: [nameOf(p)],
    ...(p.phone ? { telecom: [{ system: 'phone', value: p.phone, use: 'mobile' }] } : {}),
    gender: p.gender,
    birthDate: p.date_of_birth,
    address: [addressOf(p, names)],
  };
}

/** `Organization`: a vaccination facility (the performer of its doses). */
export function organizationResource(f: FacilityRow, names: UnitNames): Resource {
  return {
    resourceType: 'Organization',
    id: f.id,
    meta: { lastUpdated: f.updated_at.toISOString() },
    identifier: [{ system: ID_SYSTEMS.facility, value: f.id }],
    active: f.active,
    type: [
      { coding: [{ system: SYSTEMS.organizationType, code: 'prov', display: 'Healthcare Provider' }], text: f.kind },
    ],
    name: f.name,
    address: [{ ...addressOf(f, names), use: 'work' }],
  };
}

/** What an Immunization needs beside its dose: where it was given, and the person's primary series length. */
export interface DoseContext {
  readonly facilityName: string | undefined;
  /** The doses of the primary series of the person's first vaccine (`seriesDoses` of a primary dose). */
  readonly seriesLength: number;
}

const SERIES: Record<DoseRow['dose_kind'], string> = {
  primary: 'Primary series',
  additional: 'Additional dose',
  booster: 'Booster',
};

/**
 * `protocolApplied` of a dose: the disease targeted, the dose number and the doses in the series as
 * the EU DCC counts them (`dn`/`sd`: 2/2, a booster 3/3, a booster after Janssen 2/1).
 */
export function protocolOf(d: DoseRow, seriesLength: number) {
  const { sd } = dccDoseNumbers({ doseNumber: d.dose_number, doseKind: d.dose_kind }, seriesLength);
  return {
    series: SERIES[d.dose_kind],
    targetDisease: [{ coding: [...TARGET_DISEASE] }],
    doseNumberPositiveInt: Math.max(1, d.dose_number),
    seriesDosesPositiveInt: Math.max(1, sd),
  };
}

/**
 * `Immunization`: one dose. `completed`; `entered-in-error` for a dose that a merge found entered
 * twice (kept, never counted: its note names the dose it repeats). The performer is the facility.
 */
export function immunizationResource(d: DoseRow, ctx: DoseContext): Resource {
  const vaccine = vaccineByCode(d.vaccine_code);
  return {
    resourceType: 'Immunization',
    id: d.id,
    meta: { lastUpdated: d.updated_at.toISOString() },
    status: d.duplicate_of ? 'entered-in-error' : 'completed',
    vaccineCode: vaccineCodeConcept(d.vaccine_code),
    patient: { reference: `Patient/${d.person_id}` },
    occurrenceDateTime: d.administered_on,
    recorded: d.recorded_at.toISOString(),
    // A historical record imported in bulk was transcribed, not recorded where it was given.
    primarySource: d.source !== 'import',
    ...(d.source === 'import' ? { reportOrigin: { text: 'Bulk import of historical records' } } : {}),
    ...(vaccine
      ? {
          manufacturer: {
            identifier: { system: holderCoding(vaccine).system, value: vaccine.ma },
            display: vaccine.manufacturer,
          },
        }
      : {}),
    lotNumber: d.lot_number,
    performer: [
      {
        function: { coding: [{ system: SYSTEMS.performerFunction, code: 'AP', display: 'Administering Provider' }] },
        actor: {
          reference: `Organization/${d.facility_id}`,
          ...(ctx.facilityName ? { display: ctx.facilityName } : {}),
        },
      },
    ],
    ...(d.duplicate_of
      ? { note: [{ text: `Entered twice: the same dose as Immunization/${d.duplicate_of} (records merged).` }] }
      : {}),
    protocolApplied: [protocolOf(d, ctx.seriesLength)],
  };
}

/** The issue type of an answer's HTTP status (FHIR `IssueType`). */
function issueTypeOf(status: number): string {
  if (status === 401) return 'login';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 406 || status === 415) return 'not-supported';
  if (status === 408) return 'timeout';
  if (status === 409) return 'conflict';
  if (status === 413 || status === 414 || status === 431) return 'too-long';
  if (status === 429) return 'throttled';
  if (status === 503) return 'transient';
  if (status >= 500) return 'exception';
  if (status === 422) return 'processing';
  return 'invalid';
}

/**
 * `OperationOutcome` of a failure: the platform's error (`{"code","message","field"}`) as one
 * issue — its code in `details.coding`, its message as the text, the parameter at fault as the
 * `expression`, and the request id to find it in the logs.
 */
export function operationOutcome(
  status: number,
  error: { code: string; message: string; field?: string },
  requestId: string,
): Resource {
  return {
    resourceType: 'OperationOutcome',
    issue: [
      {
        severity: status >= 500 ? 'fatal' : 'error',
        code: issueTypeOf(status),
        details: { coding: [{ system: ERROR_CODE_SYSTEM, code: error.code }], text: error.message },
        diagnostics: `request id ${requestId}`,
        ...(error.field ? { expression: [error.field] } : {}),
      },
    ],
  };
}

/** An `information` or `warning` issue returned beside a search's matches (`search.mode: outcome`). */
export function searchNote(severity: 'warning' | 'information', issueType: string, text: string): Resource {
  return { resourceType: 'OperationOutcome', issue: [{ severity, code: issueType, details: { text } }] };
}

/**
 * A `searchset` Bundle: the page's matches with their `fullUrl`, the `total` of all matches, and
 * the `self`, `first`, `previous` and `next` links (paged by `_count` and `_offset`).
 */
export function searchset(input: {
  readonly base: string;
  readonly path: string;
  readonly params: URLSearchParams;
  readonly total: number;
  readonly count: number;
  readonly offset: number;
  readonly matches: readonly Resource[];
  readonly notes?: readonly Resource[];
  readonly now: Date;
}): Resource {
  const link = (offset: number) => {
    const q = new URLSearchParams(input.params);
    q.delete('_count');
    q.delete('_offset');
    q.set('_count', String(input.count));
    if (offset > 0) q.set('_offset', String(offset));
    return `${input.base}${input.path}?${q.toString()}`;
  };
  const links = [
    { relation: 'self', url: link(input.offset) },
    { relation: 'first', url: link(0) },
  ];
  if (input.offset > 0 && input.count > 0)
    links.push({ relation: 'previous', url: link(Math.max(0, input.offset - input.count)) });
  if (input.count > 0 && input.offset + input.count < input.total)
    links.push({ relation: 'next', url: link(input.offset + input.count) });
  const entry = [
    ...input.matches.map((r) => ({
      fullUrl: `${input.base}/${r.resourceType}/${r.id}`,
      resource: r,
      search: { mode: 'match' },
    })),
    ...(input.notes ?? []).map((r) => ({ resource: r, search: { mode: 'outcome' } })),
  ];
  return {
    resourceType: 'Bundle',
    meta: { lastUpdated: input.now.toISOString() },
    type: 'searchset',
    total: input.total,
    link: links,
    // FHIR JSON has no empty arrays: a page without entries has no `entry`.
    ...(entry.length ? { entry } : {}),
  };
}
