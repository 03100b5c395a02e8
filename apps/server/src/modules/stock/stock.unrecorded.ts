import {
  addDays,
  type ManagedFacility,
  PROVINCES_2021,
  type StatsUnrecorded,
  type StatsUnrecordedRow,
  UNRECORDED_MAX_DAYS,
} from '@tiemchung/core';
import type { Executor } from '../../db/transaction.js';
import type { Actor } from '../../lib/authz.js';
import type { ExportTable } from '../../lib/table-export.js';
import { countedDosesPerSession } from '../doses/doses.service.js';
import { getFacility, listFacilitiesFor } from '../facilities/facilities.service.js';
import { closedSessionVials } from '../sessions/sessions.service.js';
import { checkStatsRange, type ResolvedUnit, resolveUnit, type UnitQuery } from '../stats/stats.api.js';
import { mapping2025 } from '../stats/stats.fold.js';

/**
 * Possible unrecorded doses (issue 15, deliverable 4), per facility of a unit: the doses the vials
 * opened in its closed sessions held (vials × doses per vial) against the counted doses recorded in
 * those sessions. Sessions are the sessions module's, doses the doses module's: this read model
 * sits above both (as the stock does), and above statistics, whose unit rules (scope, schemes) it
 * uses. Bounded by dates (default: the 30 days to today; at most a year): the facilities of the
 * unit, their sessions in the dates (index by facility and date), the doses of those sessions
 * (index by session) — never a scan of all doses.
 */

export interface UnrecordedQuery extends UnitQuery {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

type FacilityOfUnit = Pick<ManagedFacility, 'id' | 'name' | 'communeCode'>;

/** The facilities of a unit (active or not: a closed facility's past sessions count). */
async function facilitiesOf(db: Executor, actor: Actor, unit: ResolvedUnit): Promise<FacilityOfUnit[]> {
  const { level, code } = unit.key;
  const list = (provinceCode?: string, districtCode?: string) =>
    listFacilitiesFor(db, actor, { status: 'all', provinceCode, districtCode });
  switch (level) {
    case 'nation': {
      const all: ManagedFacility[] = [];
      for (const p of PROVINCES_2021) all.push(...(await list(p.code)));
      return all;
    }
    case 'province':
      return list(code);
    case 'district':
      return list(undefined, code);
    case 'commune': {
      const district = unit.ref.path.find((u) => u.level === 'district')?.code;
      const province = unit.ref.path.find((u) => u.level === 'province')?.code;
      return (await list(district ? undefined : province, district)).filter((f) => f.communeCode === code);
    }
    case 'facility': {
      const f = await getFacility(db, code);
      return f ? [{ id: f.id, name: f.name, communeCode: f.commune_code }] : [];
    }
    case 'province2025':
    case 'commune2025': {
      const map = await mapping2025(db);
      const province = level === 'province2025' ? code : unit.ref.path.find((u) => u.level === 'province2025')?.code;
      const olds = [...map.province].filter(([, to]) => to === province).map(([from]) => from);
      const out: ManagedFacility[] = [];
      for (const p of olds) out.push(...(await list(p)));
      return level === 'province2025'
        ? out
        : out.filter((f) => f.communeCode !== null && map.commune.get(f.communeCode) === code);
    }
  }
}

/** `GET /api/stats/unrecorded`: per facility of the unit, its closed sessions in the dates and the gap. */
export async function unrecordedDoses(
  db: Executor,
  actor: Actor,
  q: UnrecordedQuery,
  today: string,
): Promise<StatsUnrecorded> {
  const to = q.to ?? today;
  const from = q.from ?? addDays(to, -29);
  checkStatsRange({ from, to }, UNRECORDED_MAX_DAYS);
  const unit = await resolveUnit(db, actor, q);
  const facilities = await facilitiesOf(db, actor, unit);
  const sessions = await closedSessionVials(
    db,
    facilities.map((f) => f.id),
    { from, to },
  );
  const recorded = await countedDosesPerSession(
    db,
    sessions.map((s) => s.id),
  );
  const byFacility = new Map<string, StatsUnrecordedRow>();
  const names = new Map(facilities.map((f) => [f.id, f.name]));
  for (const s of sessions) {
    const row = byFacility.get(s.facilityId) ?? {
      level: 'facility' as const,
      code: s.facilityId,
      name: names.get(s.facilityId) ?? s.facilityId,
      sessions: 0,
      vialsOpened: 0,
      dosesInVials: 0,
      dosesRecorded: 0,
      gap: 0,
    };
    row.sessions += 1;
    row.vialsOpened += s.vials;
    row.dosesInVials += s.doses;
    row.dosesRecorded += recorded.get(s.id) ?? 0;
    byFacility.set(s.facilityId, row);
  }
  const rows = [...byFacility.values()]
    .map((r) => ({ ...r, gap: Math.max(0, r.dosesInVials - r.dosesRecorded) }))
    .sort((a, b) => b.gap - a.gap || a.name.localeCompare(b.name, 'vi'));
  return { unit: unit.ref, rows };
}

/** The rows as a file: Vietnamese headers. */
export function unrecordedTable(body: StatsUnrecorded): ExportTable<StatsUnrecordedRow> {
  return {
    sheet: 'Liều chưa ghi nhận',
    columns: [
      { header: 'Mã cơ sở', value: (r) => r.code },
      { header: 'Cơ sở tiêm', width: 36, value: (r) => r.name },
      { header: 'Số buổi tiêm', value: (r) => r.sessions },
      { header: 'Số lọ đã mở', value: (r) => r.vialsOpened },
      { header: 'Số liều trong các lọ', value: (r) => r.dosesInVials },
      { header: 'Số liều đã ghi nhận', value: (r) => r.dosesRecorded },
      { header: 'Chênh lệch (có thể chưa ghi nhận)', value: (r) => r.gap },
    ],
    rows: body.rows,
  };
}
