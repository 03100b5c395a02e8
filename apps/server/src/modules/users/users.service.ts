import { type CreateUserBody, ROLE_SCOPE_LEVELS, type Role, type ScopeLevel, type User, uuidv7 } from '@tiemchung/core';
import type { NewUser, UserRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { type Actor, requireScope, type Scope } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { hashPassword } from '../../lib/passwords.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { getFacility } from '../facilities/facilities.service.js';
import { getUnit2021, unitPath } from '../units/units.service.js';
import {
  countUsers,
  findUserById,
  findUserByUsername,
  insertUser,
  listUsersInScope,
  updatePasswordHash,
} from './users.queries.js';

export const MIN_PASSWORD_LENGTH = 10;

/** Never return a raw row (and never the password hash). */
export function presentUser(u: UserRow): User {
  return {
    id: u.id,
    username: u.username,
    role: u.role as Role,
    displayName: u.display_name,
    unitCode: u.unit_code,
    facilityId: u.facility_id,
    active: u.active,
    createdAt: u.created_at.toISOString(),
  };
}

/** Roles each administrator may create (beside the scope check): never one above their own. */
const MAY_CREATE: Record<Role, readonly Role[]> = {
  national_admin: ['national_admin', 'province_admin', 'district_admin', 'site_staff', 'report_handler'],
  province_admin: ['district_admin', 'site_staff', 'report_handler'],
  district_admin: ['site_staff', 'report_handler'],
  site_staff: [],
  report_handler: [],
};

/** Resolves where a new user is anchored, from the role and the unit or facility given. */
async function resolveScope(
  db: Executor,
  input: { role: Role; unitCode?: string; facilityId?: string },
): Promise<Scope> {
  const allowed = ROLE_SCOPE_LEVELS[input.role];
  if (input.facilityId) {
    if (!allowed.includes('facility')) {
      throw new AppError('role_not_at_facility', { field: 'facilityId' });
    }
    const f = await getFacility(db, input.facilityId);
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

/**
 * The checks of a new staff user, and the password's hash — everything before the insert, so that
 * no transaction is held while the password is hashed. A national administrator creates any user;
 * a province administrator only inside the province (and never another province or national
 * administrator); a district administrator only site staff and report handlers of the district.
 */
export async function planNewUser(db: Executor, actor: Actor | null, input: CreateUserBody): Promise<NewUser> {
  if (actor && !MAY_CREATE[actor.role].includes(input.role)) throw new AppError('forbidden');
  if (input.password.length < MIN_PASSWORD_LENGTH) throw new AppError('weak_password', { field: 'password' });
  const scope = await resolveScope(db, input);
  if (actor) requireScope(actor, scope);
  return {
    id: uuidv7(),
    username: input.username,
    password_hash: await hashPassword(input.password),
    role: input.role,
    display_name: input.displayName ?? input.username,
    scope_level: scope.level,
    unit_code: scope.unitCode,
    province_code: scope.provinceCode,
    district_code: scope.districtCode,
    commune_code: scope.communeCode,
    facility_id: scope.facilityId,
    updated_at: new Date(),
    created_by: actor?.id ?? null,
  };
}

/** Creates a planned staff user (409 `username_taken` when the name is taken), audited. */
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

export function listUsers(db: Executor, actor: Actor): Promise<UserRow[]> {
  return listUsersInScope(db, actor.scope);
}

export { countUsers, findUserById, findUserByUsername, updatePasswordHash };
