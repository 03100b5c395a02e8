import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import {
  type DoseKind,
  isOverdue,
  projectedMisses,
  REJECTION_REASON_LABELS,
  type ResolutionBody,
  rejectionReasonOf,
  type UpdatePersonBody,
  urgency,
  uuidv7,
} from '@tiemchung/core';
import { sql } from 'kysely';
import type { ReportRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { type Actor, covers, NO_MATCH, provinceOfNewRecord, whereInScope } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { getCertificate } from '../certificates/certificates.service.js';
import type { SigningKeys } from '../certificates/keys.service.js';
import { correctDose, doseDatesOf, getDose, recordDose } from '../doses/doses.service.js';
import { getFacility } from '../facilities/facilities.service.js';
import {
  applyPersonUpdate,
  canChangePerson,
  createPerson,
  findPersonByIdNumber,
  getPerson,
  type NewPersonPlan,
  type PeopleDeps,
  type PersonUpdatePlan,
  planNewPerson,
  planPersonUpdate,
} from '../people/people.service.js';
import type { PopulationRegistry } from '../registry/registry.types.js';
import { queueSms, type SmsProvider } from '../sms/sms.service.js';
import { markReportsForStats } from '../stats/stats.marks.js';
import { getUnit2021 } from '../units/units.service.js';
import { overdueFilter, resolvedOnTimeFilter } from './reports.overdue.js';

export interface HandlingDeps {
  readonly clock: () => Date;
  readonly sms: SmsProvider;
  readonly smsAscii: boolean;
  readonly registry: PopulationRegistry;
  readonly keys: SigningKeys;
  readonly evidenceDir: string;
}

function reportRef(r: Pick<ReportRow, 'province_code' | 'district_code' | 'commune_code' | 'facility_id'>) {
  return {
    provinceCode: r.province_code,
    districtCode: r.district_code,
    communeCode: r.commune_code,
    facilityId: r.facility_id,
  };
}

/** A report the actor may see and work: inside the actor's units (else 404, nothing leaks). */
export async function reportFor(db: Executor, actor: Actor, id: string): Promise<ReportRow> {
  const r = await db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || !covers(actor.scope, reportRef(r))) throw new AppError('not_found');
  return r;
}

/** Never return a raw row. */
export function presentReport(r: ReportRow, now: Date) {
  return {
    id: r.id,
    trackingCode: r.tracking_code,
    category: r.category,
    status: r.status,
    fullName: r.full_name,
    dateOfBirth: r.date_of_birth,
    gender: r.gender,
    phone: r.phone,
    idNumber: r.id_number,
    description: r.description,
    dose:
      r.dose_date || r.dose_vaccine_code || r.dose_facility_id
        ? { administeredOn: r.dose_date, vaccineCode: r.dose_vaccine_code, facilityId: r.dose_facility_id }
        : null,
    personId: r.person_id,
    assignedUnit: { level: r.assigned_level, code: r.assigned_code },
    provinceCode: r.province_code,
    districtCode: r.district_code,
    facilityId: r.facility_id,
    handler: r.handler,
    receivedAt: r.received_at.toISOString(),
    dueAt: r.due_at.toISOString(),
    overdue: isOverdue({ dueAt: r.due_at, resolvedAt: r.resolved_at }, now),
    urgency: r.resolved_at ? null : urgency(r.due_at, now),
    escalatedAt: r.escalated_at?.toISOString() ?? null,
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    resolvedBy: r.resolved_by,
    outcome: r.outcome,
    outcomeReason: r.outcome_reason,
    outcomeNote: r.outcome_note,
    hasEvidence: r.evidence_path !== null,
  };
}

export interface ReportFilter {
  readonly status?: ReportRow['status'];
  readonly overdue?: boolean;
  readonly category?: ReportRow['category'];
  /** `all` (default): every report in the actor's units; `queue`: the ones assigned to the actor's own unit, plus overdue ones below it. */
  readonly view?: 'all' | 'queue';
  readonly trackingCode?: string;
  readonly receivedFrom?: Date;
  readonly receivedTo?: Date;
  readonly limit?: number;
}

/** The report queue of the actor's units, sorted by time left (the most urgent first). */
export function listReports(db: Executor, actor: Actor, f: ReportFilter, now: Date) {
  let q = whereInScope(db.selectFrom('reports').selectAll(), actor.scope);
  const s = actor.scope;
  if (f.view === 'queue' && s.level !== 'nation') {
    const own = s.level === 'facility' ? s.facilityId : s.unitCode;
    q = q.where((eb) =>
      eb.or([
        eb.and([
          eb('assigned_level', '=', s.level as ReportRow['assigned_level']),
          eb('assigned_code', '=', own ?? NO_MATCH),
        ]),
        overdueFilter(now),
      ]),
    );
  }
  if (f.status) q = q.where('status', '=', f.status);
  if (f.overdue) q = q.where(overdueFilter(now));
  if (f.category) q = q.where('category', '=', f.category);
  if (f.trackingCode) q = q.where('tracking_code', '=', f.trackingCode.toUpperCase());
  if (f.receivedFrom) q = q.where('received_at', '>=', f.receivedFrom);
  if (f.receivedTo) q = q.where('received_at', '<', f.receivedTo);
  return q
    .orderBy('due_at')
    .orderBy('id')
    .limit(f.limit ?? 200)
    .execute();
}

async function logAction(
  trx: Executor,
  report: ReportRow,
  actor: Actor,
  action: string,
  entity: { type?: string; id?: string; detail?: unknown } = {},
) {
  await trx
    .insertInto('report_actions')
    .values({
      report_id: report.id,
      action,
      entity_type: entity.type ?? null,
      entity_id: entity.id ?? null,
      detail: entity.detail === undefined ? null : JSON.stringify(entity.detail),
      actor: actor.username,
    })
    .execute();
}

async function markInProgress(trx: Executor, report: ReportRow, actor: Actor) {
  if (report.status === 'received') {
    await trx
      .updateTable('reports')
      .set({ status: 'in_progress', handler: report.handler ?? actor.username })
      .where('id', '=', report.id)
      .execute();
  }
}

function open(report: ReportRow) {
  if (report.status === 'resolved') {
    throw new AppError('report_resolved');
  }
}

/** A handler takes the report: in progress, with their name on it. */
export async function claimReport(trx: Trx, actor: Actor, audit: AuditContext, id: string) {
  const r = await reportFor(trx, actor, id);
  open(r);
  const updated = await trx
    .updateTable('reports')
    .set({ status: 'in_progress', handler: actor.username })
    .where('id', '=', r.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await logAction(trx, r, actor, 'claim');
  await recordAudit(trx, audit, { action: 'report.claim', entityType: 'report', entityId: r.id });
  return updated;
}

/** Sends the report to another unit's queue, with a reason (the clock keeps running). */
export async function reassignReport(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  id: string,
  to: { facilityId?: string; unitCode?: string; reason: string },
) {
  let target: Pick<
    ReportRow,
    'assigned_level' | 'assigned_code' | 'province_code' | 'district_code' | 'commune_code' | 'facility_id'
  >;
  if (to.facilityId) {
    const f = await getFacility(trx, to.facilityId);
    if (!f) throw new AppError('unknown_facility', { field: 'facilityId' });
    target = {
      assigned_level: 'facility',
      assigned_code: f.id,
      province_code: f.province_code,
      district_code: f.district_code,
      commune_code: f.commune_code,
      facility_id: f.id,
    };
  } else if (to.unitCode) {
    const u = await getUnit2021(trx, to.unitCode);
    if (!u) throw new AppError('unknown_unit', { field: 'unitCode' });
    target = {
      assigned_level: u.level,
      assigned_code: u.code,
      province_code: u.province_code,
      district_code: u.level === 'province' ? null : u.level === 'district' ? u.code : u.district_code,
      commune_code: u.level === 'commune' ? u.code : null,
      facility_id: null,
    };
  } else {
    throw new AppError('validation_failed', { field: 'unitCode' });
  }
  const r = await reportFor(trx, actor, id);
  open(r);
  const updated = await trx
    .updateTable('reports')
    .set({ ...target, escalated_at: null })
    .where('id', '=', r.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await markReportsForStats(trx, [r.id]);
  await logAction(trx, r, actor, 'reassign', {
    detail: {
      from: `${r.assigned_level}:${r.assigned_code}`,
      to: `${target.assigned_level}:${target.assigned_code}`,
      reason: to.reason,
    },
  });
  await recordAudit(trx, audit, {
    action: 'report.reassign',
    entityType: 'report',
    entityId: r.id,
    before: { assigned: `${r.assigned_level}:${r.assigned_code}` },
    after: { assigned: `${target.assigned_level}:${target.assigned_code}` },
    reason: to.reason,
  });
  return updated;
}

function peopleDeps(deps: HandlingDeps): PeopleDeps {
  return { registry: deps.registry, clock: deps.clock };
}

/**
 * How a report will be linked to its person, decided before the route opens its transaction: an
 * existing record, or one to register from the details in the report (verified against the
 * population registry like any registration — a network call, never inside the transaction).
 */
export interface LinkPlan {
  readonly reportId: string;
  readonly personId?: string;
  readonly newPerson?: NewPersonPlan;
}

export async function planLinkPerson(
  db: Executor,
  deps: HandlingDeps,
  actor: Actor,
  id: string,
  input: { personId?: string; create?: boolean; provinceCode?: string },
): Promise<LinkPlan> {
  const r = await reportFor(db, actor, id);
  open(r);
  if (input.personId || !input.create) return { reportId: r.id, personId: input.personId };
  const existing = r.id_number ? await findPersonByIdNumber(db, r.id_number) : undefined;
  if (existing) return { reportId: r.id, personId: existing.id };
  const newPerson = await planNewPerson(db, peopleDeps(deps), actor, {
    fullName: r.full_name,
    dateOfBirth: r.date_of_birth,
    gender: r.gender,
    idNumber: r.id_number ?? '',
    phone: r.phone,
    provinceCode: input.provinceCode ?? r.province_code,
  });
  return { reportId: r.id, newPerson };
}

/**
 * Links the report to the person it is about (registering the person first when so planned): the
 * new record, the link and the report's action commit together, or none does.
 */
export async function linkPerson(trx: Trx, actor: Actor, audit: AuditContext, plan: LinkPlan) {
  const r = await reportFor(trx, actor, plan.reportId);
  open(r);
  const person = plan.newPerson
    ? await createPerson(trx, audit, plan.newPerson)
    : plan.personId
      ? await getPerson(trx, plan.personId)
      : undefined;
  // The report is in the handler's units; the record it is linked to (and then corrected) must be too.
  if (!person || !canChangePerson(actor, person)) throw new AppError('not_found', { field: 'personId' });
  await trx.updateTable('reports').set({ person_id: person.id }).where('id', '=', r.id).execute();
  await markInProgress(trx, r, actor);
  await logAction(trx, r, actor, 'link_person', { type: 'person', id: person.id });
  await recordAudit(trx, audit, {
    action: 'report.link_person',
    entityType: 'report',
    entityId: r.id,
    after: { personId: person.id },
  });
  return person;
}

/** Adds the missing dose the report is about — through the dose rules, once (idempotent per report). */
export async function addDoseForReport(
  trx: Trx,
  deps: HandlingDeps,
  actor: Actor,
  audit: AuditContext,
  id: string,
  input: {
    vaccineCode: string;
    lotNumber: string;
    administeredOn: string;
    facilityId: string;
    doseKind?: DoseKind;
    override?: { reason: string };
  },
) {
  const r = await reportFor(trx, actor, id);
  open(r);
  if (!r.person_id) {
    throw new AppError('report_without_person');
  }
  // The dose and the report's action commit together (the route's transaction), or neither does.
  const { dose, created } = await recordDose(
    trx,
    actor,
    audit,
    {
      ...input,
      personId: r.person_id,
      // One dose per report and date: a retry or a double click adds it once.
      idempotencyKey: `report:${r.id}:dose:${input.administeredOn}`,
      source: 'report_resolution',
    },
    deps.clock(),
  );
  await markInProgress(trx, r, actor);
  if (created)
    await logAction(trx, r, actor, 'add_dose', {
      type: 'dose',
      id: dose.id,
      detail: { reportTrackingCode: r.tracking_code },
    });
  return { dose, created };
}

/** Fixes a dose named by the report, through the dose rules; audited with the report as reason. */
export async function correctDoseForReport(
  trx: Trx,
  deps: HandlingDeps,
  actor: Actor,
  audit: AuditContext,
  id: string,
  input: {
    doseId: string;
    vaccineCode?: string;
    lotNumber?: string;
    administeredOn?: string;
    facilityId?: string;
    override?: { reason: string };
  },
) {
  const r = await reportFor(trx, actor, id);
  open(r);
  const dose = await getDose(trx, input.doseId);
  if (!dose || dose.person_id !== r.person_id) throw new AppError('not_found', { field: 'doseId' });
  // The correction and the report's action commit together (the route's transaction), or neither does.
  const fixed = await correctDose(trx, actor, audit, { ...input, reason: `Phản ánh ${r.tracking_code}` }, deps.clock());
  await markInProgress(trx, r, actor);
  await logAction(trx, r, actor, 'correct_dose', { type: 'dose', id: fixed.id });
  return fixed;
}

/** A correction of the report's person, checked (and the registry asked) before the route's transaction. */
export interface ReportPersonCorrection {
  readonly reportId: string;
  readonly person: PersonUpdatePlan;
}

/**
 * The checks of a correction of the report's person and, when name, birth date, sex or ID change,
 * the registry's answer — asked before the route opens its transaction (a network call).
 */
export async function planPersonCorrection(
  db: Executor,
  deps: HandlingDeps,
  actor: Actor,
  id: string,
  patch: UpdatePersonBody,
): Promise<ReportPersonCorrection> {
  const r = await reportFor(db, actor, id);
  open(r);
  if (!r.person_id) throw new AppError('report_without_person');
  const person = await planPersonUpdate(db, peopleDeps(deps), actor, r.person_id, {
    ...patch,
    reason: patch.reason ?? `Phản ánh ${r.tracking_code}`,
  });
  return { reportId: r.id, person };
}

/** Fixes the person's details: the correction and the report's action commit together, or neither does. */
export async function correctPersonForReport(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  plan: ReportPersonCorrection,
) {
  const r = await reportFor(trx, actor, plan.reportId);
  open(r);
  // Linked to another record since the correction was planned: the plan is about someone else.
  if (r.person_id !== plan.person.current.id) throw new AppError('report_person_changed');
  const person = await applyPersonUpdate(trx, audit, plan.person, doseDatesOf);
  await markInProgress(trx, r, actor);
  await logAction(trx, r, actor, 'correct_person', { type: 'person', id: person.id });
  return person;
}

/**
 * The open report, with a person, that a merge for it starts from (the merge itself runs above
 * people and reports, in modules/merge).
 */
export async function reportForMerge(
  db: Executor,
  actor: Actor,
  id: string,
): Promise<ReportRow & { person_id: string }> {
  const r = await reportFor(db, actor, id);
  open(r);
  if (!r.person_id) throw new AppError('report_without_person');
  return { ...r, person_id: r.person_id };
}

/** After a merge for the report: the report is in progress and its log names the merged record. */
export async function noteMergeOnReport(
  trx: Trx,
  r: ReportRow,
  actor: Actor,
  duplicateId: string,
  moved: Record<string, number>,
): Promise<void> {
  await markInProgress(trx, r, actor);
  await logAction(trx, r, actor, 'merge', { type: 'person', id: duplicateId, detail: moved });
}

/**
 * Moves a person's reports to another (a merge): they follow the survivor, so the citizen's
 * reports are kept and stay answered.
 */
export async function moveReports(trx: Trx, fromId: string, toId: string): Promise<number> {
  const r = await trx
    .updateTable('reports')
    .set({ person_id: toId })
    .where('person_id', '=', fromId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

const OUTCOME_SMS: Record<string, string> = {
  corrected: 'Thong tin tiem chung cua ban da duoc cap nhat theo phan anh',
  rejected: 'Phan anh cua ban chua duoc chap nhan',
  duplicate: 'Phan anh cua ban trung voi mot phan anh da gui truoc',
};

/**
 * Closes a report with an outcome (never silently: a note is required; a rejection names one of
 * the stated reasons). A corrected report reissues the person's certificate; the citizen gets an
 * SMS with the outcome. Audited.
 */
export async function resolveReport(
  trx: Trx,
  deps: HandlingDeps,
  actor: Actor,
  audit: AuditContext,
  id: string,
  body: ResolutionBody,
) {
  const now = deps.clock();
  const r = await reportFor(trx, actor, id);
  open(r);
  let duplicateOf: string | null = null;
  if (body.outcome === 'duplicate' && body.duplicateOf) {
    const other = await trx
      .selectFrom('reports')
      .select(['id', 'province_code', 'district_code', 'commune_code', 'facility_id'])
      .where('tracking_code', '=', body.duplicateOf.toUpperCase())
      .executeTakeFirst();
    // A report outside the actor's units answers exactly as an unknown code (no existence test).
    if (!other || other.id === r.id || !covers(actor.scope, reportRef(other))) {
      throw new AppError('not_found', { field: 'duplicateOf' });
    }
    duplicateOf = other.id;
  }
  const reason = rejectionReasonOf(body);
  const locked = await trx
    .selectFrom('reports')
    .selectAll()
    .where('id', '=', r.id)
    .forUpdate()
    .executeTakeFirstOrThrow();
  open(locked);
  const updated = await trx
    .updateTable('reports')
    .set({
      status: 'resolved',
      outcome: body.outcome,
      outcome_reason: reason,
      outcome_note: body.note,
      duplicate_of: duplicateOf,
      resolved_at: now,
      resolved_by: actor.username,
      handler: locked.handler ?? actor.username,
    })
    .where('id', '=', r.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await markReportsForStats(trx, [r.id]);
  await logAction(trx, r, actor, 'resolve', { detail: { outcome: body.outcome, reason } });
  const reasonText = reason ? `: ${REJECTION_REASON_LABELS[reason].vi}` : '';
  await queueSms(
    trx,
    deps.sms,
    {
      to: r.phone,
      kind: 'report_resolved',
      text: `Tiem chung COVID-19: ${OUTCOME_SMS[body.outcome]} ${r.tracking_code}${reasonText}. ${body.note}`.slice(
        0,
        480,
      ),
    },
    { ascii: deps.smsAscii },
  );
  await recordAudit(trx, audit, {
    action: 'report.resolve',
    entityType: 'report',
    entityId: r.id,
    before: { status: locked.status },
    after: { status: 'resolved', outcome: body.outcome, reason },
    reason: body.note,
  });
  if (body.outcome === 'corrected' && r.person_id) {
    // The corrected data prints on a new certificate (the old one is superseded), in the same
    // transaction: a resolution never commits without its reissue.
    await getCertificate(trx, { keys: deps.keys, clock: deps.clock }, audit, r.person_id);
  }
  return updated;
}

/** What the handler sees side by side: the report, the actions taken, and where the evidence is. */
export function reportActions(db: Executor, reportId: string) {
  return db
    .selectFrom('report_actions')
    .selectAll()
    .where('report_id', '=', reportId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

/** The evidence photo of a report (staff in scope only). */
export async function evidenceOf(db: Executor, actor: Actor, deps: { evidenceDir: string }, id: string) {
  const r = await reportFor(db, actor, id);
  if (!r.evidence_path || !r.evidence_type) throw new AppError('not_found');
  const file = path.resolve(deps.evidenceDir, r.evidence_path);
  if (!file.startsWith(path.resolve(deps.evidenceDir) + path.sep) || !existsSync(file)) throw new AppError('not_found');
  return {
    stream: createReadStream(file),
    type: r.evidence_type,
    size: r.evidence_size,
    trackingCode: r.tracking_code,
  };
}

// ---------------------------------------------------------------------------------------------
// Campaigns: a receipt window and a deadline; progress per unit.

export async function createCampaign(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: { name: string; receiveFrom: Date; receiveTo: Date; deadline: Date; provinceCode?: string },
) {
  if (actor.scope.level !== 'nation' && actor.scope.level !== 'province') throw new AppError('forbidden');
  const provinceCode = provinceOfNewRecord(actor, input.provinceCode);
  if (!(input.receiveFrom < input.receiveTo && input.receiveTo <= input.deadline)) {
    throw new AppError('campaign_dates_out_of_order', { field: 'deadline' });
  }
  const c = await trx
    .insertInto('campaigns')
    .values({
      id: uuidv7(),
      name: input.name,
      province_code: provinceCode,
      receive_from: input.receiveFrom,
      receive_to: input.receiveTo,
      deadline: input.deadline,
      created_by: actor.username,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'campaign.create',
    entityType: 'campaign',
    entityId: c.id,
    after: { name: c.name, provinceCode },
  });
  return c;
}

export function listCampaigns(db: Executor, actor: Actor) {
  let q = db.selectFrom('campaigns').selectAll();
  if (actor.scope.level !== 'nation')
    q = q.where((eb) =>
      eb.or([eb('province_code', 'is', null), eb('province_code', '=', actor.scope.provinceCode ?? NO_MATCH)]),
    );
  return q.orderBy('receive_from', 'desc').limit(100).execute();
}

/**
 * Progress of a campaign per unit (province, or district within one): received, resolved, open,
 * overdue, on-time rate, and how many will miss the deadline at the current pace — computed by
 * one grouped query over the reports received in the window, so figures equal a direct count.
 */
export async function campaignProgress(db: Executor, actor: Actor, campaignId: string, now: Date) {
  const c = await db.selectFrom('campaigns').selectAll().where('id', '=', campaignId).executeTakeFirst();
  if (!c || (actor.scope.level !== 'nation' && c.province_code && c.province_code !== actor.scope.provinceCode))
    throw new AppError('not_found');
  const byDistrict = actor.scope.level !== 'nation' || c.province_code !== null;
  const unit = byDistrict ? sql<string>`coalesce(district_code, province_code)` : sql<string>`province_code`;
  let q = db
    .selectFrom('reports')
    .select([
      unit.as('unit'),
      (eb) => eb.fn.countAll<number>().as('received'),
      sql<number>`count(*) filter (where status = 'resolved')`.as('resolved'),
      sql<number>`count(*) filter (where status <> 'resolved')`.as('open'),
      sql<number>`count(*) filter (where ${overdueFilter(now)})`.as('overdue'),
      sql<number>`count(*) filter (where ${resolvedOnTimeFilter()})`.as('on_time'),
    ])
    .where('received_at', '>=', c.receive_from)
    .where('received_at', '<', c.receive_to)
    .groupBy(unit);
  const s = actor.scope;
  const province = c.province_code ?? (s.level === 'nation' ? null : s.provinceCode);
  if (province) q = q.where('province_code', '=', province);
  if (s.level === 'district') q = q.where('district_code', '=', s.districtCode ?? NO_MATCH);
  const rows = await q.orderBy('unit').execute();
  const units = rows.map((r) => {
    const received = Number(r.received);
    const resolved = Number(r.resolved);
    const openCount = Number(r.open);
    return {
      unit: r.unit,
      received,
      resolved,
      open: openCount,
      overdue: Number(r.overdue),
      onTimeRate: resolved ? Number(r.on_time) / resolved : null,
      willMissDeadline: projectedMisses({
        open: openCount,
        resolved,
        windowStart: c.receive_from,
        now,
        deadline: c.deadline,
      }),
    };
  });
  const total = units.reduce(
    (a, u) => ({
      received: a.received + u.received,
      resolved: a.resolved + u.resolved,
      open: a.open + u.open,
      overdue: a.overdue + u.overdue,
      willMissDeadline: a.willMissDeadline + u.willMissDeadline,
    }),
    { received: 0, resolved: 0, open: 0, overdue: 0, willMissDeadline: 0 },
  );
  return {
    campaign: {
      id: c.id,
      name: c.name,
      provinceCode: c.province_code,
      receiveFrom: c.receive_from.toISOString(),
      receiveTo: c.receive_to.toISOString(),
      deadline: c.deadline.toISOString(),
    },
    total,
    units,
  };
}
