import { createHash } from 'node:crypto';
import {
  allOverridable,
  checkDose,
  type DoseCheck,
  type DoseKind,
  type DoseViolation,
  SUPERVISOR_ROLES,
  sequenceDoses,
  uuidv7,
  vietnamDay,
} from '@tiemchung/core';
import type { Kysely } from 'kysely';
import { Batcher, batcherPer } from '../../db/batch.js';
import type { DB, DoseRow, FacilityRow, LotRow, PersonRow } from '../../db/schema.js';
import { type Executor, type Trx, withSavepoint } from '../../db/transaction.js';
import { type Actor, covers, requireScope } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import {
  type AuditContext,
  type AuditEntry,
  auditInsertForWritten,
  recordAudit,
  withAudit,
} from '../audit/audit.service.js';
import { getFacility, getFacilityCached } from '../facilities/facilities.service.js';
import { findLotByNumber, findLotByNumberCached } from '../lots/lots.service.js';
import {
  canSeePerson,
  flagForRecheck,
  flagManyForRecheck,
  getPerson,
  lockPerson,
  personFromJson,
  personIdentityGate,
  personJsonExpr,
  personVersionClaims,
} from '../people/people.service.js';
import { markPeopleForStats } from '../stats/stats.marks.js';
import * as q from './doses.queries.js';

export interface RecordDoseInput {
  readonly personId: string;
  readonly vaccineCode: string;
  readonly lotNumber: string;
  readonly administeredOn: string;
  readonly facilityId: string;
  readonly doseKind?: DoseKind;
  /** A supervisor's reason to record a dose that breaks a clinical rule. */
  readonly override?: { readonly reason: string };
  readonly idempotencyKey?: string;
  readonly sessionId?: string | null;
  readonly source: DoseRow['source'];
}

export interface RecordedDose {
  readonly dose: DoseRow;
  /** False when the idempotency key named a dose recorded earlier (a retry): nothing new was made. */
  readonly created: boolean;
  readonly warnings: readonly DoseViolation[];
}

/** Never return a raw row. */
export function presentDose(d: DoseRow) {
  return {
    id: d.id,
    personId: d.person_id,
    doseNumber: d.dose_number,
    doseKind: d.dose_kind,
    vaccineCode: d.vaccine_code,
    lotNumber: d.lot_number,
    administeredOn: d.administered_on,
    facilityId: d.facility_id,
    sessionId: d.session_id,
    source: d.source,
    retroactive: d.retroactive,
    override: d.override_reason ? { by: d.override_by, reason: d.override_reason } : null,
    recordedAt: d.recorded_at.toISOString(),
  };
}

function fingerprintOf(i: RecordDoseInput, personId: string): string {
  return createHash('sha256')
    .update(JSON.stringify([personId, i.vaccineCode, i.lotNumber, i.administeredOn, i.facilityId, i.doseKind ?? null]))
    .digest('base64url');
}

/** The 422 of a dose that breaks rules: the first violation as the error, all of them listed. */
function ruleViolations(violations: readonly DoseViolation[]): AppError {
  return AppError.rule(violations[0]!, { violations, extra: { overridable: allOverridable(violations) } });
}

/**
 * The rule violations a supervisor overrides with a reason (none when the dose passes); throws the
 * 422 when there is no override, the actor is no supervisor, or a violation cannot be overridden.
 */
function violationsOverridden(
  check: DoseCheck,
  actor: Actor,
  override: { reason: string } | undefined,
): readonly DoseViolation[] {
  if (check.ok) return [];
  const allowed =
    override && (SUPERVISOR_ROLES as readonly string[]).includes(actor.role) && allOverridable(check.violations);
  if (!allowed) throw ruleViolations(check.violations);
  return check.violations;
}

/**
 * The fast path of recording a dose on its own (`POST /api/people/:id/doses`, nothing else in the
 * request): the common case — a new latest dose — takes two statements shared with the requests in
 * flight (db/batch.ts): one read (person, doses, key) and one conditional write (dose + audit
 * entry) that only lands if the person and their doses are still as read. The write is a single
 * statement, so its own transaction, and one such statement commits a batch of requests' doses
 * (group commit): the documented exception to one unit of work per request, which is why a
 * workflow that writes anything else with its dose calls `recordDose` in its own transaction.
 *
 * Undefined when this dose needs the locked path — a retry, a retroactive entry that renumbers, a
 * person flagged for re-check, a merged id, a concurrent change — which the caller then runs as
 * `recordDose` in a unit of work. Throws the 404, the 403 and the rules' 422s.
 */
export async function recordDoseBatched(
  db: Kysely<DB>,
  actor: Actor,
  audit: AuditContext,
  input: RecordDoseInput,
  now: Date,
): Promise<RecordedDose | undefined> {
  const facility = facilityInScope(actor, await getFacilityCached(db, input.facilityId));
  const snap = await snapshots(db).submit({ personId: input.personId, idempotencyKey: input.idempotencyKey });
  const person = snap.person ? personFromJson(snap.person) : undefined;
  if (!person || person.merged_into || snap.keyed) return undefined;
  if (!canSeePerson(actor, person)) throw new AppError('not_found');
  const lot = await findLotByNumberCached(db, db, input.lotNumber, input.vaccineCode);
  const planned = planDose(actor, input, person, snap.doses, facility, lot, now);
  if (planned.sequenced.at(-1)?.id !== NEW_DOSE || planned.flagRecheck) return undefined;
  const { dose } = planned;
  let written: boolean;
  try {
    written = await writes(db).submit({
      dose,
      version: person.version,
      expectedCount: snap.doses.length,
      audit: { ctx: audit, entry: planned.auditEntry },
    });
  } catch (err) {
    // A key claimed since the read (`dose_keys`, filled by the statement's trigger) fails the
    // shared statement; the batcher runs each dose of it alone again (db/batch.ts), and the one
    // whose key is taken lands here: the locked path answers it (a replay or a 422).
    if ((err as { code?: string }).code === '23505') return undefined;
    throw err;
  }
  // Not written: a same-day dose, a reused key or a change of the person raced in; the locked path decides.
  return written ? { dose, created: true, warnings: planned.warnings } : undefined;
}

/**
 * The fast path's statements, shared by the requests in flight (db/batch.ts): under load one read
 * and one write serve many doses. At most one dose per person in a write.
 */
const BATCH = { maxBatch: 64, maxInFlight: 2 } as const;

const snapshots = batcherPer(
  (db: Kysely<DB>) =>
    new Batcher(
      (inputs: readonly { personId: string; idempotencyKey: string | undefined }[]) =>
        q.recordingSnapshots(db, personJsonExpr, inputs),
      BATCH,
    ),
);

type Write = q.DoseToWrite & { readonly audit: { ctx: AuditContext; entry: AuditEntry } };

const writes = batcherPer(
  (db: Kysely<DB>) =>
    new Batcher(
      async (items: readonly Write[]) => {
        const written = await q.insertDosesIfUnchanged(db, items, personVersionClaims, (d) =>
          auditInsertForWritten(
            items.map((x) => x.audit),
            d,
          ),
        );
        return items.map((x) => written.has(String(x.dose.id)));
      },
      { ...BATCH, keyOf: (x: Write) => String(x.dose.person_id) },
    ),
);

/** How the fast path's statements were shared so far (diagnostics and tests). */
export function doseBatchStats(db: Kysely<DB>) {
  return { reads: { ...snapshots(db).stats }, writes: { ...writes(db).stats } };
}

/** The facility of a dose, which the actor must cover (a site records only at its own). */
function facilityInScope(actor: Actor, facility: FacilityRow | undefined): FacilityRow {
  if (!facility) throw new AppError('unknown_facility', { field: 'facilityId' });
  const ref = {
    provinceCode: facility.province_code,
    districtCode: facility.district_code,
    communeCode: facility.commune_code,
    facilityId: facility.id,
  };
  requireScope(actor, ref, 'facilityId');
  return facility;
}

/**
 * The dose to write, from the person, their counted doses and the lot named: the identity gate,
 * the rules (with a supervisor's override), its number and kind, and the audit entry. Throws the
 * 422s.
 */
function planDose(
  actor: Actor,
  input: RecordDoseInput,
  person: PersonRow,
  history: readonly q.PastDoseRow[],
  facility: FacilityRow,
  lot: LotRow | undefined,
  now: Date,
) {
  const gate = personIdentityGate(person, input.administeredOn);
  if (!gate.ok) {
    throw AppError.rule({ code: gate.code, field: 'personId', message: gate.message });
  }
  const past = history.map((d) => ({
    id: d.id,
    vaccineCode: d.vaccine_code,
    administeredOn: d.administered_on,
    declaredKind: d.declared_kind,
  }));
  const check = checkDose({
    person: { dateOfBirth: person.date_of_birth },
    history: past,
    dose: {
      vaccineCode: input.vaccineCode,
      lotNumber: input.lotNumber,
      administeredOn: input.administeredOn,
      declaredKind: input.doseKind ?? null,
    },
    lot: lot ? { lotNumber: lot.lot_number, vaccineCode: lot.vaccine_code, expiresOn: lot.expires_on } : null,
    today: vietnamDay(now),
  });
  const overridden = violationsOverridden(check, actor, input.override);
  const sequenced = sequenceDoses([
    ...past,
    {
      id: NEW_DOSE,
      vaccineCode: input.vaccineCode,
      administeredOn: input.administeredOn,
      declaredKind: input.doseKind ?? null,
    },
  ]);
  const self = sequenced.find((d) => d.id === NEW_DOSE)!;
  const dose: DoseRow = {
    id: uuidv7(now.getTime()),
    person_id: person.id,
    vaccine_code: input.vaccineCode,
    lot_id: lot?.vaccine_code === input.vaccineCode ? lot.id : null,
    lot_number: input.lotNumber,
    administered_on: input.administeredOn,
    facility_id: facility.id,
    province_code: facility.province_code,
    district_code: facility.district_code,
    dose_number: self.doseNumber,
    dose_kind: self.doseKind,
    declared_kind: input.doseKind ?? null,
    session_id: input.sessionId ?? null,
    source: input.source,
    retroactive: gate.retroactive,
    idempotency_key: input.idempotencyKey ?? null,
    fingerprint: fingerprintOf(input, person.id),
    override_by: overridden.length ? actor.username : null,
    override_reason: overridden.length ? (input.override?.reason ?? null) : null,
    overridden: overridden.length ? overridden.map((x) => x.code) : null,
    recorded_by: actor.username,
    recorded_at: now,
    updated_at: now,
    duplicate_of: null,
  };
  return {
    dose,
    sequenced,
    flagRecheck: gate.flagRecheck,
    warnings: check.ok ? check.warnings : [],
    auditEntry: {
      action: overridden.length ? 'dose.create_override' : 'dose.create',
      entityType: 'dose',
      entityId: dose.id,
      after: presentDose(dose),
      reason: overridden.length ? (input.override?.reason ?? null) : null,
    },
  };
}

/**
 * Records a dose that was given, in the caller's transaction — the route's unit of work, or a
 * workflow's (a visit's vaccination, a report's added dose), so the dose commits with the rest of
 * it or not at all — holding the person's row lock: a retry with the same idempotency key gets
 * the dose it made, never a second; the identity rule of 1 Nov 2021 and the dose rules apply; a
 * dose entered before doses already recorded renumbers them; doses of one person are numbered one
 * at a time. The dose and its audit entry are one statement.
 */
export async function recordDose(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: RecordDoseInput,
  now: Date,
): Promise<RecordedDose> {
  const facility = facilityInScope(actor, await getFacility(trx, input.facilityId));
  let person = await lockPerson(trx, input.personId);
  // An id merged away: the dose goes to the surviving record.
  for (let hops = 0; person?.merged_into && hops < 10; hops++) person = await lockPerson(trx, person.merged_into);
  if (!person || !canSeePerson(actor, person)) throw new AppError('not_found');
  const rows = await q.dosesForRecording(trx, person.id, input.idempotencyKey);
  const key = input.idempotencyKey;
  if (key) {
    const existing = rows.find((d) => d.idempotency_key === key);
    if (existing) return replay(existing, fingerprintOf(input, person.id));
  }
  const history = rows.filter((d) => d.person_id === person.id && d.duplicate_of === null);
  const lot = await findLotByNumber(trx, input.lotNumber, input.vaccineCode);
  const planned = planDose(actor, input, person, history, facility, lot, now);
  const { dose } = planned;
  const values = { ...dose, overridden: dose.overridden === null ? null : JSON.stringify(dose.overridden) };
  const insert = () => withAudit(trx, q.insertDoseQuery(trx, values), audit, planned.auditEntry);
  if (!key) await insert();
  else {
    try {
      await withSavepoint(trx, insert);
    } catch (err) {
      // The same key sent for another person at the same moment (the person locks cannot serialise
      // those): the unique index decides; the loser gets the winner's answer. The savepoint undid
      // only the refused insert, so the caller's transaction goes on.
      const winner = (err as { code?: string }).code === '23505' ? await q.findDoseByKey(trx, key) : undefined;
      if (winner) return replay(winner, fingerprintOf(input, winner.person_id));
      throw err;
    }
  }
  // A dose entered before doses already recorded shifts their numbers.
  for (const d of planned.sequenced) {
    const row = history.find((h) => h.id === d.id);
    if (row && (row.dose_number !== d.doseNumber || row.dose_kind !== d.doseKind)) {
      await q.setDoseNumber(trx, row.id, d.doseNumber, d.doseKind, now);
    }
  }
  if (planned.flagRecheck) await flagForRecheck(trx, person.id, now);
  await markPeopleForStats(trx, [person.id]);
  return { dose, created: true, warnings: planned.warnings };
}

/** One dose of a bulk recording (the bulk import): what to record, and the person's row, locked by the caller or created in its transaction. */
export interface BulkDoseItem {
  readonly input: RecordDoseInput;
  readonly person: PersonRow;
}

/** What became of one dose of a bulk recording. */
export type BulkDoseOutcome =
  | {
      readonly kind: 'planned';
      readonly dose: DoseRow;
      readonly auditEntry: AuditEntry;
      /** The person is to be checked against the registry later (a retroactive dose of an unverified person). */
      readonly flagRecheck: boolean;
    }
  /** Refused by the rules, the scope or the facility: the error `recordDose` would throw. */
  | { readonly kind: 'refused'; readonly error: AppError }
  /** Needs `recordDose` (a dose that renumbers earlier ones): the caller records it alone. */
  | { readonly kind: 'one-by-one' };

/**
 * The doses of a bulk recording, decided as `recordDose` decides each one — scope, facility, lot,
 * identity gate, dose rules, numbering — from one read of the facilities, the lots and the
 * people's counted doses, the doses before each one in the list counted as recorded. A dose that
 * would take `recordDose`'s slower branch (it renumbers doses already recorded) is left to the
 * caller, and so is every later dose of that person. Nothing
 * is written: `writePlannedDoses` writes the planned ones. The people must be locked by the
 * caller (or created in its transaction), as `recordDose` locks one.
 */
export async function planDosesInBulk(
  db: Executor,
  actor: Actor,
  items: readonly BulkDoseItem[],
  now: Date,
  /** The people's counted doses when the caller has read them (`countedDosesOfPeople`; extended here as doses are planned). */
  onRecord?: Map<string, q.PastDoseRow[]>,
): Promise<BulkDoseOutcome[]> {
  const facilities = new Map<string, FacilityRow | undefined>();
  const lots = new Map<string, LotRow | undefined>();
  for (const { input } of items) {
    if (!facilities.has(input.facilityId)) facilities.set(input.facilityId, await getFacility(db, input.facilityId));
    const lotKey = `${input.lotNumber}\u0000${input.vaccineCode}`;
    if (!lots.has(lotKey)) lots.set(lotKey, await findLotByNumber(db, input.lotNumber, input.vaccineCode));
  }
  const history = onRecord ?? (await q.countedDosesOfPeople(db, [...new Set(items.map((i) => i.person.id))]));
  const aside = new Set<string>();
  return items.map(({ input, person }): BulkDoseOutcome => {
    if (aside.has(person.id)) return { kind: 'one-by-one' };
    try {
      const facility = facilityInScope(actor, facilities.get(input.facilityId));
      if (!canSeePerson(actor, person)) throw new AppError('not_found');
      const past = history.get(person.id) ?? [];
      const lot = lots.get(`${input.lotNumber}\u0000${input.vaccineCode}`);
      const planned = planDose(actor, { ...input, personId: person.id }, person, past, facility, lot, now);
      if (planned.sequenced.at(-1)?.id !== NEW_DOSE) {
        aside.add(person.id);
        return { kind: 'one-by-one' };
      }
      const { dose } = planned;
      history.set(person.id, [...past, { ...dose, id: dose.id }]);
      return { kind: 'planned', dose, auditEntry: planned.auditEntry, flagRecheck: planned.flagRecheck };
    } catch (err) {
      if (err instanceof AppError && err.status < 500) return { kind: 'refused', error: err };
      throw err;
    }
  });
}

/**
 * Writes doses planned by `planDosesInBulk` with their audit entries and statistics marks, and
 * flags for a re-check the people the identity rule said to — a few statements for all.
 */
export async function writePlannedDoses(
  trx: Trx,
  audit: AuditContext,
  planned: readonly { readonly dose: DoseRow; readonly auditEntry: AuditEntry; readonly flagRecheck: boolean }[],
  now: Date,
): Promise<void> {
  for (let i = 0; i < planned.length; i += BULK_WRITE) {
    const part = planned.slice(i, i + BULK_WRITE);
    const written = await q.insertDoses(
      trx,
      part.map((p) => p.dose),
      (d) =>
        auditInsertForWritten(
          part.map((p) => ({ ctx: audit, entry: p.auditEntry })),
          d,
        ),
    );
    // The people are locked and the rules saw their doses: a dose refused here is a bug, not a row's fault.
    if (written !== part.length) throw new Error(`bulk dose write: ${written} of ${part.length} written`);
  }
  await flagManyForRecheck(
    trx,
    planned.filter((p) => p.flagRecheck).map((p) => p.dose.person_id),
    now,
  );
}

/** Doses per statement of a bulk write (one JSON parameter each). */
const BULK_WRITE = 2000;

const NEW_DOSE = '\uffff-new';
/** The answer to a retry: the dose the key made, if the request is the same one. */
function replay(existing: DoseRow, fingerprint: string): RecordedDose {
  if (existing.fingerprint !== fingerprint) {
    throw new AppError('idempotency_key_reused');
  }
  return { dose: existing, created: false, warnings: [] };
}

/**
 * Is a request to record a dose the one `existing` was recorded from — the same person, vaccine,
 * lot, date, facility and dose kind, compared as a retry with the same `Idempotency-Key` is? The
 * person is the one named, or the one the dose belongs to now (a merge moves doses). For a
 * workflow that finds its dose already recorded (a visit's dose asked for again).
 */
export function isSameDoseRequest(existing: DoseRow, input: RecordDoseInput): boolean {
  return [input.personId, existing.person_id].some((id) => existing.fingerprint === fingerprintOf(input, id));
}

/** Has a dose been recorded with this `Idempotency-Key`? */
export async function isIdempotencyKeyUsed(db: Executor, key: string): Promise<boolean> {
  return (await q.findDoseByKey(db, key)) !== undefined;
}

/** A person's counted doses (merge duplicates left out) in date order, for other modules (certificates). */
export function countedDosesOf(db: Executor, personId: string): Promise<DoseRow[]> {
  return q.dosesOfPerson(db, personId);
}

/**
 * Every dose of a person, the merge duplicates too (`duplicate_of` set: the same dose entered twice,
 * kept but never counted), in date order: the FHIR API shows a duplicate as entered in error.
 */
export function everyDoseOf(db: Executor, personId: string): Promise<DoseRow[]> {
  return q.everyDoseOfPerson(db, personId);
}

/** The counted doses of several people, per person in date order (the bulk import's "already on record"). */
export function countedDosesOfPeople(db: Executor, personIds: readonly string[]) {
  return q.countedDosesOfPeople(db, personIds);
}

/**
 * The dates of a person's counted doses, in date order: what a correction of the date of birth is
 * checked against (the people module is given it, sitting below doses).
 */
export async function doseDatesOf(db: Executor, personId: string): Promise<string[]> {
  return (await q.dosesOfPerson(db, personId)).map((d) => d.administered_on);
}

/** A person's doses in date order (the person resolved through merges); the read is audited. */
export async function listDoses(db: Executor, actor: Actor, audit: AuditContext, personId: string): Promise<DoseRow[]> {
  const person = await getPerson(db, personId);
  if (!person || !canSeePerson(actor, person)) throw new AppError('not_found');
  const doses = await q.dosesOfPerson(db, person.id);
  await recordAudit(db, audit, {
    action: 'dose.list_of_person',
    entityType: 'person',
    entityId: person.id,
    after: { count: doses.length },
  });
  return doses;
}

/** Renumbers a person's doses from the whole history (after a merge or a correction). */
export async function renumberDoses(trx: Trx, personId: string, now: Date): Promise<void> {
  const doses = await q.dosesOfPerson(trx, personId);
  const sequenced = sequenceDoses(
    doses.map((d) => ({
      id: d.id,
      vaccineCode: d.vaccine_code,
      administeredOn: d.administered_on,
      declaredKind: d.declared_kind,
    })),
  );
  for (const s of sequenced) {
    const row = doses.find((d) => d.id === s.id)!;
    if (row.dose_number !== s.doseNumber || row.dose_kind !== s.doseKind)
      await q.setDoseNumber(trx, row.id, s.doseNumber, s.doseKind, now);
  }
  await markPeopleForStats(trx, [personId]);
}

/**
 * Moves every dose of one person to another (a merge). A dose on a day the survivor already has
 * one is the same physical dose entered twice: it moves too, marked as a duplicate of the
 * survivor's, so nothing is lost and nothing is counted twice. Then the history is renumbered.
 */
export async function moveDoses(trx: Trx, fromId: string, toId: string, now: Date): Promise<number> {
  const survivorDays = new Map((await q.dosesOfPerson(trx, toId)).map((d) => [d.administered_on, d.id]));
  const moving = await trx.selectFrom('doses').selectAll().where('person_id', '=', fromId).execute();
  for (const d of moving) {
    const twin = d.duplicate_of ? null : (survivorDays.get(d.administered_on) ?? null);
    await trx
      .updateTable('doses')
      .set({ person_id: toId, duplicate_of: d.duplicate_of ?? twin, updated_at: now })
      .where('id', '=', d.id)
      .execute();
  }
  await renumberDoses(trx, toId, now);
  await markPeopleForStats(trx, [fromId, toId]);
  return moving.length;
}

/** A dose recorded earlier that breaks dose rules now that its history changed (a merge), and why. */
export interface DoseRuleFlag {
  /** The dose as the caller read it in this transaction. */
  readonly dose: DoseRow;
  readonly codes: readonly string[];
  readonly reason: string;
}

/**
 * Marks doses already recorded as recorded against a rule — the mark a supervisor's override
 * leaves (`override_by`, `override_reason`, `overridden`), which the dose list shows and which
 * blocks a vaccine passport until a person reviews the dose — when their history changed under
 * them (a merge), in the caller's transaction, each audited (`dose.rule_flag`) with before and
 * after. A dose whose codes were all overridden already is left as it is. Returns the doses marked.
 */
export async function flagDosesAgainstRules(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  flags: readonly DoseRuleFlag[],
  now: Date,
): Promise<DoseRow[]> {
  const marked: DoseRow[] = [];
  for (const f of flags) {
    const current = f.dose;
    const had = Array.isArray(current.overridden) ? (current.overridden as string[]) : [];
    if (f.codes.every((c) => had.includes(c))) continue;
    const updated = await q.markDoseOverride(trx, current.id, {
      by: actor.username,
      reason: current.override_reason ? `${current.override_reason} · ${f.reason}` : f.reason,
      overridden: [...new Set([...had, ...f.codes])],
      now,
    });
    await recordAudit(trx, audit, {
      action: 'dose.rule_flag',
      entityType: 'dose',
      entityId: current.id,
      before: presentDose(current),
      after: presentDose(updated),
      reason: f.reason,
    });
    marked.push(updated);
  }
  return marked;
}

/**
 * Corrects a recorded dose (vaccine, lot, date, facility) through the same rules as a new entry
 * (checked against the rest of the history), renumbers, and audits with before and after and the
 * reason (e.g. the report it answers).
 */
export async function correctDose(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: {
    doseId: string;
    vaccineCode?: string;
    lotNumber?: string;
    administeredOn?: string;
    facilityId?: string;
    reason: string;
    override?: { reason: string };
  },
  now: Date,
): Promise<DoseRow> {
  const current = await q.findDoseById(trx, input.doseId);
  if (!current) throw new AppError('not_found');
  const facilityId = input.facilityId ?? current.facility_id;
  const facility = await getFacility(trx, facilityId);
  if (!facility) throw new AppError('unknown_facility', { field: 'facilityId' });
  const person = await getPerson(trx, current.person_id);
  if (!person || !canSeePerson(actor, person)) throw new AppError('not_found');
  const ref = (f: typeof facility) => ({
    provinceCode: f.province_code,
    districtCode: f.district_code,
    communeCode: f.commune_code,
    facilityId: f.id,
  });
  const oldFacility = (await getFacility(trx, current.facility_id))!;
  // Moving the dose to another facility writes into that facility's records: the caller must cover
  // it, as for a new dose there (403 `out_of_scope` naming `facilityId`). Keeping the facility, the
  // caller must cover the dose's own.
  if (facility.id !== current.facility_id) facilityInScope(actor, facility);
  else if (!covers(actor.scope, ref(oldFacility))) throw new AppError('out_of_scope');
  const vaccineCode = input.vaccineCode ?? current.vaccine_code;
  const lotNumber = input.lotNumber ?? current.lot_number;
  const administeredOn = input.administeredOn ?? current.administered_on;
  await lockPerson(trx, person.id);
  const others = (await q.dosesOfPerson(trx, person.id)).filter((d) => d.id !== current.id);
  const lot = await findLotByNumber(trx, lotNumber, vaccineCode);
  const check = checkDose({
    person: { dateOfBirth: person.date_of_birth },
    history: others.map((d) => ({
      id: d.id,
      vaccineCode: d.vaccine_code,
      administeredOn: d.administered_on,
      declaredKind: d.declared_kind,
    })),
    dose: { vaccineCode, lotNumber, administeredOn, declaredKind: current.declared_kind },
    lot: lot ? { lotNumber: lot.lot_number, vaccineCode: lot.vaccine_code, expiresOn: lot.expires_on } : null,
    today: vietnamDay(now),
  });
  violationsOverridden(check, actor, input.override);
  const updated = await trx
    .updateTable('doses')
    .set({
      vaccine_code: vaccineCode,
      lot_number: lotNumber,
      lot_id: lot?.vaccine_code === vaccineCode ? lot.id : null,
      administered_on: administeredOn,
      facility_id: facility.id,
      province_code: facility.province_code,
      district_code: facility.district_code,
      updated_at: now,
    })
    .where('id', '=', current.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await renumberDoses(trx, person.id, now);
  const final = (await q.findDoseById(trx, current.id))!;
  await recordAudit(trx, audit, {
    action: 'dose.correct',
    entityType: 'dose',
    entityId: current.id,
    before: presentDose(current),
    after: presentDose(final),
    reason: input.reason,
  });
  return updated.id === final.id ? final : updated;
}

/** One dose by id (for other modules: sessions, adverse events, reports). */
export function getDose(db: Executor, id: string): Promise<DoseRow | undefined> {
  return q.findDoseById(db, id);
}

/**
 * The person's latest counted dose (an adverse event reported without naming the dose), or the latest
 * given on or before `onOrBefore` (`YYYY-MM-DD`) when given: the dose an event of that day follows.
 */
export function latestDoseOf(db: Executor, personId: string, onOrBefore?: string): Promise<DoseRow | undefined> {
  return db
    .selectFrom('doses')
    .selectAll()
    .where('person_id', '=', personId)
    .where('duplicate_of', 'is', null)
    .$if(onOrBefore !== undefined, (qb) => qb.where('administered_on', '<=', onOrBefore!))
    .orderBy('administered_on', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** Counted doses of a session by vaccine and kind (the board's tally). */
export function sessionDoseTally(db: Executor, sessionId: string) {
  return db
    .selectFrom('doses')
    .select(['vaccine_code', 'dose_kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('session_id', '=', sessionId)
    .where('duplicate_of', 'is', null)
    .groupBy(['vaccine_code', 'dose_kind'])
    .execute();
}

/** Counted doses (duplicates left out) recorded in each of these sessions — an indexed read by session. */
export async function countedDosesPerSession(
  db: Executor,
  sessionIds: readonly string[],
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < sessionIds.length; i += 1000) {
    const rows = await db
      .selectFrom('doses')
      .select(['session_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('session_id', 'in', sessionIds.slice(i, i + 1000))
      .where('duplicate_of', 'is', null)
      .groupBy('session_id')
      .execute();
    for (const r of rows) if (r.session_id) out.set(r.session_id, Number(r.n));
  }
  return out;
}

/** People who got a dose in a session. */
export async function peopleVaccinatedInSession(db: Executor, sessionId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('doses')
    .select('person_id')
    .distinct()
    .where('session_id', '=', sessionId)
    .execute();
  return rows.map((r) => r.person_id);
}

/**
 * Counted doses recorded per lot, at facilities matching a filter or in one session (the other
 * side of "doses used vs doses recorded").
 */
export async function recordedPerLot(
  db: Executor,
  f: { sessionId?: string; provinceCode?: string; districtCode?: string; facilityId?: string },
): Promise<Map<string, number>> {
  let q = db
    .selectFrom('doses')
    .select(['lot_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('lot_id', 'is not', null)
    .where('duplicate_of', 'is', null)
    .groupBy('lot_id');
  if (f.sessionId) q = q.where('session_id', '=', f.sessionId);
  if (f.provinceCode) q = q.where('province_code', '=', f.provinceCode);
  if (f.districtCode) q = q.where('district_code', '=', f.districtCode);
  if (f.facilityId) q = q.where('facility_id', '=', f.facilityId);
  return new Map((await q.execute()).map((r) => [r.lot_id!, Number(r.n)]));
}

/** The counted doses (duplicates left out) of these people, as statistics count them. */
export async function dosesForStats(db: Executor, personIds: readonly string[]) {
  if (personIds.length === 0) return [];
  const rows = await q.countedDosesOfEach(db, personIds);
  return rows.map((d) => ({
    id: d.id,
    personId: d.person_id,
    vaccineCode: d.vaccine_code,
    administeredOn: d.administered_on,
    facilityId: d.facility_id,
    doseNumber: d.dose_number,
    doseKind: d.dose_kind,
    declaredKind: d.declared_kind,
  }));
}
