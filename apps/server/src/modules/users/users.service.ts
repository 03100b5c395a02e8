import { randomInt } from 'node:crypto';
import {
  type CreateUserBody,
  MANAGED_ROLES,
  nameSearchKey,
  passwordProblem,
  ROLE_SCOPE_LEVELS,
  type Role,
  type ScopeLevel,
  type UpdateUserBody,
  type User,
  type UserListFilter,
  uuidv7,
} from '@tiemchung/core';
import type { NewUser, UserRow, UserUpdate } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { type Actor, covers, requireScope, type Scope } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { hashPassword } from '../../lib/passwords.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { getFacility, requireActiveFacility } from '../facilities/facilities.service.js';
import { getUnit2021, unitPath } from '../units/units.service.js';
import {
  countUsers,
  findUserById,
  findUserByUsername,
  findUserView,
  insertUser,
  listUsersInScope,
  lockUserById,
  replaceOwnPassword,
  type UserView,
  updatePasswordHash,
  updateUser,
} from './users.queries.js';

/** Names of places, by `u:<unit code>` and `f:<facility id>` (see {@link placeNamesOf}). */
export type PlaceNames = ReadonlyMap<string, string>;

/**
 * Never return a raw row (and never the password hash). With `places`, the account's place is
 * named (`placeName`); the audit log's snapshots leave it out.
 */
export function presentUser(u: UserRow | UserView, places?: PlaceNames): User {
  const place = u.facility_id ? `f:${u.facility_id}` : u.unit_code ? `u:${u.unit_code}` : null;
  return {
    ...(places ? { placeName: place ? (places.get(place) ?? null) : null } : {}),
    id: u.id,
    username: u.username,
    role: u.role as Role,
    displayName: u.display_name,
    unitCode: u.unit_code,
    facilityId: u.facility_id,
    active: u.active,
    createdAt: u.created_at.toISOString(),
    mustChangePassword: u.must_change_password,
    disabledAt: u.disabled_at?.toISOString() ?? null,
    disabledBy: 'disabled_by_username' in u ? u.disabled_by_username : null,
  };
}

/** Where an account is anchored, for the scope guards. */
function scopeOfRow(u: UserRow): Scope {
  return {
    level: u.scope_level,
    unitCode: u.unit_code,
    provinceCode: u.province_code,
    districtCode: u.district_code,
    communeCode: u.commune_code,
    facilityId: u.facility_id,
  };
}

/** Resolves where an account is anchored, from the role and the unit or facility given. */
async function resolveScope(
  db: Executor,
  input: { role: Role; unitCode?: string | null | undefined; facilityId?: string | null | undefined },
  /** The account's present facility: it may stay there after the facility was deactivated. */
  currentFacilityId?: string | null,
): Promise<Scope> {
  const allowed = ROLE_SCOPE_LEVELS[input.role];
  if (input.facilityId) {
    if (!allowed.includes('facility')) {
      throw new AppError('role_not_at_facility', { field: 'facilityId' });
    }
    // No account is placed at a deactivated facility (409 facility_inactive); one already there may stay.
    const f =
      input.facilityId === currentFacilityId
        ? await getFacility(db, input.facilityId)
        : await requireActiveFacility(db, input.facilityId);
    if (!f) throw new AppError('unknown_facility', { field: 'facilityId' });
    return {
      level: 'facility',
      unitCode: null,
      provinceCode: f.province_code,
      districtCode: f.district_code,
      communeCode: f.commune_code,
      facilityId: f.id,
    };
  }
  if (input.unitCode) {
    const unit = await getUnit2021(db, input.unitCode);
    if (!unit) throw new AppError('unknown_unit', { field: 'unitCode' });
    const level: ScopeLevel = unit.level;
    if (!allowed.includes(level)) {
      throw new AppError('role_unit_level_mismatch', {
        field: 'unitCode',
        params: { levels: { vi: allowed.map(levelVi).join(' hoặc '), en: allowed.join(' or ') } },
      });
    }
    const p = unitPath(unit);
    return { level, unitCode: unit.code, ...p, facilityId: null };
  }
  if (!allowed.includes('nation')) {
    const field = allowed.includes('facility') && allowed.length === 1 ? 'facilityId' : 'unitCode';
    throw new AppError('role_unit_required', { field });
  }
  return {
    level: 'nation',
    unitCode: null,
    provinceCode: null,
    districtCode: null,
    communeCode: null,
    facilityId: null,
  };
}

function levelVi(l: ScopeLevel): string {
  return { nation: 'quốc gia', province: 'tỉnh', district: 'huyện', commune: 'xã', facility: 'cơ sở tiêm' }[l];
}

/** The columns of an anchor. */
function scopeColumnsOf(scope: Scope) {
  return {
    scope_level: scope.level,
    unit_code: scope.unitCode,
    province_code: scope.provinceCode,
    district_code: scope.districtCode,
    commune_code: scope.communeCode,
    facility_id: scope.facilityId,
  };
}

/** 403 `role_not_assignable` unless the actor may give the role (MANAGED_ROLES). */
function requireAssignable(actor: Actor, role: Role): void {
  if (!MANAGED_ROLES[actor.role].includes(role)) throw new AppError('role_not_assignable', { field: 'role' });
}

/** 403 `out_of_scope` (naming the field the place came from) unless the actor's units cover it. */
function requirePlaceInScope(actor: Actor, scope: Scope, given: { facilityId?: unknown; unitCode?: unknown }): void {
  const field = given.facilityId ? 'facilityId' : given.unitCode ? 'unitCode' : 'role';
  requireScope(actor, scope, field);
}

/**
 * A unit given beside a facility must be one of the facility's own units (its province, district
 * or commune): the account is anchored at the facility, and any other unit is refused, never
 * silently dropped — 400 `unknown_unit` when there is no such unit, 403 `out_of_scope` when it is
 * outside the actor's units, else 400 `user_unit_not_of_facility`.
 */
async function requireUnitOfFacility(
  db: Executor,
  actor: Actor | null,
  given: { unitCode?: string | null | undefined; facilityId?: string | null | undefined },
  scope: Scope,
): Promise<void> {
  if (!given.facilityId || !given.unitCode || scope.level !== 'facility') return;
  if ([scope.provinceCode, scope.districtCode, scope.communeCode].includes(given.unitCode)) return;
  const unit = await getUnit2021(db, given.unitCode);
  if (!unit) throw new AppError('unknown_unit', { field: 'unitCode' });
  if (actor) requireScope(actor, unitPath(unit), 'unitCode');
  throw new AppError('user_unit_not_of_facility', { field: 'unitCode' });
}

/** Letters and digits that cannot be mistaken for one another when read out or copied by hand. */
const TEMPORARY_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/**
 * A temporary password: four groups of four characters (`k7mp-q2xa-…`, about 79 bits), meeting the
 * password rule for this username. Shown once to the administrator, who hands it over.
 */
export function makeTemporaryPassword(username: string): string {
  for (;;) {
    const groups = Array.from({ length: 4 }, () =>
      Array.from({ length: 4 }, () => TEMPORARY_ALPHABET[randomInt(TEMPORARY_ALPHABET.length)]).join(''),
    );
    const password = groups.join('-');
    if (!passwordProblem(password, username)) return password;
  }
}

/** 400 with the rule's code (`weak_password`, `password_contains_username`) unless the password passes. */
export function requirePasswordRule(password: string, username: string | undefined, field: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw new AppError(problem, { field });
}

/** A new account, checked and with its password hashed, ready to be written by `createUser`. */
export interface PlannedUser {
  readonly row: NewUser;
  /** The password the server made (none was given): answered once, never stored. */
  readonly temporaryPassword: string | null;
}

/**
 * The checks of a new staff account, and the password's hash — everything before the insert, so
 * that no transaction is held while the password is hashed. A national administrator creates any
 * account; a province administrator only inside the province (and never another province or
 * national administrator); a district administrator only site staff and report handlers of the
 * district. An account made by an administrator (`actor`) must change its password at its first
 * sign-in; without a password the server makes a temporary one. Accounts made by the platform
 * itself (`actor` null: the first administrator, the demo accounts) need a password and keep it.
 */
export async function planAccount(db: Executor, actor: Actor | null, input: CreateUserBody): Promise<PlannedUser> {
  if (actor) requireAssignable(actor, input.role);
  const temporaryPassword = input.password === undefined ? makeTemporaryPassword(input.username) : null;
  const password = input.password ?? (temporaryPassword as string);
  // The platform's own accounts keep the operator's password (checked for length by the config).
  requirePasswordRule(password, actor ? input.username : undefined, 'password');
  const scope = await resolveScope(db, input);
  if (actor) requirePlaceInScope(actor, scope, input);
  await requireUnitOfFacility(db, actor, input, scope);
  const displayName = input.displayName ?? input.username;
  return {
    row: {
      id: uuidv7(),
      username: input.username,
      password_hash: await hashPassword(password),
      role: input.role,
      display_name: displayName,
      display_name_key: nameSearchKey(displayName),
      ...scopeColumnsOf(scope),
      updated_at: new Date(),
      created_by: actor?.id ?? null,
      must_change_password: actor !== null,
    },
    temporaryPassword,
  };
}

/** `planAccount`'s row (the platform's own accounts: bootstrap, demo data). */
export async function planNewUser(db: Executor, actor: Actor | null, input: CreateUserBody): Promise<NewUser> {
  return (await planAccount(db, actor, input)).row;
}

/** Creates a planned staff account (409 `username_taken` when the name is taken), audited. */
export async function createUser(trx: Trx, audit: AuditContext, user: NewUser): Promise<UserRow> {
  const row = await insertUser(trx, user);
  if (!row) throw new AppError('username_taken', { field: 'username' });
  await recordAudit(trx, audit, {
    action: 'user.create',
    entityType: 'user',
    entityId: row.id,
    after: presentUser(row),
  });
  return row;
}

/**
 * The names of the units (2021 list) and facilities these accounts are anchored to, one look-up per
 * distinct place (a list shows a few dozen at most; facilities come from their module's cache).
 */
export async function placeNamesOf(
  db: Executor,
  users: readonly Pick<UserRow, 'unit_code' | 'facility_id'>[],
): Promise<PlaceNames> {
  const names = new Map<string, string>();
  for (const code of new Set(users.map((u) => u.unit_code))) {
    const unit = code ? await getUnit2021(db, code) : undefined;
    if (unit) names.set(`u:${unit.code}`, unit.name);
  }
  for (const id of new Set(users.map((u) => u.facility_id))) {
    const facility = id ? await getFacility(db, id) : undefined;
    if (facility) names.set(`f:${facility.id}`, facility.name);
  }
  return names;
}

/** Accounts as the API answers them, their places named. */
export async function presentUsers(db: Executor, users: readonly (UserRow | UserView)[]): Promise<User[]> {
  const places = await placeNamesOf(db, users);
  return users.map((u) => presentUser(u, places));
}

/** The accounts within the actor's units, narrowed by the list's filters. */
export function listUsers(db: Executor, actor: Actor, filter: Partial<UserListFilter> = {}): Promise<UserView[]> {
  const q = filter.q?.trim();
  return listUsersInScope(db, actor.scope, { ...filter, ...(q ? { nameKey: nameSearchKey(q) } : {}) });
}

/** An account within the actor's units, or 404 `not_found` (as if there were none). */
export async function getUserInScope(db: Executor, actor: Actor, id: string): Promise<UserView> {
  const user = await findUserView(db, id);
  if (!user || !covers(actor.scope, scopeOfRow(user))) throw new AppError('not_found');
  return user;
}

/**
 * The account an administrator changes, locked for the change: 404 outside the actor's units,
 * 403 `own_account` for the actor's own, 403 `user_not_manageable` for a role the actor may not
 * give (a province administrator and another province administrator, say).
 */
async function lockManageable(trx: Trx, actor: Actor, id: string): Promise<UserRow> {
  const user = await lockUserById(trx, id);
  if (!user || !covers(actor.scope, scopeOfRow(user))) throw new AppError('not_found');
  if (user.id === actor.id) throw new AppError('own_account');
  if (!MANAGED_ROLES[actor.role].includes(user.role as Role)) throw new AppError('user_not_manageable');
  return user;
}

async function viewOf(trx: Trx, id: string): Promise<UserView> {
  const view = await findUserView(trx, id);
  if (!view) throw new AppError('not_found');
  return view;
}

/** What an account change did: the account, and whether its role or place changed (its sessions then end). */
export interface AccountChange {
  readonly user: UserView;
  readonly changed: boolean;
  readonly accessChanged: boolean;
}

/**
 * Changes an account's role, display name, unit or facility (audited, before and after). A new
 * role without a new place keeps the account's place when the role may be anchored there; the new
 * role and place must both be the actor's to give (403 `role_not_assignable`, `out_of_scope`).
 */
export async function updateAccount(
  trx: Trx,
  audit: AuditContext,
  actor: Actor,
  id: string,
  body: UpdateUserBody,
): Promise<AccountChange> {
  const user = await lockManageable(trx, actor, id);
  const role = body.role ?? (user.role as Role);
  if (body.role) requireAssignable(actor, body.role);
  const set: UserUpdate = {};
  const placeGiven = body.unitCode !== undefined || body.facilityId !== undefined;
  if (placeGiven || role !== user.role) {
    if (!placeGiven && !ROLE_SCOPE_LEVELS[role].includes(user.scope_level)) {
      // The account's place does not fit the new role: a new one must be given.
      const levels = ROLE_SCOPE_LEVELS[role];
      throw new AppError('role_unit_required', {
        field: levels.length === 1 && levels[0] === 'facility' ? 'facilityId' : 'unitCode',
      });
    }
    const scope = await resolveScope(
      trx,
      placeGiven
        ? { role, unitCode: body.unitCode, facilityId: body.facilityId }
        : { role, unitCode: user.unit_code, facilityId: user.facility_id },
      user.facility_id,
    );
    requirePlaceInScope(actor, scope, body);
    if (placeGiven) await requireUnitOfFacility(trx, actor, body, scope);
    const columns = scopeColumnsOf(scope);
    if (role !== user.role) set.role = role;
    for (const [k, v] of Object.entries(columns) as [keyof typeof columns, string | null][]) {
      if (user[k] !== v) Object.assign(set, { [k]: v });
    }
  }
  if (body.displayName !== undefined && body.displayName !== user.display_name) {
    set.display_name = body.displayName;
    set.display_name_key = nameSearchKey(body.displayName);
  }
  if (Object.keys(set).length === 0) return { user: await viewOf(trx, id), changed: false, accessChanged: false };
  const after = await updateUser(trx, id, set);
  await recordAudit(trx, audit, {
    action: 'user.update',
    entityType: 'user',
    entityId: id,
    before: presentUser(user),
    after: presentUser(after),
  });
  const accessChanged = Object.keys(set).some((k) => k !== 'display_name' && k !== 'display_name_key');
  return { user: await viewOf(trx, id), changed: true, accessChanged };
}

/**
 * Disables an account (audited with the reason): it can no longer sign in, and the caller ends its
 * sessions in the same transaction. Disabling a disabled account changes nothing.
 */
export async function disableAccount(
  trx: Trx,
  audit: AuditContext,
  actor: Actor,
  id: string,
  reason: string | null,
): Promise<AccountChange> {
  const user = await lockManageable(trx, actor, id);
  if (!user.active) return { user: await viewOf(trx, id), changed: false, accessChanged: false };
  const now = new Date();
  const after = await updateUser(trx, id, { active: false, disabled_at: now, disabled_by: actor.id });
  await recordAudit(trx, audit, {
    action: 'user.disable',
    entityType: 'user',
    entityId: id,
    before: presentUser(user),
    after: presentUser(after),
    reason,
  });
  return { user: await viewOf(trx, id), changed: true, accessChanged: true };
}

/** Enables a disabled account again (audited); an active one is left as it is. */
export async function enableAccount(trx: Trx, audit: AuditContext, actor: Actor, id: string): Promise<AccountChange> {
  const user = await lockManageable(trx, actor, id);
  if (user.active) return { user: await viewOf(trx, id), changed: false, accessChanged: false };
  const after = await updateUser(trx, id, { active: true, disabled_at: null, disabled_by: null });
  await recordAudit(trx, audit, {
    action: 'user.enable',
    entityType: 'user',
    entityId: id,
    before: presentUser(user),
    after: presentUser(after),
  });
  return { user: await viewOf(trx, id), changed: true, accessChanged: false };
}

/**
 * Gives an account a temporary password (hashed by the caller before the transaction) that must be
 * changed at the next sign-in; audited without the password. The caller ends the account's sessions
 * in the same transaction.
 */
export async function resetAccountPassword(
  trx: Trx,
  audit: AuditContext,
  actor: Actor,
  id: string,
  passwordHash: string,
): Promise<UserView> {
  await lockManageable(trx, actor, id);
  await updateUser(trx, id, { password_hash: passwordHash, must_change_password: true });
  await recordAudit(trx, audit, { action: 'user.password_reset', entityType: 'user', entityId: id });
  return viewOf(trx, id);
}

/**
 * Sets a user's own new password (`POST /api/auth/password`), clearing `must_change_password`,
 * audited without the password. Undefined when the password hash is no longer the one the current
 * password was checked against (a reset in between), or the account was disabled meanwhile.
 */
export async function setOwnPassword(
  trx: Trx,
  audit: AuditContext,
  input: { userId: string; checkedHash: string; passwordHash: string; now: Date },
): Promise<UserRow | undefined> {
  const row = await replaceOwnPassword(trx, input.userId, input.checkedHash, input.passwordHash, input.now);
  if (row) {
    await recordAudit(trx, audit, { action: 'user.password_change', entityType: 'user', entityId: row.id });
  }
  return row;
}

export { countUsers, findUserById, findUserByUsername, updatePasswordHash };
