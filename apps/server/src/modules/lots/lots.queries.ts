import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.js';

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

/** The first day `holder` received doses of the lot (a receipt or an allocation to it), if it ever did. */
export async function firstReceivedOn(db: Executor, lotId: string, holder: Holder): Promise<string | undefined> {
  const row = await db
    .selectFrom('lot_movements')
    .select((eb) => eb.fn.min<string>('moved_on').as('first'))
    .where('lot_id', '=', lotId)
    .where('to_holder', '=', holder)
    .executeTakeFirst();
  return row?.first ?? undefined;
}

/** Per lot held by `holder`: doses moved in (received or allocated to it) and passed further down. */
export async function movementTotals(db: Executor, holder: Holder, vaccineCode?: string) {
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
  const out = await db
    .selectFrom('lot_movements')
    .select(['lot_id', (eb) => eb.fn.sum<number>('doses').as('n')])
    .where('from_holder', '=', holder)
    .where(
      'lot_id',
      'in',
      rows.map((r) => r.id),
    )
    .groupBy('lot_id')
    .execute();
  const outBy = new Map(out.map((r) => [r.lot_id, Number(r.n)]));
  return rows.map((r) => ({ ...r, doses_in: Number(r.doses_in), doses_out: outBy.get(r.id) ?? 0 }));
}

/**
 * The holders that ever received doses: the provinces of the nation (`level: 'province'`), every
 * holder within a province (`provinceCode`: the province, its districts and facilities), or those
 * of `among` that did.
 */
export async function holdersWithMovements(
  db: Executor,
  f: { level: 'province' } | { provinceCode: string } | { among: readonly Holder[] },
): Promise<Holder[]> {
  let q = db.selectFrom('lot_movements').select('to_holder').distinct();
  if ('level' in f) q = q.where('to_holder', 'like', 'P:%');
  else if ('provinceCode' in f) q = q.where('province_code', '=', f.provinceCode);
  else q = q.where('to_holder', 'in', f.among.length ? [...f.among] : ['']);
  const rows = await q.orderBy('to_holder').execute();
  return rows.map((r) => r.to_holder as Holder);
}

/**
 * `movementTotals` for several holders at once: per holder and lot, doses moved in and passed
 * further down (two statements whatever the number of holders).
 */
export async function movementTotalsOf(db: Executor, holders: readonly Holder[], vaccineCode?: string) {
  if (!holders.length) return [];
  const rows = await db
    .selectFrom('lots')
    .innerJoin('lot_movements as m_in', 'm_in.lot_id', 'lots.id')
    .select([
      'm_in.to_holder as holder',
      'lots.id',
      'lots.lot_number',
      'lots.vaccine_code',
      'lots.expires_on',
      'lots.doses_per_vial',
      (eb) => eb.fn.sum<number>('m_in.doses').as('doses_in'),
    ])
    .where('m_in.to_holder', 'in', [...holders])
    .$if(!!vaccineCode, (q) => q.where('lots.vaccine_code', '=', vaccineCode!))
    .groupBy(['m_in.to_holder', 'lots.id'])
    .orderBy('lots.expires_on')
    .orderBy('lots.lot_number')
    .execute();
  if (!rows.length) return [];
  const out = await db
    .selectFrom('lot_movements')
    .select(['from_holder', 'lot_id', (eb) => eb.fn.sum<number>('doses').as('n')])
    .where('from_holder', 'in', [...holders])
    .groupBy(['from_holder', 'lot_id'])
    .execute();
  const outBy = new Map(out.map((r) => [`${r.from_holder}\u0001${r.lot_id}`, Number(r.n)]));
  return rows.map((r) => ({
    ...r,
    holder: r.holder as Holder,
    doses_in: Number(r.doses_in),
    doses_out: outBy.get(`${r.holder}\u0001${r.id}`) ?? 0,
  }));
}
