import { isDeepStrictEqual } from 'node:util';
import {
  completeScreeningAnswers,
  type DoseKind,
  dosesRemaining,
  isObservationOver,
  isSessionDateAllowed,
  isUnfinishedVisit,
  isUuid,
  OBSERVATION_MS,
  type ResolvedVisit,
  SCREENING_QUESTIONS,
  type ScreeningBody,
  screeningPlan,
  sessionDateRange,
  suggestScreeningOutcome,
  type UnresolvedVisit,
  uuidv7,
  type VisitCloseOutcomeBody,
  vialsWithinStock,
  vietnamDay,
  vnDate,
} from '@tiemchung/core';
import { sql } from 'kysely';
import type { DoseRow, FacilityRow, LotRow, VaccinationSessionRow, VisitRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { type Actor, covers, NO_MATCH, requireScope, whereInScope } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import {
  getDose,
  isIdempotencyKeyUsed,
  isSameDoseRequest,
  type RecordDoseInput,
  recordDose,
  recordedPerLot,
  sessionDoseTally,
} from '../doses/doses.service.js';
import { requireActiveFacility } from '../facilities/facilities.service.js';
import { findLotByNumber, findLotsByNumber, lockLots, lotsByIds, movementTotals } from '../lots/lots.service.js';
import { canSeePerson, getPerson, personSummaries } from '../people/people.service.js';

function facilityRef(f: Pick<FacilityRow, 'id' | 'province_code' | 'district_code' | 'commune_code'>) {
  return {
    provinceCode: f.province_code,
    districtCode: f.district_code,
    communeCode: f.commune_code,
    facilityId: f.id,
  };
}

function sessionRef(s: VaccinationSessionRow) {
  return { provinceCode: s.province_code, districtCode: s.district_code, facilityId: s.facility_id };
}

export function presentSession(s: VaccinationSessionRow) {
  return {
    id: s.id,
    facilityId: s.facility_id,
    sessionDate: s.session_date,
    name: s.name,
    status: s.status,
    openedBy: s.opened_by,
    openedAt: s.opened_at.toISOString(),
    closedAt: s.closed_at?.toISOString() ?? null,
  };
}

export function presentVisit(v: VisitRow, person?: { full_name: string; date_of_birth: string; gender: string }) {
  return {
    id: v.id,
    sessionId: v.session_id,
    personId: v.person_id,
    queueNumber: v.queue_number,
    status: v.status,
    checkInMethod: v.check_in_method,
    checkedInAt: v.checked_in_at.toISOString(),
    screeningOutcome: v.screening_outcome,
    screeningReason: v.screening_reason,
    doseId: v.dose_id,
    observationUntil: v.observation_until?.toISOString() ?? null,
    doneAt: v.done_at?.toISOString() ?? null,
    leftReason: v.left_reason,
    handedOverTo: v.handed_over_to,
    handedOverFrom: v.handed_over_from,
    person: person
      ? { fullName: person.full_name, dateOfBirth: person.date_of_birth, gender: person.gender }
      : undefined,
  };
}

/**
 * Opens a vaccination session (buổi tiêm) at a facility, with the lots on hand, on a day core's
 * `sessionDateRange` allows (400 `session_date_out_of_range`).
 */
export async function openSession(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: { facilityId: string; sessionDate: string; name?: string; lotNumbers?: string[] },
  now: Date,
): Promise<VaccinationSessionRow> {
  const today = vietnamDay(now);
  if (!isSessionDateAllowed(input.sessionDate, today)) {
    const { from, to } = sessionDateRange(today);
    throw new AppError('session_date_out_of_range', {
      field: 'sessionDate',
      params: { from: { vi: vnDate(from), en: from }, to: { vi: vnDate(to), en: to } },
    });
  }
  // 400 for no such facility, 409 for a deactivated one (the facilities module decides what is open).
  const f = await requireActiveFacility(trx, input.facilityId);
  requireScope(actor, facilityRef(f), 'facilityId');
  const s = await trx
    .insertInto('vaccination_sessions')
    .values({
      id: uuidv7(),
      facility_id: f.id,
      province_code: f.province_code,
      district_code: f.district_code,
      session_date: input.sessionDate,
      name: input.name ?? null,
      opened_by: actor.username,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  // A lot number shared by lots of several vaccines brings each of them: a lot is (vaccine, number),
  // and the dose and the close name the vaccine.
  for (const lotNumber of input.lotNumbers ?? []) {
    const lots = await findLotsByNumber(trx, lotNumber);
    if (!lots.length) throw new AppError('session_lot_unknown', { field: 'lotNumbers', params: { lotNumber } });
    for (const lot of lots) await addSessionLot(trx, s.id, lot);
  }
  await recordAudit(trx, audit, {
    action: 'session.open',
    entityType: 'session',
    entityId: s.id,
    after: presentSession(s),
  });
  return s;
}

async function addSessionLot(trx: Executor, sessionId: string, lot: LotRow) {
  await trx
    .insertInto('session_lots')
    .values({ session_id: sessionId, lot_id: lot.id, doses_per_vial: lot.doses_per_vial, vials_opened: null })
    .onConflict((oc) => oc.columns(['session_id', 'lot_id']).doNothing())
    .execute();
  return lot.id;
}

/** The session locked for this transaction, if the actor may work it; else 404. */
async function lockSessionFor(trx: Trx, actor: Actor, id: string): Promise<VaccinationSessionRow> {
  const session = await trx
    .selectFrom('vaccination_sessions')
    .selectAll()
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
  if (!session || !covers(actor.scope, sessionRef(session))) throw new AppError('not_found');
  return session;
}

/**
 * Doses used per lot — vials opened × doses per vial, from closed-out sessions — at a facility or
 * within units (for the lots module's stock and reconciliation).
 */
export async function usedPerLot(
  db: Executor,
  f: { facilityId?: string; provinceCode?: string; districtCode?: string; lotIds?: string[] },
): Promise<Map<string, number>> {
  let q = db
    .selectFrom('session_lots')
    .innerJoin('vaccination_sessions as s', 's.id', 'session_lots.session_id')
    .select([
      'session_lots.lot_id',
      (eb) => eb.fn.sum<number>(sql`session_lots.vials_opened * session_lots.doses_per_vial`).as('n'),
    ])
    .where('session_lots.vials_opened', 'is not', null)
    .groupBy('session_lots.lot_id');
  if (f.facilityId) q = q.where('s.facility_id', '=', f.facilityId);
  if (f.provinceCode) q = q.where('s.province_code', '=', f.provinceCode);
  if (f.districtCode) q = q.where('s.district_code', '=', f.districtCode);
  if (f.lotIds) q = q.where('session_lots.lot_id', 'in', f.lotIds.length ? f.lotIds : [NO_MATCH]);
  return new Map((await q.execute()).map((r) => [r.lot_id, Number(r.n)]));
}

/**
 * The closed sessions of these facilities held from `from` to `to`, each with the vials it opened
 * and the doses they held (vials × doses per vial) — indexed reads by facility and date (the stock
 * module's possible unrecorded doses). Open sessions are left out: their vials are counted at close.
 */
export async function closedSessionVials(
  db: Executor,
  facilityIds: readonly string[],
  range: { from: string; to: string },
): Promise<{ id: string; facilityId: string; vials: number; doses: number }[]> {
  const out: { id: string; facilityId: string; vials: number; doses: number }[] = [];
  for (let i = 0; i < facilityIds.length; i += 1000) {
    const rows = await db
      .selectFrom('vaccination_sessions as s')
      .leftJoin('session_lots as l', 'l.session_id', 's.id')
      .select([
        's.id',
        's.facility_id',
        (eb) => eb.fn.sum<number | string | null>('l.vials_opened').as('vials'),
        (eb) => eb.fn.sum<number | string | null>(sql`l.vials_opened * l.doses_per_vial`).as('doses'),
      ])
      .where('s.facility_id', 'in', facilityIds.slice(i, i + 1000))
      .where('s.session_date', '>=', range.from)
      .where('s.session_date', '<=', range.to)
      .where('s.status', '=', 'closed')
      .groupBy(['s.id', 's.facility_id'])
      .execute();
    for (const r of rows)
      out.push({ id: r.id, facilityId: r.facility_id, vials: Number(r.vials ?? 0), doses: Number(r.doses ?? 0) });
  }
  return out;
}

/** A session the actor may work (its facility in the actor's scope), or 404. */
export async function getSessionFor(db: Executor, actor: Actor, id: string): Promise<VaccinationSessionRow> {
  const s = await db.selectFrom('vaccination_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!s || !covers(actor.scope, sessionRef(s))) throw new AppError('not_found');
  return s;
}

/** A visit by its id (no scope check: callers check the person's or the session's). */
export function getVisit(db: Executor, id: string): Promise<VisitRow | undefined> {
  return db.selectFrom('visits').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listSessions(db: Executor, actor: Actor, f: { facilityId?: string; from?: string; to?: string }) {
  let q = whereInScope(db.selectFrom('vaccination_sessions').selectAll(), actor.scope, { commune: 'district' });
  if (f.facilityId) q = q.where('facility_id', '=', f.facilityId);
  if (f.from) q = q.where('session_date', '>=', f.from);
  if (f.to) q = q.where('session_date', '<=', f.to);
  return q.orderBy('session_date', 'desc').orderBy('opened_at', 'desc').limit(200).execute();
}

/** The session board: every visit with the person, the day's tally and the lots on hand. */
export async function sessionBoard(db: Executor, actor: Actor, id: string) {
  const session = await getSessionFor(db, actor, id);
  const visits = await db
    .selectFrom('visits')
    .selectAll()
    .where('session_id', '=', id)
    .orderBy('queue_number')
    .execute();
  const people = await personSummaries(
    db,
    visits.map((v) => v.person_id),
  );
  const doses = await sessionDoseTally(db, id);
  const sessionLots = await db.selectFrom('session_lots').selectAll().where('session_id', '=', id).execute();
  const lotRows = await lotsByIds(
    db,
    sessionLots.map((l) => l.lot_id),
  );
  const lots = sessionLots.flatMap((sl) => {
    const l = lotRows.get(sl.lot_id);
    return l ? [{ ...l, doses_per_vial: sl.doses_per_vial, vials_opened: sl.vials_opened }] : [];
  });
  const count = (st: VisitRow['status']) => visits.filter((v) => v.status === st).length;
  return {
    session: presentSession(session),
    visits: visits.map((v) => presentVisit(v, people.get(v.person_id))),
    tally: {
      checkedIn: visits.length,
      waiting: count('waiting'),
      screened: count('screening'),
      observing: count('observing'),
      done: count('done'),
      postponed: count('postponed'),
      referred: count('referred'),
      left: count('left'),
      handedOver: count('handed_over'),
      vaccinated: doses.reduce((s, d) => s + Number(d.n), 0),
      byVaccine: Object.fromEntries(
        [...new Set(doses.map((d) => d.vaccine_code))].map((c) => [
          c,
          doses.filter((d) => d.vaccine_code === c).reduce((s, d) => s + Number(d.n), 0),
        ]),
      ),
    },
    lots: lots.map((l) => ({
      lotNumber: l.lot_number,
      vaccineCode: l.vaccine_code,
      expiresOn: l.expires_on,
      dosesPerVial: l.doses_per_vial,
      vialsOpened: l.vials_opened,
    })),
  };
}

/**
 * Checks a person in. Idempotent: the client may give the visit id (made offline); checking in
 * the same person twice in one session returns the first visit. An id that names a visit of
 * another session or another person is 409 `conflict`.
 */
export async function checkIn(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: { sessionId: string; personId: string; method: VisitRow['check_in_method']; visitId?: string },
  now: Date,
): Promise<{ visit: VisitRow; created: boolean }> {
  if (input.visitId && !isUuid(input.visitId)) throw new AppError('validation_failed', { field: 'id' });
  const person = await getPerson(trx, input.personId);
  if (!person || !canSeePerson(actor, person)) throw new AppError('not_found', { field: 'personId' });
  const session = await lockSessionFor(trx, actor, input.sessionId);
  const found = await trx
    .selectFrom('visits')
    .selectAll()
    .where((eb) => {
      const samePerson = eb.and([eb('session_id', '=', session.id), eb('person_id', '=', person.id)]);
      return input.visitId ? eb.or([eb('id', '=', input.visitId), samePerson]) : samePerson;
    })
    .execute();
  // The visit the client's id names decides, before the person's visit under another id.
  const existing = found.find((v) => v.id === input.visitId) ?? found[0];
  if (existing) {
    // The client's id names a visit of another session or of another person: not this check-in
    // replayed (an id collision, or a client's mix-up), refused rather than answered with that visit.
    if (existing.session_id !== session.id || existing.person_id !== person.id) {
      throw new AppError('conflict', { field: 'id' });
    }
    return { visit: existing, created: false };
  }
  if (session.status === 'closed') throw sessionClosed();
  const queueNumber = await nextQueueNumber(trx, session.id);
  const visit = await trx
    .insertInto('visits')
    .values({
      id: input.visitId ?? uuidv7(now.getTime()),
      session_id: session.id,
      person_id: person.id,
      queue_number: queueNumber,
      status: 'waiting',
      check_in_method: input.method,
      checked_in_at: now,
      checked_in_by: actor.username,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'visit.check_in',
    entityType: 'visit',
    entityId: visit.id,
    after: { personId: person.id, sessionId: session.id, method: input.method },
  });
  return { visit, created: true };
}

/** The next number in a session's queue (the session row is locked by the caller). */
async function nextQueueNumber(trx: Trx, sessionId: string): Promise<number> {
  const { n } = await trx
    .selectFrom('visits')
    .select((eb) => eb.fn.coalesce(eb.fn.max('queue_number'), sql<number>`0`).as('n'))
    .where('session_id', '=', sessionId)
    .executeTakeFirstOrThrow();
  return Number(n) + 1;
}

function sessionClosed(): AppError {
  return new AppError('session_closed');
}

async function visitFor(trx: Trx, actor: Actor, id: string) {
  const visit = await trx.selectFrom('visits').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  if (!visit) throw new AppError('not_found');
  const session = await trx
    .selectFrom('vaccination_sessions')
    .selectAll()
    .where('id', '=', visit.session_id)
    .executeTakeFirstOrThrow();
  if (!covers(actor.scope, sessionRef(session))) throw new AppError('not_found');
  return { visit, session };
}

/**
 * Records the screening (the ministry's checklist, vital signs) and the doctor's outcome. A reason
 * is required to postpone or refer, and to vaccinate against the checklist's suggestion. Re-sending
 * the same screening (offline sync) is harmless; it cannot change once a dose is recorded.
 */
export async function recordScreening(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  visitId: string,
  body: ScreeningBody,
  now: Date,
) {
  const { visit, session } = await visitFor(trx, actor, visitId);
  // The checklist as it applies to this person (core's screeningPlan, as the form asks it): the
  // questions that cannot apply or that the record answers are filled in, not taken from the body.
  const person = await getPerson(trx, visit.person_id);
  const plan = screeningPlan(
    { gender: person?.gender ?? '', dateOfBirth: person?.date_of_birth ?? null },
    session.session_date,
  );
  const { answers, missing, conflicts } = completeScreeningAnswers(plan, body.answers);
  if (missing.length) {
    throw new AppError('screening_unanswered', {
      field: 'answers',
      params: { count: missing.length },
      extra: { questions: missing },
    });
  }
  if (conflicts.length) {
    const texts = SCREENING_QUESTIONS.filter((q) => conflicts.includes(q.id)).map((q) => q.text);
    throw new AppError('screening_answer_conflicts', {
      field: `answers.${conflicts[0]}`,
      params: { questions: { vi: texts.map((t) => t.vi).join('; '), en: texts.map((t) => t.en).join('; ') } },
      extra: { questions: conflicts },
    });
  }
  const suggestion = suggestScreeningOutcome(answers, body.vitals);
  if (
    (body.outcome !== 'vaccinate' || suggestion.outcome !== 'vaccinate') &&
    body.outcome !== suggestion.outcome &&
    !body.reason
  ) {
    throw new AppError('screening_reason_required', {
      field: 'reason',
      params: { suggestion: { vi: OUTCOME_VI[suggestion.outcome], en: suggestion.outcome } },
    });
  }
  if (body.outcome !== 'vaccinate' && !body.reason) {
    throw new AppError('postpone_reason_required', { field: 'reason' });
  }
  if (visit.dose_id) {
    // The visit's own screening sent again (an offline device's queue, a lost answer): the visit
    // as it is, unchanged. Another screening cannot replace the one the dose was given on.
    if (isSameScreening(visit, { answers, vitals: body.vitals, outcome: body.outcome, reason: body.reason ?? null })) {
      return { visit, suggestion };
    }
    throw new AppError('already_vaccinated');
  }
  if (session.status === 'closed') throw sessionClosed();
  const status: VisitRow['status'] =
    body.outcome === 'vaccinate' ? 'screening' : body.outcome === 'postpone' ? 'postponed' : 'referred';
  const updated = await trx
    .updateTable('visits')
    .set({
      screening: JSON.stringify({
        answers,
        // Which questions were not asked: ruled out, or answered from the record.
        notAsked: Object.fromEntries(plan.filter((p) => p.mode !== 'ask').map((p) => [p.question.id, p.mode])),
        vitals: body.vitals,
        suggestion: suggestion.outcome,
        contraindicated: suggestion.contraindicated,
      }),
      screening_outcome: body.outcome,
      screening_reason: body.reason ?? null,
      screened_by: actor.username,
      screened_at: now,
      status,
    })
    .where('id', '=', visit.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'visit.screening',
    entityType: 'visit',
    entityId: visit.id,
    after: { outcome: body.outcome, suggestion: suggestion.outcome, reason: body.reason ?? null },
  });
  return { visit: updated, suggestion };
}

/** Is this the screening the visit has on record (the completed answers, vital signs, outcome, reason)? */
function isSameScreening(
  visit: VisitRow,
  s: { answers: unknown; vitals: unknown; outcome: VisitRow['screening_outcome']; reason: string | null },
): boolean {
  const raw = typeof visit.screening === 'string' ? JSON.parse(visit.screening) : visit.screening;
  const recorded = (raw ?? null) as { answers?: unknown; vitals?: unknown } | null;
  return (
    recorded !== null &&
    visit.screening_outcome === s.outcome &&
    visit.screening_reason === s.reason &&
    isDeepStrictEqual(recorded.answers, s.answers) &&
    isDeepStrictEqual(recorded.vitals ?? {}, s.vitals ?? {})
  );
}

const OUTCOME_VI = {
  vaccinate: 'Đủ điều kiện tiêm',
  postpone: 'Tạm hoãn tiêm',
  refer: 'Chuyển tiêm tại bệnh viện',
} as const;

/**
 * The vaccinator records the dose of a screened visit: the dose API's rules, idempotency and audit,
 * dated the session's day at its facility; then the 30-minute observation starts.
 */
export async function vaccinateVisit(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: {
    visitId: string;
    vaccineCode: string;
    lotNumber: string;
    doseKind?: DoseKind;
    override?: { reason: string };
    idempotencyKey?: string;
    givenAt?: Date;
  },
  now: Date,
) {
  // The visit locked: a second tap on "vaccinated" waits, then finds the dose the first recorded.
  const { visit, session } = await visitFor(trx, actor, input.visitId);
  const request: RecordDoseInput = {
    personId: visit.person_id,
    vaccineCode: input.vaccineCode,
    lotNumber: input.lotNumber,
    administeredOn: session.session_date,
    facilityId: session.facility_id,
    doseKind: input.doseKind,
    override: input.override,
    idempotencyKey: input.idempotencyKey ?? `visit:${visit.id}`,
    sessionId: session.id,
    source: 'site',
  };
  if (visit.dose_id) {
    const dose = (await getDose(trx, visit.dose_id))!;
    return {
      visit,
      dose: await visitDoseAgain(trx, dose, request, input.idempotencyKey !== undefined),
      created: false,
    };
  }
  if (visit.screening_outcome !== 'vaccinate') {
    throw new AppError('not_screened');
  }
  if (session.status === 'closed') throw sessionClosed();
  // The lot of the dose's vaccine (another vaccine's lot of that number is refused by the dose rules).
  const lot = await findLotByNumber(trx, input.lotNumber, input.vaccineCode);
  if (lot?.vaccine_code === input.vaccineCode) await addSessionLot(trx, session.id, lot);
  // In this transaction (the locked path): the dose and the visit's observation commit together.
  const { dose, created } = await recordDose(trx, actor, audit, request, now);
  const updated = await trx
    .updateTable('visits')
    .set({
      dose_id: dose.id,
      status: 'observing',
      // The observation runs from when the dose was given: an offline dose synced later keeps its
      // clock (never in the future, never more than 12 hours back).
      observation_until: new Date(observationStart(input.givenAt, now).getTime() + OBSERVATION_MS),
    })
    .where('id', '=', visit.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { visit: updated, dose, created };
}

/**
 * A dose asked for a visit that already has its dose. With the dose's own key: the dose when the
 * content is the same (a retry), else 422 `idempotency_key_reused`, as for any dose. With a key
 * another dose was recorded with: 422 `idempotency_key_reused`. With a new key, or none: the dose
 * when the content is the same (a second tap, an offline re-sync), else 409 `already_vaccinated` —
 * the visit has one dose, never a second and never another one answered as this one.
 */
async function visitDoseAgain(trx: Trx, dose: DoseRow, request: RecordDoseInput, keyGiven: boolean): Promise<DoseRow> {
  const ownKey = dose.idempotency_key === request.idempotencyKey;
  if (!ownKey && keyGiven && (await isIdempotencyKeyUsed(trx, request.idempotencyKey!))) {
    throw new AppError('idempotency_key_reused');
  }
  if (isSameDoseRequest(dose, request)) return dose;
  throw new AppError(ownKey ? 'idempotency_key_reused' : 'already_vaccinated');
}

function observationStart(givenAt: Date | undefined, now: Date): Date {
  if (!givenAt) return now;
  return new Date(Math.min(now.getTime(), Math.max(givenAt.getTime(), now.getTime() - 12 * 3_600_000)));
}

/**
 * Ends the visit after the observation. Before its 30 minutes are over (core's `isObservationOver`)
 * only as the desk's confirmed decision (the board asks again: the person would not wait), written
 * in the audit entry; the close's "done", which no one confirms per person, is refused then.
 */
export async function completeVisit(trx: Trx, actor: Actor, audit: AuditContext, visitId: string, now: Date) {
  const { visit } = await visitFor(trx, actor, visitId);
  if (visit.status === 'done') return visit;
  if (visit.status !== 'observing') {
    throw new AppError('visit_not_observing');
  }
  // Before the observation is over: the desk has confirmed it (the person would not wait); the
  // audit entry says so. The close's "done" is no such confirmation, and is refused then.
  const early = !isObservationOver(visit.observation_until, now);
  const updated = await trx
    .updateTable('visits')
    .set({ status: 'done', done_at: now })
    .where('id', '=', visit.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'visit.done',
    entityType: 'visit',
    entityId: visit.id,
    ...(early ? { after: { beforeObservationEnd: true, observationUntil: visit.observation_until } } : {}),
  });
  return updated;
}

/**
 * The sessions a close involves — the closing one and those it hands people over to — locked in
 * id order (two sessions closing into each other at once wait, they do not deadlock). The closing
 * one must be the actor's (404); each other one another open session of the same facility
 * (409 `handover_session_invalid`).
 */
async function lockCloseSessions(trx: Trx, actor: Actor, id: string, targetIds: readonly string[]) {
  const ids = [...new Set([id, ...targetIds])];
  const rows = await trx
    .selectFrom('vaccination_sessions')
    .selectAll()
    .where('id', 'in', ids)
    .orderBy('id')
    .forUpdate()
    .execute();
  const session = rows.find((r) => r.id === id);
  if (!session || !covers(actor.scope, sessionRef(session))) throw new AppError('not_found');
  const targets = new Map<string, VaccinationSessionRow>();
  for (const targetId of targetIds) {
    const t = rows.find((r) => r.id === targetId);
    if (
      !t ||
      t.id === session.id ||
      t.facility_id !== session.facility_id ||
      t.status !== 'open' ||
      !covers(actor.scope, sessionRef(t))
    )
      throw new AppError('handover_session_invalid', { field: 'visits' });
    targets.set(t.id, t);
  }
  return { session, targets };
}

/** The status a handed-over visit continues in: a screening holds for the same day only; a dose's observation goes on. */
function handedOverState(v: VisitRow, from: VaccinationSessionRow, to: VaccinationSessionRow, now: Date) {
  const screening = {
    screening: v.screening === null ? null : JSON.stringify(v.screening),
    screening_outcome: v.screening_outcome,
    screening_reason: v.screening_reason,
    screened_by: v.screened_by,
    screened_at: v.screened_at,
  };
  if (v.dose_id) {
    return {
      status: 'observing' as const,
      dose_id: v.dose_id,
      observation_until: v.observation_until ?? new Date(now.getTime() + OBSERVATION_MS),
      ...screening,
    };
  }
  if (v.status === 'screening' && from.session_date === to.session_date) {
    return { status: 'screening' as const, ...screening };
  }
  return { status: 'waiting' as const };
}

/**
 * The visits of a closing session that are not done (waiting, in screening, vaccinated, in
 * observation), each with the outcome the closer chose: handed over to another open session of
 * the facility (a visit there continues it; the person's visit there if they already have one),
 * ended because the person left (with the reason), or done (an observation whose 30 minutes are
 * over). Every change audited; one without an outcome leaves the session open: 409
 * `session_visits_unresolved` listing them (the caller's unit of work undoes the rest).
 */
async function resolveUnfinishedVisits(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  session: VaccinationSessionRow,
  targets: ReadonlyMap<string, VaccinationSessionRow>,
  outcomes: readonly VisitCloseOutcomeBody[],
  now: Date,
): Promise<ResolvedVisit[]> {
  const visits = await trx
    .selectFrom('visits')
    .selectAll()
    .where('session_id', '=', session.id)
    .orderBy('queue_number')
    .forUpdate()
    .execute();
  const byId = new Map(visits.map((v) => [v.id, v]));
  const chosen = new Map<string, VisitCloseOutcomeBody>();
  for (const [i, o] of outcomes.entries()) {
    const v = byId.get(o.visitId);
    if (!v || chosen.has(o.visitId)) {
      throw new AppError('session_visit_outcome_invalid', {
        field: `visits.${i}.visitId`,
        params: { queueNumber: v?.queue_number ?? '?' },
      });
    }
    chosen.set(o.visitId, o);
  }
  const unresolved: UnresolvedVisit[] = [];
  const resolved: ResolvedVisit[] = [];
  for (const v of visits) {
    // A visit finished meanwhile (observed, completed) needs no outcome: one given is not applied.
    if (!isUnfinishedVisit(v.status)) continue;
    const o = chosen.get(v.id);
    if (!o) {
      unresolved.push({ id: v.id, personId: v.person_id, queueNumber: v.queue_number, status: v.status });
      continue;
    }
    const field = `visits.${outcomes.indexOf(o)}`;
    const resolvedBase = { visitId: v.id, personId: v.person_id, queueNumber: v.queue_number };
    if (o.outcome === 'left') {
      await trx
        .updateTable('visits')
        .set({ status: 'left', left_reason: o.reason, done_at: now })
        .where('id', '=', v.id)
        .execute();
      await recordAudit(trx, audit, {
        action: 'visit.left',
        entityType: 'visit',
        entityId: v.id,
        before: { status: v.status },
        after: { status: 'left', sessionClosed: session.id },
        reason: o.reason,
      });
      resolved.push({ ...resolvedBase, outcome: 'left', sessionId: null, toVisitId: null });
    } else if (o.outcome === 'done') {
      if (v.status !== 'observing' || !isObservationOver(v.observation_until, now)) {
        throw new AppError('session_visit_outcome_invalid', { field, params: { queueNumber: v.queue_number } });
      }
      await trx.updateTable('visits').set({ status: 'done', done_at: now }).where('id', '=', v.id).execute();
      await recordAudit(trx, audit, {
        action: 'visit.done',
        entityType: 'visit',
        entityId: v.id,
        after: { atSessionClose: session.id },
      });
      resolved.push({ ...resolvedBase, outcome: 'done', sessionId: null, toVisitId: null });
    } else {
      const to = targets.get(o.sessionId)!;
      const existing = await trx
        .selectFrom('visits')
        .select('id')
        .where('session_id', '=', to.id)
        .where('person_id', '=', v.person_id)
        .executeTakeFirst();
      let toVisitId = existing?.id;
      if (!toVisitId) {
        const created = await trx
          .insertInto('visits')
          .values({
            id: uuidv7(now.getTime()),
            session_id: to.id,
            person_id: v.person_id,
            queue_number: await nextQueueNumber(trx, to.id),
            check_in_method: v.check_in_method,
            checked_in_at: now,
            checked_in_by: actor.username,
            handed_over_from: session.id,
            ...handedOverState(v, session, to, now),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        toVisitId = created.id;
      }
      await trx
        .updateTable('visits')
        .set({ status: 'handed_over', handed_over_to: to.id, done_at: now })
        .where('id', '=', v.id)
        .execute();
      await recordAudit(trx, audit, {
        action: 'visit.handover',
        entityType: 'visit',
        entityId: v.id,
        before: { status: v.status },
        after: { status: 'handed_over', toSessionId: to.id, toVisitId, personId: v.person_id },
      });
      resolved.push({ ...resolvedBase, outcome: 'handover', sessionId: to.id, toVisitId });
    }
  }
  if (unresolved.length) {
    throw new AppError('session_visits_unresolved', {
      field: 'visits',
      params: { count: unresolved.length },
      extra: { visits: unresolved },
    });
  }
  return resolved;
}

/**
 * The lots a close counts vials of, each named by its number and, when lots of several vaccines
 * share the number, its vaccine (else 422 `session_lot_ambiguous`; no such lot: 400
 * `session_lot_unknown`). The vials of a lot must not hold more doses than the facility has left
 * of it (its stock: received, less passed down, less used in closed sessions — core's
 * `dosesRemaining`), else 422 `vials_exceed_stock`: the stock never goes below zero.
 */
async function closeLotsOf(
  trx: Trx,
  session: VaccinationSessionRow,
  items: readonly { lotNumber: string; vaccineCode?: string | undefined; vialsOpened: number }[],
): Promise<{ lot: LotRow; vialsOpened: number }[]> {
  const out: { lot: LotRow; vialsOpened: number }[] = [];
  for (const [i, l] of items.entries()) {
    const lots = (await findLotsByNumber(trx, l.lotNumber)).filter(
      (x) => l.vaccineCode === undefined || x.vaccine_code === l.vaccineCode,
    );
    if (!lots.length) {
      throw new AppError('session_lot_unknown', { field: `lots.${i}.lotNumber`, params: { lotNumber: l.lotNumber } });
    }
    if (lots.length > 1) {
      throw new AppError('session_lot_ambiguous', {
        field: `lots.${i}.vaccineCode`,
        params: { lotNumber: l.lotNumber, vaccines: lots.map((x) => x.vaccine_code).join(', ') },
      });
    }
    out.push({ lot: lots[0]!, vialsOpened: l.vialsOpened });
  }
  if (!out.length) return out;
  // Held until the close commits, as an allocation holds its lot: two closes (or a close and an
  // allocation) cannot both spend the last doses.
  await lockLots(
    trx,
    out.map((o) => o.lot.id),
  );
  // The facility's stock of these lots before this session's vials (the lots module's movements,
  // the vials of the facility's closed sessions).
  const holder = `F:${session.facility_id}` as const;
  const moved = new Map((await movementTotals(trx, holder)).map((r) => [r.id, r]));
  const used = await usedPerLot(trx, { facilityId: session.facility_id, lotIds: out.map((o) => o.lot.id) });
  for (const [i, { lot, vialsOpened }] of out.entries()) {
    const m = moved.get(lot.id);
    const remaining = dosesRemaining({
      dosesIn: m?.doses_in ?? 0,
      dosesOut: m?.doses_out ?? 0,
      dosesUsed: used.get(lot.id) ?? 0,
    });
    if (!vialsWithinStock(vialsOpened, lot.doses_per_vial, remaining)) {
      throw new AppError('vials_exceed_stock', {
        field: `lots.${i}.vialsOpened`,
        params: { lotNumber: lot.lot_number, remaining: Math.max(0, remaining) },
      });
    }
  }
  return out;
}

/**
 * Closes the session with the vials opened per lot; answers, per lot, the doses used (vials ×
 * doses per vial), the doses recorded in the session, and the gap: possible unrecorded doses.
 * Nobody is left stranded: each visit not done needs an outcome (`visits`: handed over to another
 * open session of the facility, or the person left), else 409 `session_visits_unresolved`.
 */
export async function closeSession(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: {
    sessionId: string;
    lots: { lotNumber: string; vaccineCode?: string | undefined; vialsOpened: number }[];
    visits?: readonly VisitCloseOutcomeBody[] | undefined;
  },
  now: Date,
) {
  const outcomes = input.visits ?? [];
  const targetIds = outcomes.flatMap((o) => (o.outcome === 'handover' ? [o.sessionId] : []));
  const { session, targets } = await lockCloseSessions(trx, actor, input.sessionId, targetIds);
  if (session.status === 'closed') throw sessionClosed();
  const resolved = await resolveUnfinishedVisits(trx, actor, audit, session, targets, outcomes, now);
  const closeLots = await closeLotsOf(trx, session, input.lots);
  for (const { lot, vialsOpened } of closeLots) {
    const lotId = await addSessionLot(trx, session.id, lot);
    await trx
      .updateTable('session_lots')
      .set({ vials_opened: vialsOpened })
      .where('session_id', '=', session.id)
      .where('lot_id', '=', lotId)
      .execute();
  }
  const sessionLots = await trx.selectFrom('session_lots').selectAll().where('session_id', '=', session.id).execute();
  const lotRows = await lotsByIds(
    trx,
    sessionLots.map((l) => l.lot_id),
  );
  const recorded = await recordedPerLot(trx, { sessionId: session.id });
  const usage = sessionLots.map((sl) => ({
    lot_number: lotRows.get(sl.lot_id)?.lot_number ?? sl.lot_id,
    vaccine_code: lotRows.get(sl.lot_id)?.vaccine_code ?? '',
    doses_per_vial: sl.doses_per_vial,
    vials_opened: sl.vials_opened,
    n: recorded.get(sl.lot_id) ?? 0,
  }));
  const missing = usage.filter((u) => u.vials_opened === null && Number(u.n ?? 0) > 0);
  if (missing.length) {
    throw new AppError('vials_missing', {
      field: 'lots',
      params: { lots: missing.map((m) => m.lot_number).join(', ') },
    });
  }
  const closed = await trx
    .updateTable('vaccination_sessions')
    .set({ status: 'closed', closed_by: actor.username, closed_at: now })
    .where('id', '=', session.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const lots = usage.map((u) => {
    const used = (u.vials_opened ?? 0) * u.doses_per_vial;
    const recorded = Number(u.n ?? 0);
    return {
      lotNumber: u.lot_number,
      vaccineCode: u.vaccine_code,
      vialsOpened: u.vials_opened ?? 0,
      dosesPerVial: u.doses_per_vial,
      dosesUsed: used,
      dosesRecorded: recorded,
      possibleUnrecorded: Math.max(0, used - recorded),
    };
  });
  await recordAudit(trx, audit, {
    action: 'session.close',
    entityType: 'session',
    entityId: session.id,
    after: { lots, visits: resolved },
  });
  return { session: closed, lots, visits: resolved };
}
