import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';

type Executor = Kysely<DB> | Transaction<DB>;

/** The holder key of stock: a province, a district or a facility. */
export type Holder = `P:${string}` | `D:${string}` | `F:${string}`;

export function findLotByNumber(db: Executor, lotNumber: string, vaccineCode: string) {
  // A lot number is the manufacturer's: prefer the lot of the named vaccine; otherwise any lot
  // with that number (so a lot of another vaccine is reported as such, not as unknown).
  return db
    .selectFrom('lots')
    .selectAll()
    .where('lot_number', '=', lotNumber)
    .orderBy(sql`vaccine_code = ${vaccineCode}`, 'desc')
    .limit(1)
    .executeTakeFirst();
}

export function findLotById(db: Executor, id: string) {
  return db.selectFrom('lots').selectAll().where('id', '=', id).executeTakeFirst();
}

export function insertLot(
  db: Executor,
  lot: {
    id: string;
    vaccine_code: string;
    lot_number: string;
    expires_on: string;
    doses_per_vial: number;
    created_by: string | null;
  },
) {
  return db
    .insertInto('lots')
    .values(lot)
    .onConflict((oc) =>
      oc.columns(['vaccine_code', 'lot_number']).doUpdateSet({ vaccine_code: (eb) => eb.ref('excluded.vaccine_code') }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function insertMovement(
  db: Executor,
  m: {
    lot_id: string;
    kind: 'receipt' | 'allocation';
    from_holder: Holder | null;
    to_holder: Holder;
    province_code: string;
    doses: number;
    moved_on: string;
    created_by: string | null;
  },
) {
  return db.insertInto('lot_movements').values(m).execute();
}

/**
 * Stock per lot held by `holder`: doses received (or allocated to it), passed further down, and —
 * for facilities — used in closed sessions (vials opened × doses per vial).
 */
export async function stockOf(db: Executor, holder: Holder, vaccineCode?: string) {
  const rows = await db
    .selectFrom('lots')
    .innerJoin('lot_movements as m_in', (j) => j.onRef('m_in.lot_id', '=', 'lots.id').on('m_in.to_holder', '=', holder))
    .select([
      'lots.id',
      'lots.lot_number',
      'lots.vaccine_code',
      'lots.expires_on',
      'lots.doses_per_vial',
      (eb) => eb.fn.sum<number>('m_in.doses').as('doses_in'),
    ])
    .$if(!!vaccineCode, (q) => q.where('lots.vaccine_code', '=', vaccineCode!))
    .groupBy(['lots.id'])
    .orderBy('lots.expires_on')
    .execute();
  if (!rows.length) return [];
  const ids = rows.map((r) => r.id);
  const out = await db
    .selectFrom('lot_movements')
    .select(['lot_id', (eb) => eb.fn.sum<number>('doses').as('n')])
    .where('from_holder', '=', holder)
    .where('lot_id', 'in', ids)
    .groupBy('lot_id')
    .execute();
  const used = holder.startsWith('F:')
    ? await db
        .selectFrom('session_lots')
        .innerJoin('vaccination_sessions', 'vaccination_sessions.id', 'session_lots.session_id')
        .select([
          'session_lots.lot_id',
          (eb) => eb.fn.sum<number>(sql`session_lots.vials_opened * session_lots.doses_per_vial`).as('n'),
        ])
        .where('vaccination_sessions.facility_id', '=', holder.slice(2))
        .where('session_lots.vials_opened', 'is not', null)
        .where('session_lots.lot_id', 'in', ids)
        .groupBy('session_lots.lot_id')
        .execute()
    : [];
  const outBy = new Map(out.map((r) => [r.lot_id, Number(r.n)]));
  const usedBy = new Map(used.map((r) => [r.lot_id, Number(r.n)]));
  return rows.map((r) => {
    const dosesIn = Number(r.doses_in);
    const dosesOut = outBy.get(r.id) ?? 0;
    const dosesUsed = usedBy.get(r.id) ?? 0;
    return {
      ...r,
      doses_in: dosesIn,
      doses_out: dosesOut,
      doses_used: dosesUsed,
      remaining: dosesIn - dosesOut - dosesUsed,
    };
  });
}

/** Doses used (closed sessions) and doses recorded per lot at facilities matching a filter. */
export async function reconciliation(
  db: Executor,
  f: { provinceCode?: string; districtCode?: string; facilityId?: string },
) {
  let used = db
    .selectFrom('session_lots')
    .innerJoin('vaccination_sessions as s', 's.id', 'session_lots.session_id')
    .select([
      'session_lots.lot_id',
      (eb) => eb.fn.sum<number>(sql`session_lots.vials_opened * session_lots.doses_per_vial`).as('n'),
    ])
    .where('session_lots.vials_opened', 'is not', null)
    .groupBy('session_lots.lot_id');
  let recorded = db
    .selectFrom('doses')
    .select(['lot_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('lot_id', 'is not', null)
    .groupBy('lot_id');
  if (f.provinceCode) {
    used = used.where('s.province_code', '=', f.provinceCode);
    recorded = recorded.where('province_code', '=', f.provinceCode);
  }
  if (f.districtCode) {
    used = used.where('s.district_code', '=', f.districtCode);
    recorded = recorded.where('district_code', '=', f.districtCode);
  }
  if (f.facilityId) {
    used = used.where('s.facility_id', '=', f.facilityId);
    recorded = recorded.where('facility_id', '=', f.facilityId);
  }
  const [u, r] = await Promise.all([used.execute(), recorded.execute()]);
  const ids = [...new Set([...u.map((x) => x.lot_id), ...r.map((x) => x.lot_id!)])];
  const lots = ids.length ? await db.selectFrom('lots').selectAll().where('id', 'in', ids).execute() : [];
  const usedBy = new Map(u.map((x) => [x.lot_id, Number(x.n)]));
  const recBy = new Map(r.map((x) => [x.lot_id, Number(x.n)]));
  return lots.map((l) => ({ lot: l, dosesUsed: usedBy.get(l.id) ?? 0, dosesRecorded: recBy.get(l.id) ?? 0 }));
}
