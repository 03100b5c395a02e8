import {
  PASSPORT_RENEW_BEFORE_DAYS,
  PASSPORT_STATE_LABELS,
  type PassportBlocker,
  type PassportList,
  type PassportListQuery,
  type PassportSignResult,
  type PassportState,
  type PersonPassport,
  passportState,
} from '@tiemchung/core';
import { sql } from 'kysely';
import type { PassportRequestRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { type Actor, NO_MATCH } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { peopleNamedSince } from '../audit/audit.read.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { canChangePerson, getPeopleByIds, lockPerson, maskIdNumber } from '../people/people.service.js';
import {
  type CertificateDeps,
  currentCertificate,
  issueCertificate,
  issuedPassport,
  passportBlockersNow,
  refreshPassportOf,
} from './certificates.service.js';

/**
 * The international vaccine passport's workflow (SPEC: Vaccine passport): a site confirms a record
 * (`confirmPassports`: its identity verified against the population database, its primary series
 * complete, nothing else blocking), the ministry signs the confirmed ones in batches
 * (`signPassports`), and the refresh job (`refreshPassports`) makes each passport again before it
 * expires and after any change to its record, following the audit log. Every step runs in the
 * caller's transaction.
 */

/**
 * Where one record stands (`GET /api/people/{id}/passport`); the caller has read the record. An
 * out-of-date passport is brought up to date first, in the caller's transaction — made again, or
 * withdrawn when something now blocks it — so the answer is the state after it, never a
 * withdrawn passport shown as issued.
 */
export async function personPassport(
  db: Trx,
  deps: CertificateDeps,
  audit: AuditContext,
  personId: string,
): Promise<PersonPassport> {
  const now = deps.clock();
  const found = await passportBlockersNow(db, personId);
  if (!found) throw new AppError('not_found');
  // The refresh reads the same record and changes only the passport (and its request's state):
  // the blockers read above still hold.
  await refreshPassportOf(db, deps, audit, found.person.id, now);
  const [request, passport] = await Promise.all([
    db.selectFrom('passport_requests').selectAll().where('person_id', '=', found.person.id).executeTakeFirst(),
    currentCertificate(db, found.person.id, 'passport'),
  ]);
  const valid = passport && passport.expires_at > now ? passport : undefined;
  const state = passportState({
    blockers: found.blockers,
    confirmed: request?.state === 'confirmed',
    issued: valid !== undefined,
  });
  return {
    personId: found.person.id,
    state,
    stateText: PASSPORT_STATE_LABELS[state],
    blockers: found.blockers,
    requested: request !== undefined,
    confirmedAt: request?.confirmed_at?.toISOString() ?? null,
    confirmedBy: request?.confirmed_by ?? null,
    signedAt: request?.signed_at?.toISOString() ?? null,
    passport: valid ? issuedPassport(valid) : null,
  };
}

/**
 * A site (or a supervisor) confirms records for a passport: each must be the caller's to change
 * (403 `out_of_scope` otherwise, nothing written); a record with a blocker is kept as `blocked`
 * with the blockers, for its unit's list, and one already issued stays issued. Audited per record.
 */
export async function confirmPassports(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  personIds: readonly string[],
  now: Date,
): Promise<{ personId: string; state: PassportState; blockers: PassportBlocker[] }[]> {
  const out: { personId: string; state: PassportState; blockers: PassportBlocker[] }[] = [];
  for (const id of [...new Set(personIds)].sort()) {
    // The record's request first, then the person: the order the ministry's signature locks them in.
    await trx.selectFrom('passport_requests').select('person_id').where('person_id', '=', id).forUpdate().execute();
    const person = await lockPerson(trx, id);
    if (!person || person.merged_into) throw new AppError('not_found', { field: 'personIds' });
    if (!canChangePerson(actor, person)) throw new AppError('out_of_scope', { field: 'personIds' });
    const found = (await passportBlockersNow(trx, person.id))!;
    const issued = await currentCertificate(trx, person.id, 'passport');
    const state: PassportState = issued ? 'issued' : found.blockers.length ? 'blocked' : 'confirmed';
    const confirmed = state === 'confirmed';
    await trx
      .insertInto('passport_requests')
      .values({
        person_id: person.id,
        province_code: person.province_code,
        district_code: person.district_code,
        state,
        blockers: JSON.stringify(found.blockers),
        requested_at: now,
        requested_by: actor.username,
        confirmed_at: confirmed ? now : null,
        confirmed_by: confirmed ? actor.username : null,
        confirmed_facility_id: confirmed ? actor.scope.facilityId : null,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.column('person_id').doUpdateSet({
          province_code: person.province_code,
          district_code: person.district_code,
          state,
          blockers: JSON.stringify(found.blockers),
          ...(confirmed
            ? { confirmed_at: now, confirmed_by: actor.username, confirmed_facility_id: actor.scope.facilityId }
            : {}),
          updated_at: now,
        }),
      )
      .execute();
    await recordAudit(trx, audit, {
      action: 'passport.confirm',
      entityType: 'person',
      entityId: person.id,
      after: { state, blockers: found.blockers.map((b) => b.code) },
    });
    out.push({ personId: person.id, state, blockers: found.blockers });
  }
  return out;
}

/**
 * The ministry signs confirmed records: the ones named (others are left as they are), or the
 * oldest confirmed first up to `limit`. Each is checked again as it is signed — a record something
 * now blocks goes back to its unit as `blocked` — and gets a passport valid 12 months.
 */
export async function signPassports(
  trx: Trx,
  deps: CertificateDeps,
  actor: Actor,
  audit: AuditContext,
  body: { personIds?: string[] | undefined; limit: number },
): Promise<PassportSignResult> {
  const now = deps.clock();
  let pick = trx
    .selectFrom('passport_requests')
    .select('person_id')
    .where('state', '=', 'confirmed')
    .orderBy('confirmed_at')
    .orderBy('person_id')
    .limit(body.personIds ? body.personIds.length : body.limit)
    // Two ministry batches at once take different records.
    .forUpdate()
    .skipLocked();
  if (body.personIds) pick = pick.where('person_id', 'in', body.personIds);
  const rows = await pick.execute();
  const signed: PassportSignResult['signed'] = [];
  const blocked: PassportSignResult['blocked'] = [];
  for (const { person_id } of rows) {
    const found = await passportBlockersNow(trx, person_id);
    if (!found || found.person.id !== person_id || found.blockers.length) {
      const blockers = found?.blockers ?? [];
      await trx
        .updateTable('passport_requests')
        .set({ state: 'blocked', blockers: JSON.stringify(blockers), updated_at: now })
        .where('person_id', '=', person_id)
        .execute();
      blocked.push({ personId: person_id, blockers });
      continue;
    }
    const passport = await issueCertificate(trx, deps, audit, person_id, now, 'passport');
    await trx
      .updateTable('passport_requests')
      .set({ state: 'issued', blockers: '[]', signed_at: now, signed_by: actor.username, updated_at: now })
      .where('person_id', '=', person_id)
      .execute();
    signed.push({ personId: person_id, ci: passport.ci, expiresAt: passport.expires_at.toISOString() });
  }
  await recordAudit(trx, audit, {
    action: 'passport.sign_batch',
    entityType: 'passport_batch',
    entityId: `${now.toISOString()}:${actor.username}`,
    after: { signed: signed.length, blocked: blocked.length },
  });
  const remaining = await trx
    .selectFrom('passport_requests')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('state', '=', 'confirmed')
    .executeTakeFirstOrThrow();
  return { signed, blocked, remaining: Number(remaining.n) };
}

/** The residence columns a caller's list is narrowed to (a site: its district). */
function unitFilter(actor: Actor, unitCode: string | undefined) {
  const s = actor.scope;
  const where: { province_code?: string; district_code?: string } = {};
  if (s.level === 'province') where.province_code = s.provinceCode ?? NO_MATCH;
  if (s.level === 'district' || s.level === 'facility') where.district_code = s.districtCode ?? NO_MATCH;
  if (s.level === 'commune') where.district_code = s.districtCode ?? NO_MATCH;
  if (unitCode?.length === 2) {
    if (where.province_code && where.province_code !== unitCode) where.province_code = NO_MATCH;
    else where.province_code = unitCode;
  }
  if (unitCode?.length === 3) {
    if (where.district_code && where.district_code !== unitCode) where.district_code = NO_MATCH;
    else where.district_code = unitCode;
  }
  if (unitCode && unitCode.length > 3) where.district_code = NO_MATCH;
  return where;
}

/** A unit's records on their way to a passport, with what blocks each (as of the last check). */
export async function listPassports(db: Executor, actor: Actor, query: PassportListQuery): Promise<PassportList> {
  const where = unitFilter(actor, query.unitCode);
  const base = () => {
    let q = db.selectFrom('passport_requests');
    if (where.province_code) q = q.where('province_code', '=', where.province_code);
    if (where.district_code) q = q.where('district_code', '=', where.district_code);
    return q;
  };
  let page = base().selectAll();
  if (query.state) page = page.where('state', '=', query.state);
  if (query.after) page = page.where('person_id', '>', query.after);
  const rows: PassportRequestRow[] = await page
    .orderBy('person_id')
    .limit(query.limit + 1)
    .execute();
  const more = rows.length > query.limit;
  const items = rows.slice(0, query.limit);
  const people = await getPeopleByIds(
    db,
    items.map((r) => r.person_id),
  );
  const grouped = await base()
    .select(['state', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('state')
    .execute();
  const counts = { blocked: 0, ready: 0, confirmed: 0, issued: 0 };
  for (const g of grouped) counts[g.state] = Number(g.n);
  return {
    counts,
    items: items.map((r) => {
      const p = people.get(r.person_id);
      return {
        personId: r.person_id,
        fullName: p?.full_name ?? '',
        dateOfBirth: p?.date_of_birth ?? '',
        idNumberMasked: p?.id_number ? maskIdNumber(p.id_number) : null,
        provinceCode: r.province_code,
        districtCode: r.district_code,
        state: r.state,
        blockers: r.blockers as PassportBlocker[],
        requestedAt: r.requested_at.toISOString(),
        confirmedAt: r.confirmed_at?.toISOString() ?? null,
        signedAt: r.signed_at?.toISOString() ?? null,
      };
    }),
    next: more ? (items.at(-1)?.person_id ?? null) : null,
  };
}

/**
 * The refresh job, one run: (1) follows the audit log from where the last run stopped to its sealed
 * end, and for each person named by a change — a correction, a merge, a new dose, a new check of
 * identity — brings the passport up to date (made again, or withdrawn when blocked) and refreshes
 * the blockers of a record still on its way; (2) makes again every passport that expires within 30
 * days. Several nodes may run it: the cursor row is locked for the run.
 */
export async function refreshPassports(
  trx: Trx,
  deps: CertificateDeps,
  audit: AuditContext,
  options: { maxEntries?: number; maxRenewals?: number } = {},
): Promise<{ changed: number; renewed: number; cursor: number }> {
  const now = deps.clock();
  await sql`insert into passport_refresh (one, audit_cursor) values (true, 0) on conflict (one) do nothing`.execute(
    trx,
  );
  const state = await trx
    .selectFrom('passport_refresh')
    .select('audit_cursor')
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
  if (!state) return { changed: 0, renewed: 0, cursor: -1 }; // another node is running it
  const { personIds, upTo } = await peopleNamedSince(trx, Number(state.audit_cursor), options.maxEntries ?? 50_000);
  let changed = 0;
  if (personIds.length) {
    const tracked = await trx
      .selectFrom('passport_requests')
      .select(['person_id', 'state'])
      .where('person_id', 'in', personIds)
      .execute();
    for (const r of tracked) {
      if (r.state === 'issued') {
        const before = await currentCertificate(trx, r.person_id, 'passport');
        const after = await refreshPassportOf(trx, deps, audit, r.person_id, now);
        if (before?.id !== after?.id) changed++;
        continue;
      }
      const found = await passportBlockersNow(trx, r.person_id);
      const blockers = found?.blockers ?? [];
      await trx
        .updateTable('passport_requests')
        .set({
          blockers: JSON.stringify(blockers),
          // A blocked record that was fixed goes back to its site for confirmation; a confirmed one
          // something now blocks goes back blocked.
          state: blockers.length ? 'blocked' : r.state === 'blocked' ? 'ready' : r.state,
          updated_at: now,
        })
        .where('person_id', '=', r.person_id)
        // Only from the state read: a confirmation or a signature since then (its row lock is
        // waited for, then this matches nothing) is not undone.
        .where('state', '=', r.state)
        .execute();
    }
  }
  await trx.updateTable('passport_refresh').set({ audit_cursor: upTo }).execute();
  const due = await trx
    .selectFrom('certificates')
    .select(['person_id', 'expires_at'])
    .where('kind', '=', 'passport')
    .where('superseded_at', 'is', null)
    .where('expires_at', '<=', new Date(now.getTime() + PASSPORT_RENEW_BEFORE_DAYS * 86_400_000))
    .orderBy('expires_at')
    .limit(options.maxRenewals ?? 1000)
    .execute();
  let renewed = 0;
  for (const d of due) {
    const after = await refreshPassportOf(trx, deps, audit, d.person_id, now);
    if (after) renewed++;
  }
  return { changed, renewed, cursor: upTo };
}
