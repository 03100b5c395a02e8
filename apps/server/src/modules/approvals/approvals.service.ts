import {
  type ApprovalDecision,
  type IdentityApproval,
  type IdentityApprovalRequestBody,
  type IdentityBlocked,
  provinceByCode,
  SUPERVISOR_ROLES,
  uuidv7,
} from '@tiemchung/core';
import type { IdentityApprovalRow, PersonRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { type Actor, covers, NO_MATCH, scopeFilter, type UnitRef } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { getFacility, listFacilities } from '../facilities/facilities.service.js';
import { notifyUnit } from '../notifications/notifications.service.js';
import {
  canSeePerson,
  getPerson,
  identityBlockReason,
  listIdentityBlocked,
  maskIdNumber,
  overrideIdentity,
  peopleByIds,
} from '../people/people.service.js';
import { getSessionFor, getVisit } from '../sessions/sessions.service.js';
import { getUnit2021 } from '../units/units.service.js';
import * as q from './approvals.queries.js';

/**
 * Identity approvals: the desk asks a supervisor to approve vaccinating a person the national
 * population database does not confirm (41.4 million doses of 2022 failed the check: the common
 * case, not an exception). The supervisor — the district administrator over the site (or over the
 * person's residence), the province's or the nation's — approves, which sets the person's identity
 * override through the people service in the same transaction, or refuses; either way with a
 * reason, audited on the person's record (request: reason and requester; decision: approver and
 * reason), and the site that asked is notified.
 */

/** What the request keeps of the person when it is sent: the details and the registry's answer then. */
interface Snapshot {
  fullName: string;
  dateOfBirth: string;
  gender: 'male' | 'female';
  idType: 'cccd' | 'cmnd' | 'passport' | null;
  idNumber: string | null;
  provinceCode: string;
  districtCode: string | null;
  communeCode: string | null;
  verification: {
    status: PersonRow['verification_status'];
    fields: string[];
    source: string | null;
    checkedAt: string | null;
  };
}

function fieldsOf(p: PersonRow): string[] {
  return Array.isArray(p.verification_fields) ? (p.verification_fields as string[]) : [];
}

function snapshotOf(p: PersonRow): Snapshot {
  return {
    fullName: p.full_name,
    dateOfBirth: p.date_of_birth,
    gender: p.gender,
    idType: p.id_type,
    idNumber: p.id_number,
    provinceCode: p.province_code,
    districtCode: p.district_code,
    communeCode: p.commune_code,
    verification: {
      status: p.verification_status,
      fields: fieldsOf(p),
      source: p.verification_source,
      checkedAt: p.verified_at?.toISOString() ?? null,
    },
  };
}

/** Whether the identity gate stops this person's dose for want of a verified or approved identity. */
function identityBlocks(p: PersonRow): boolean {
  return p.id_type !== 'passport' && p.verification_status !== 'verified' && p.identity_override_at === null;
}

/** The unit that decides a request: the site's, else the person's residence. */
function decidingUnit(row: IdentityApprovalRow): UnitRef {
  return { provinceCode: row.province_code, districtCode: row.district_code, facilityId: row.facility_id };
}

function residenceOf(row: IdentityApprovalRow): UnitRef {
  return {
    provinceCode: row.person_province_code,
    districtCode: row.person_district_code,
    communeCode: row.person_commune_code,
  };
}

function isSupervisor(actor: Actor): boolean {
  return (SUPERVISOR_ROLES as readonly string[]).includes(actor.role);
}

/** A supervisor over the site that asked or over the person's residence. */
function mayDecide(actor: Actor, row: IdentityApprovalRow): boolean {
  return isSupervisor(actor) && (covers(actor.scope, decidingUnit(row)) || covers(actor.scope, residenceOf(row)));
}

/**
 * The desk sends a person (and the visit of a session, when at one) for approval, with its reason.
 * Site staff ask for their facility (any person who walks in); a supervisor asks about a visit of a
 * session in their units, or about a person living there. 409 `approval_not_needed` when the
 * identity does not block a dose, `approval_pending` (with `existingId`) when a request is waiting.
 */
export async function requestApproval(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: IdentityApprovalRequestBody,
  now: Date,
): Promise<IdentityApprovalRow> {
  const person = await getPerson(trx, input.personId);
  let facilityId: string | null = actor.scope.level === 'facility' ? actor.scope.facilityId : null;
  let sessionId: string | null = null;
  if (input.visitId) {
    const visit = await getVisit(trx, input.visitId);
    // The visit must be this person's, at a session the caller works (404 otherwise).
    const session = visit
      ? await getSessionFor(trx, actor, visit.session_id).catch((err: unknown) => {
          if (err instanceof AppError) return undefined;
          throw err;
        })
      : undefined;
    const visitor = visit && person && visit.person_id !== person.id ? await getPerson(trx, visit.person_id) : person;
    if (!visit || !session || !person || visitor?.id !== person.id)
      throw new AppError('not_found', { field: 'visitId' });
    facilityId = session.facility_id;
    sessionId = session.id;
  }
  // At a visit of their session the caller serves whoever walks in; otherwise the person must be within reach.
  if (!person || (!sessionId && !canSeePerson(actor, person))) throw new AppError('not_found', { field: 'personId' });
  if (!identityBlocks(person)) throw new AppError('approval_not_needed', { field: 'personId' });
  const facility = facilityId ? await getFacility(trx, facilityId) : undefined;
  if (facilityId && !facility) throw new AppError('unknown_facility', { field: 'facilityId' });
  const id = uuidv7(now.getTime());
  const row = await q.insertUnlessPending(trx, {
    id,
    person_id: person.id,
    visit_id: input.visitId ?? null,
    session_id: sessionId,
    facility_id: facility?.id ?? null,
    province_code: facility?.province_code ?? person.province_code,
    district_code: facility ? facility.district_code : person.district_code,
    person_province_code: person.province_code,
    person_district_code: person.district_code,
    person_commune_code: person.commune_code,
    reason: input.reason,
    snapshot: JSON.stringify(snapshotOf(person)),
    requested_by: actor.username,
    requested_by_name: actor.displayName,
    requested_at: now,
  });
  if (!row) {
    const pending = await q.findPendingOf(trx, person.id);
    throw new AppError('approval_pending', { field: 'personId', extra: pending ? { existingId: pending.id } : {} });
  }
  await recordAudit(trx, audit, {
    action: 'identity_approval.request',
    entityType: 'person',
    entityId: person.id,
    before: { status: person.verification_status, fields: fieldsOf(person) },
    after: {
      approvalId: row.id,
      requestedBy: actor.username,
      visitId: row.visit_id,
      sessionId: row.session_id,
      facilityId: row.facility_id,
    },
    reason: input.reason,
  });
  await notifyUnit(trx, {
    kind: 'identity_approval_requested',
    provinceCode: row.province_code,
    districtCode: row.district_code,
    facilityId: null,
    title: facility
      ? `Đề nghị phê duyệt định danh từ ${facility.name}`
      : `Đề nghị phê duyệt định danh (${actor.displayName})`,
    body: { approvalId: row.id, personId: person.id, facilityId: row.facility_id, requestedBy: actor.username },
  });
  return row;
}

/**
 * A supervisor approves or refuses a pending request, with a reason. 404 unknown, and the same
 * 404 outside the supervisor's units (the site's and the person's residence); 403
 * `approval_own_request` for the one who asked; 409 `approval_already_decided` once decided (the
 * row is locked: of two decisions at once, the second finds the first); 409 `approval_outdated`
 * when approving details corrected since the request. Approving sets the person's identity
 * override (people service) in the caller's transaction; the site that asked is notified.
 */
export async function decideApproval(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  id: string,
  input: { decision: ApprovalDecision; reason: string },
  now: Date,
): Promise<IdentityApprovalRow> {
  if (!isSupervisor(actor)) throw new AppError('forbidden');
  const row = await q.findForUpdate(trx, id);
  // Outside the supervisor's units the request answers exactly as an unknown one (no existence test).
  if (!row || !mayDecide(actor, row)) throw new AppError('not_found');
  if (row.status !== 'pending') throw new AppError('approval_already_decided');
  if (row.requested_by === actor.username) throw new AppError('approval_own_request');
  const person = await getPerson(trx, row.person_id);
  if (!person) throw new AppError('not_found');
  if (input.decision === 'approve') {
    if (changedSince(row, person)) throw new AppError('approval_outdated');
    await overrideIdentity(trx, actor, audit, person.id, input.reason, now, {
      id: row.id,
      requestedBy: row.requested_by,
      requestReason: row.reason,
      unit: decidingUnit(row),
    });
  }
  const decided = await q.recordDecision(trx, row.id, {
    status: input.decision === 'approve' ? 'approved' : 'refused',
    by: actor.username,
    byName: actor.displayName,
    reason: input.reason,
    at: now,
  });
  await recordAudit(trx, audit, {
    action: input.decision === 'approve' ? 'identity_approval.approve' : 'identity_approval.refuse',
    entityType: 'person',
    entityId: person.id,
    after: {
      approvalId: row.id,
      requestedBy: row.requested_by,
      requestReason: row.reason,
      decidedBy: actor.username,
      visitId: row.visit_id,
    },
    reason: input.reason,
  });
  // The site (or the unit) that asked: its desk sees the answer on the visit.
  const requester = row.facility_id ? await getFacility(trx, row.facility_id) : undefined;
  await notifyUnit(trx, {
    kind: 'identity_approval_decided',
    provinceCode: requester?.province_code ?? row.province_code,
    districtCode: requester ? requester.district_code : row.district_code,
    facilityId: row.facility_id,
    title:
      input.decision === 'approve'
        ? 'Cấp trên đã phê duyệt định danh: điểm tiêm có thể ghi nhận mũi tiêm'
        : `Cấp trên từ chối phê duyệt định danh: ${input.reason}`,
    body: {
      approvalId: row.id,
      personId: person.id,
      visitId: row.visit_id,
      decision: input.decision,
      reason: input.reason,
      decidedBy: actor.username,
    },
  });
  return decided;
}

/** Have the person's identity details been corrected since the request was sent? */
function changedSince(row: IdentityApprovalRow, person: PersonRow): boolean {
  const asked = row.snapshot as Snapshot;
  return (
    asked.fullName !== person.full_name ||
    asked.dateOfBirth !== person.date_of_birth ||
    asked.gender !== person.gender ||
    asked.idNumber !== person.id_number
  );
}

/**
 * A supervisor's own override (`POST /api/people/{id}/identity-override`), without a request. It
 * may not go around the two-person rule of a request: refused while one waits (409
 * `approval_pending`, with `existingId`: someone other than the one who asked decides it), and after
 * one was refused for the details as they are (409 `approval_refused`: the details are corrected,
 * or a new request is decided by another supervisor). Out of the caller's reach: 404, first.
 */
export async function overrideWithoutRequest(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  personId: string,
  reason: string,
  now: Date,
): Promise<PersonRow> {
  const person = await getPerson(trx, personId);
  if (!person || !canSeePerson(actor, person)) throw new AppError('not_found');
  const pending = await q.findPendingOf(trx, person.id);
  if (pending) throw new AppError('approval_pending', { extra: { existingId: pending.id } });
  const last = await q.latestDecidedOf(trx, person.id);
  if (last?.status === 'refused' && !changedSince(last, person)) throw new AppError('approval_refused');
  return overrideIdentity(trx, actor, audit, person.id, reason, now);
}

/**
 * The requests the caller may see: a site its own; a supervisor those of the sites in their units
 * and those about people living there.
 */
export async function listApprovals(
  db: Executor,
  actor: Actor,
  query: {
    status?: IdentityApproval['status'] | undefined;
    personId?: string | undefined;
    visitId?: string | undefined;
    limit: number;
  },
): Promise<IdentityApprovalRow[]> {
  if (actor.scope.level === 'facility' || !isSupervisor(actor)) {
    return q.listRequests(db, { ...query, facilityId: actor.scope.facilityId ?? NO_MATCH });
  }
  const site = scopeFilter(actor.scope, { commune: 'district' });
  const home = scopeFilter(actor.scope, {
    commune: 'district',
    columns: { province: 'person_province_code', district: 'person_district_code' },
  });
  return q.listRequests(db, { ...query, anyOf: site && home ? [site, home] : undefined });
}

/** Requests as the API answers them: the person's details then and now, the site's name, whether the caller may decide. */
export async function presentApprovals(
  db: Executor,
  actor: Actor,
  rows: readonly IdentityApprovalRow[],
): Promise<IdentityApproval[]> {
  const people = await peopleByIds(
    db,
    rows.map((r) => r.person_id),
  );
  const facilityIds = [...new Set(rows.flatMap((r) => (r.facility_id ? [r.facility_id] : [])))];
  const facilities = facilityIds.length
    ? new Map((await listFacilities(db, { ids: facilityIds })).map((f) => [f.id, f.name]))
    : new Map<string, string>();
  return rows.map((r) => {
    const asked = r.snapshot as Snapshot;
    const p = people.get(r.person_id);
    const current = p ? snapshotOf(p) : asked;
    return {
      id: r.id,
      status: r.status,
      personId: r.person_id,
      visitId: r.visit_id,
      sessionId: r.session_id,
      facilityId: r.facility_id,
      facilityName: r.facility_id ? (facilities.get(r.facility_id) ?? r.facility_id) : null,
      provinceCode: r.province_code,
      districtCode: r.district_code,
      reason: r.reason,
      requestedBy: r.requested_by,
      requestedByName: r.requested_by_name,
      requestedAt: r.requested_at.toISOString(),
      decidedBy: r.decided_by,
      decidedByName: r.decided_by_name,
      decidedAt: r.decided_at?.toISOString() ?? null,
      decisionReason: r.decision_reason,
      requested: personPart(asked),
      registry: asked.verification,
      person: {
        ...personPart(current),
        verification: current.verification,
        override:
          p?.identity_override_by && p.identity_override_reason && p.identity_override_at
            ? {
                by: p.identity_override_by,
                reason: p.identity_override_reason,
                at: p.identity_override_at.toISOString(),
              }
            : null,
      },
      canDecide: r.status === 'pending' && r.requested_by !== actor.username && mayDecide(actor, r),
    };
  });
}

function personPart(s: Snapshot) {
  return {
    fullName: s.fullName,
    dateOfBirth: s.dateOfBirth,
    gender: s.gender,
    idType: s.idType,
    idNumber: s.idNumber,
    provinceCode: s.provinceCode,
    districtCode: s.districtCode,
    communeCode: s.communeCode,
  };
}

/**
 * Per unit, the records whose identity still blocks a vaccine passport (neither verified nor
 * approved), with why and the latest request about each — so that a unit can correct them (the
 * details, a new check with the registry) or send them for approval.
 */
export async function identityBlocked(
  db: Executor,
  actor: Actor,
  query: { unitCode?: string | undefined; limit: number },
): Promise<IdentityBlocked> {
  const { items, total, byUnit } = await listIdentityBlocked(db, actor, query);
  const latest = await q.latestOf(
    db,
    items.map((p) => p.id),
  );
  const names = new Map<string, string>();
  for (const u of byUnit) {
    if (!u.code || names.has(u.code)) continue;
    const name = u.code.length === 2 ? provinceByCode(u.code)?.name : (await getUnit2021(db, u.code))?.name;
    if (name) names.set(u.code, name);
  }
  return {
    units: byUnit.map((u) => ({ code: u.code, name: u.code ? (names.get(u.code) ?? null) : null, count: u.count })),
    total,
    items: items.map((p) => {
      const a = latest.get(p.id);
      return {
        personId: p.id,
        fullName: p.full_name,
        dateOfBirth: p.date_of_birth,
        gender: p.gender,
        idType: p.id_type,
        idNumberMasked: p.id_number ? maskIdNumber(p.id_number) : null,
        provinceCode: p.province_code,
        districtCode: p.district_code,
        communeCode: p.commune_code,
        why: identityBlockReason(p) ?? 'pending',
        verification: {
          status: p.verification_status,
          fields: fieldsOf(p),
          source: p.verification_source,
          checkedAt: p.verified_at?.toISOString() ?? null,
          recheck: p.recheck_after !== null,
        },
        approval: a
          ? {
              id: a.id,
              status: a.status,
              reason: a.reason,
              requestedAt: a.requested_at.toISOString(),
              decisionReason: a.decision_reason,
              decidedBy: a.decided_by,
              decidedAt: a.decided_at?.toISOString() ?? null,
            }
          : null,
        createdAt: p.created_at.toISOString(),
      };
    }),
  };
}
