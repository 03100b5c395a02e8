import { nextDoseDue, normalizeIdNumber, primarySeriesLength, vietnamDay } from '@tiemchung/core';
import type { DoseRow, PersonRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import type { Actor } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { type AuditContext, recordAudit, recordAuditForEach } from '../audit/audit.service.js';
import { type CertificateDeps, getCertificate } from '../certificates/certificates.service.js';
import { countedDosesOf, everyDoseOf, getDose } from '../doses/doses.service.js';
import { getFacility, listFacilities } from '../facilities/facilities.service.js';
import { canSeePerson, findPeopleByIdNumbers, getPerson } from '../people/people.service.js';
import { unitNames2021 } from '../units/units.service.js';
import { ID_TYPE_OF_SYSTEM } from './fhir.codes.js';
import { ddccDocument } from './fhir.ddcc.js';
import {
  immunizationResource,
  organizationResource,
  patientResource,
  type Resource,
  searchNote,
  type UnitNames,
} from './fhir.resources.js';
import { type DateCriterion, dateMatches, type Token } from './fhir.search.js';

/**
 * The FHIR API's reads (docs/fhir.md). It owns no table: people, doses, facilities and
 * certificates are read through their modules' services. Scope is `person-read`'s — a person
 * within the caller's units, anyone's for site staff at the desk — except that FHIR answers a
 * person outside it with 403 `out_of_scope` (issue 18), where the rest of the API answers 404.
 * Every read of a person's data is audited in the caller's transaction.
 */

export interface Page {
  readonly count: number;
  readonly offset: number;
}

export interface SearchResult {
  readonly total: number;
  readonly matches: Resource[];
  readonly notes: Resource[];
}

/** The district and commune names of these records (2021 list). */
function namesOf(
  db: Executor,
  rows: readonly { district_code: string | null; commune_code: string | null }[],
): Promise<UnitNames> {
  const codes = rows.flatMap((r) => [r.district_code, r.commune_code]).filter((c): c is string => !!c);
  return unitNames2021(db, [...new Set(codes)]);
}

/** The person with this id (an id merged away: the record kept), 404 when none, 403 outside the caller's reach. */
async function visiblePerson(db: Executor, actor: Actor, id: string): Promise<PersonRow> {
  const person = await getPerson(db, id);
  if (!person) throw new AppError('not_found');
  if (!canSeePerson(actor, person)) throw new AppError('out_of_scope');
  return person;
}

/**
 * A FHIR read's entry: its entity is the person read — whatever resource was asked for — so that it
 * shows in the person's audit trail (`GET /api/people/{id}/audit` lists the person's own entries).
 */
function auditPersonRead(
  trx: Trx,
  audit: AuditContext,
  action: string,
  personId: string,
  dose?: { readonly id: string; readonly facilityId: string },
) {
  return recordAudit(trx, audit, {
    action,
    entityType: 'person',
    entityId: personId,
    // A dose read: the dose named, and the entry tied to its facility's units as the dose's own are.
    ...(dose ? { after: { doseId: dose.id } } : {}),
    refs: [{ personId }, ...(dose ? [{ facilityId: dose.facilityId }] : [])],
  });
}

/** `GET /fhir/Patient/{id}` (audited). */
export async function readPatient(trx: Trx, actor: Actor, audit: AuditContext, id: string): Promise<Resource> {
  const person = await visiblePerson(trx, actor, id);
  await auditPersonRead(trx, audit, 'fhir.patient_read', person.id);
  return patientResource(person, await namesOf(trx, [person]));
}

/**
 * `GET /fhir/Patient?identifier=…&_id=…`: the living records holding one of the ID numbers
 * (`system|value`: the CCCD, CMND or passport system, or any of them for a bare value), and/or
 * with one of the ids — both when both are given. A person found outside the caller's reach makes
 * the whole search 403; each person matched is audited, returned on the page or not. A system no record is identified by is
 * a warning beside the (empty) matches.
 */
export async function searchPatients(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  criteria: { readonly identifiers: readonly Token[] | null; readonly ids: readonly string[] | null },
  page: Page,
): Promise<SearchResult> {
  const notes: Resource[] = [];
  let found: PersonRow[] | null = null;
  if (criteria.identifiers) {
    const wanted = criteria.identifiers.map((t) => ({ ...t, value: normalizeIdNumber(t.value).toUpperCase() }));
    for (const t of wanted)
      if (t.system && !ID_TYPE_OF_SYSTEM.has(t.system))
        notes.push(
          searchNote(
            'warning',
            'not-supported',
            `Search by identifier takes the systems ${[...ID_TYPE_OF_SYSTEM.keys()].join(', ')}: not ${t.system}.`,
          ),
        );
    const byNumber = await findPeopleByIdNumbers(trx, [...new Set(wanted.map((t) => t.value))]);
    found = [];
    for (const t of wanted) {
      const person = byNumber.get(t.value);
      if (!person || t.system === null) continue;
      if (t.system !== undefined && ID_TYPE_OF_SYSTEM.get(t.system) !== person.id_type) continue;
      found.push(person);
    }
  }
  if (criteria.ids) {
    const byId: PersonRow[] = [];
    for (const id of new Set(criteria.ids)) {
      const person = await getPerson(trx, id);
      if (person) byId.push(person);
    }
    found = found ? found.filter((p) => byId.some((q) => q.id === p.id)) : byId;
  }
  const people = [...new Map((found ?? []).map((p) => [p.id, p])).values()].sort(
    (a, b) => compare(a.name_key, b.name_key) || compare(a.id, b.id),
  );
  if (people.some((p) => !canSeePerson(actor, p))) throw new AppError('out_of_scope');
  const shown = people.slice(page.offset, page.offset + page.count);
  // Every person the search matched is audited, on the page answered or not: `total` alone tells
  // whether an ID number is registered (`_count=0`, an `_offset` past the end).
  await recordAuditForEach(
    trx,
    audit,
    people.map((p) => ({
      action: 'fhir.patient_search',
      entityType: 'person',
      entityId: p.id,
      refs: [{ personId: p.id }],
    })),
  );
  const names = await namesOf(trx, shown);
  return { total: people.length, matches: shown.map((p) => patientResource(p, names)), notes };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The series length of a person's history: the primary doses of the first vaccine counted. */
function seriesLengthOf(doses: readonly DoseRow[]): number {
  return primarySeriesLength(doses.find((d) => !d.duplicate_of)?.vaccine_code);
}

/** `GET /fhir/Immunization/{id}`: one dose of a person within the caller's reach (audited). */
export async function readImmunization(trx: Trx, actor: Actor, audit: AuditContext, id: string): Promise<Resource> {
  const dose = await getDose(trx, id);
  if (!dose) throw new AppError('not_found');
  const person = await visiblePerson(trx, actor, dose.person_id);
  const counted = await countedDosesOf(trx, person.id);
  const facility = await getFacility(trx, dose.facility_id);
  await auditPersonRead(trx, audit, 'fhir.immunization_read', person.id, { id: dose.id, facilityId: dose.facility_id });
  return immunizationResource(
    { ...dose, person_id: person.id },
    { facilityName: facility?.name, seriesLength: seriesLengthOf(counted) },
  );
}

/**
 * `GET /fhir/Immunization?patient=…&date=…&status=…`: a person's doses in date order — a dose a
 * merge found entered twice among them, as `entered-in-error` — filtered by the day given (every
 * `date` criterion) and the status. No such person: no match. The read is audited once.
 */
export async function searchImmunizations(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  criteria: {
    readonly patientId: string;
    readonly dates: readonly DateCriterion[];
    readonly statuses: string[] | null;
  },
  page: Page,
): Promise<SearchResult> {
  const person = await getPerson(trx, criteria.patientId);
  if (!person) return { total: 0, matches: [], notes: [] };
  if (!canSeePerson(actor, person)) throw new AppError('out_of_scope');
  const doses = await everyDoseOf(trx, person.id);
  const seriesLength = seriesLengthOf(doses);
  const matching = doses.filter(
    (d) =>
      criteria.dates.every((c) => dateMatches(d.administered_on, c)) &&
      (!criteria.statuses || criteria.statuses.includes(d.duplicate_of ? 'entered-in-error' : 'completed')),
  );
  const shown = matching.slice(page.offset, page.offset + page.count);
  const facilityIds = [...new Set(shown.map((d) => d.facility_id))];
  const facilities = new Map((await listFacilities(trx, { ids: facilityIds })).map((f) => [f.id, f.name]));
  await auditPersonRead(trx, audit, 'fhir.immunization_search', person.id);
  return {
    total: matching.length,
    matches: shown.map((d) =>
      immunizationResource(
        { ...d, person_id: person.id },
        { facilityName: facilities.get(d.facility_id), seriesLength },
      ),
    ),
    notes: [],
  };
}

/** `GET /fhir/Organization/{id}`: a vaccination facility (reference data, not audited). */
export async function readOrganization(db: Executor, id: string): Promise<Resource> {
  const facility = await getFacility(db, id);
  if (!facility) throw new AppError('not_found');
  return organizationResource(facility, await namesOf(db, [facility]));
}

/**
 * `GET /fhir/Patient/{id}/$ddcc`: the WHO DDCC:VS core data set of the person's certificate as a
 * document Bundle — their latest dose, the certificate's UVCI as HCID and validity, the next dose
 * when one is due. Reading the certificate (re)issues it when the data changed, as the certificate
 * endpoint does; 404 `fhir_no_dose` without a dose. Audited.
 */
export async function ddccOf(
  trx: Trx,
  deps: CertificateDeps,
  actor: Actor,
  audit: AuditContext,
  id: string,
  base: string,
): Promise<Resource> {
  const person = await visiblePerson(trx, actor, id);
  const doses = await countedDosesOf(trx, person.id);
  const latest = doses.at(-1);
  if (!latest) throw new AppError('fhir_no_dose');
  const certificate = await getCertificate(trx, deps, audit, person.id);
  if (!certificate.ci || !certificate.issuedAt || !certificate.expiresAt) throw new AppError('fhir_no_dose');
  const now = deps.clock();
  const facility = await getFacility(trx, latest.facility_id);
  const names = await namesOf(trx, [person]);
  const next = nextDoseDue({
    dateOfBirth: person.date_of_birth,
    history: doses.map((d) => ({
      id: d.id,
      vaccineCode: d.vaccine_code,
      administeredOn: d.administered_on,
      declaredKind: d.declared_kind,
    })),
    today: vietnamDay(now),
  });
  await auditPersonRead(trx, audit, 'fhir.ddcc', person.id);
  return ddccDocument({
    base,
    person,
    names,
    dose: latest,
    seriesLength: seriesLengthOf(doses),
    facilityName: facility?.name,
    certificate: { ci: certificate.ci, issuedAt: certificate.issuedAt, expiresAt: certificate.expiresAt },
    next,
    now,
  });
}
