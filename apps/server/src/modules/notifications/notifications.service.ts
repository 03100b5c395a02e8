import type { Executor } from '../../db/transaction.js';
import { type Actor, whereInScope } from '../../lib/authz.js';

/**
 * Something a unit's staff must see at once (a serious adverse event, an overdue report…): one
 * insert, in the caller's transaction.
 */
export async function notifyUnit(
  db: Executor,
  n: {
    kind: string;
    provinceCode: string;
    districtCode: string | null;
    facilityId: string | null;
    title: string;
    body: unknown;
  },
): Promise<void> {
  await db
    .insertInto('notifications')
    .values({
      kind: n.kind,
      province_code: n.provinceCode,
      district_code: n.districtCode,
      facility_id: n.facilityId,
      title: n.title,
      body: JSON.stringify(n.body),
    })
    .execute();
}

/**
 * The notifications an actor should see: a district sees its district's, a province all of the
 * province's, a facility its own.
 */
export function listNotifications(db: Executor, actor: Actor, limit = 100) {
  return whereInScope(db.selectFrom('notifications').selectAll(), actor.scope, { commune: 'district' })
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
}
