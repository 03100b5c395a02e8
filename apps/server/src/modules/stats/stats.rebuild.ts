import { type RawBuilder, sql } from 'kysely';
import type { Trx } from '../../db/transaction.js';
import { unitMap2025 } from '../units/units.service.js';
import { currentPeopleImages, type StatsSources } from './stats.fold.js';
import { reportImage } from './stats.images.js';

/**
 * Counts every aggregate again from the records, in bulk — for a first fill of a database loaded
 * outside the platform, after a new official unit mapping, or after `stats:verify` found a
 * difference. The incremental fold recounts people a batch at a time and upserts each change into
 * every aggregate (about 1,000 people a second); this walks everyone once, writes the images in
 * large chunks and then makes each aggregate with one GROUP BY over the images.
 *
 * One transaction (the caller's): readers of the statistics wait until it commits and then see
 * the new figures whole. Marks are left alone: a change committed meanwhile is marked and folded
 * afterwards against the new images, which is a no-op when the walk had already seen it.
 *
 * The unit expansion is written here in SQL (`UNITS`) and in `unitsOf` (stats.images.ts) for the
 * fold; `stats.rebuild.test.ts` rebuilds and recounts with `verifyStats` to keep them equal.
 */
export async function rebuildStats(
  trx: Trx,
  sources: StatsSources,
  options: { batch?: number; progress?: (done: { people: number; doses: number; reports: number }) => void } = {},
): Promise<{ people: number; doses: number; reports: number }> {
  const batch = options.batch ?? 5000;
  await sql`truncate stats_person_image, stats_dose_image, stats_report_image, stats_dose_facts,
    stats_dose_totals, stats_dose_days, stats_people_totals, stats_report_totals, stats_unit_doses,
    stats_unit_people`.execute(trx);
  // Read afresh, not from the cache: a rebuild follows an import of the mapping.
  const map = await unitMap2025(trx);
  const done = { people: 0, doses: 0, reports: 0 };
  for (let after = ''; ; ) {
    const ids = await sources.personIdsAfter(trx, after, batch);
    if (ids.length === 0) break;
    const now = await currentPeopleImages(trx, sources, ids, map);
    await insertImages(trx, 'stats_person_image', now.persons);
    await insertImages(trx, 'stats_dose_image', now.doses);
    done.people += ids.length;
    done.doses += now.doses.length;
    after = ids[ids.length - 1] as string;
    options.progress?.(done);
  }
  for (let after = ''; ; ) {
    const ids = await sources.reportIdsAfter(trx, after, batch);
    if (ids.length === 0) break;
    const reports = await sources.reports(trx, ids);
    await insertImages(
      trx,
      'stats_report_image',
      reports.map((r) => reportImage(r, map)),
    );
    done.reports += ids.length;
    after = ids[ids.length - 1] as string;
    options.progress?.(done);
  }
  await sql`
    insert into stats_dose_facts (day, facility_id, vaccine_code, dose_number, dose_kind, sex, age_band, n)
    select day, facility_id, vaccine_code, dose_number, dose_kind, sex, age_band, count(*)
    from stats_dose_image group by 1, 2, 3, 4, 5, 6, 7
  `.execute(trx);
  await sql`
    insert into stats_dose_totals
      (level, unit_code, parent_code, parent_2025, vaccine_code, dose_number, dose_kind, sex, age_band, n)
    select u.level, u.unit_code, min(u.parent_code), min(u.parent_2025),
      i.vaccine_code, i.dose_number, i.dose_kind, i.sex, i.age_band, count(*)
    from stats_dose_image i cross join lateral ${UNITS(false)}
    where u.unit_code is not null
    group by u.level, u.unit_code, i.vaccine_code, i.dose_number, i.dose_kind, i.sex, i.age_band
  `.execute(trx);
  await sql`
    insert into stats_dose_days (level, unit_code, parent_code, parent_2025, day, dose_number, n)
    select u.level, u.unit_code, min(u.parent_code), min(u.parent_2025), i.day, i.dose_number, count(*)
    from stats_dose_image i cross join lateral ${UNITS(false)}
    where u.unit_code is not null
    group by u.level, u.unit_code, i.day, i.dose_number
  `.execute(trx);
  await sql`
    insert into stats_people_totals
      (level, unit_code, parent_code, parent_2025, sex, birth_year, status, priority_group, n)
    select u.level, u.unit_code, min(u.parent_code), min(u.parent_2025),
      i.sex, i.birth_year, i.status, i.priority_group, count(*)
    from stats_person_image i cross join lateral ${UNITS(true)}
    where u.unit_code is not null
    group by u.level, u.unit_code, i.sex, i.birth_year, i.status, i.priority_group
  `.execute(trx);
  // The drill-down's narrow grain, from the wide tables just made (the same counts, fewer rows to read).
  await sql`
    insert into stats_unit_doses (level, unit_code, parent_code, parent_2025, dose_number, n)
    select level, unit_code, min(parent_code), min(parent_2025), dose_number, sum(n)
    from stats_dose_totals group by level, unit_code, dose_number
  `.execute(trx);
  await sql`
    insert into stats_unit_people (level, unit_code, parent_code, parent_2025, status, n)
    select level, unit_code, min(parent_code), min(parent_2025), status, sum(n)
    from stats_people_totals group by level, unit_code, status
  `.execute(trx);
  await sql`
    insert into stats_report_totals
      (level, unit_code, parent_code, parent_2025, day, state, due_at, on_time, resolve_hours, n)
    select u.level, u.unit_code, min(u.parent_code), min(u.parent_2025),
      i.day, i.state, i.due_at, i.on_time, i.resolve_hours, count(*)
    from stats_report_image i cross join lateral ${UNITS(false)}
    where u.unit_code is not null
    group by u.level, u.unit_code, i.day, i.state, i.due_at, i.on_time, i.resolve_hours
  `.execute(trx);
  return done;
}

/**
 * Every unit an image row `i` counts in, as `unitsOf` (stats.images.ts) makes them: the nation, its
 * 2021 units, its 2025 units and its facility (for people, the facility they are registered with,
 * whose row carries no parent). A null `unit_code` is a level the row has no unit of.
 */
function UNITS(people: boolean): RawBuilder<unknown> {
  const facilityParents = people
    ? sql`'', ''`
    : sql`coalesce(nullif(i.commune_code, ''), nullif(i.district_code, ''), i.province_code),
          coalesce(nullif(i.commune_2025, ''), nullif(i.province_2025, ''), '')`;
  return sql`(values
    ('nation', '', '', ''),
    ('province', nullif(i.province_code, ''), '', ''),
    ('district', nullif(i.district_code, ''), i.province_code, ''),
    ('commune', nullif(i.commune_code, ''), coalesce(nullif(i.district_code, ''), i.province_code), ''),
    ('province2025', nullif(i.province_2025, ''), '', ''),
    ('commune2025', nullif(i.commune_2025, ''), '', coalesce(i.province_2025, '')),
    ('facility', nullif(i.facility_id, ''), ${facilityParents})
  ) u (level, unit_code, parent_code, parent_2025)`;
}

type ImageTable = 'stats_person_image' | 'stats_dose_image' | 'stats_report_image';

/** Inserts images in chunks of one JSON parameter each. */
async function insertImages(trx: Trx, table: ImageTable, rows: readonly object[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    const chunk = rows.slice(i, i + 5000);
    await sql`
      insert into ${sql.table(table)}
      select * from jsonb_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(chunk)}::jsonb)
    `.execute(trx);
  }
}
