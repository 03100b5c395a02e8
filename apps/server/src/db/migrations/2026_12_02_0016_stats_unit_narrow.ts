import { type Kysely, sql } from 'kysely';

/**
 * Narrow per-unit aggregates for the drill-down (issue 15), owned by the stats module.
 *
 * A drill-down lists a unit's children with their doses by dose number and their people by status.
 * Read from `stats_dose_totals` and `stats_people_totals`, that is a GROUP BY over every child's
 * rows of vaccine × kind × sex × age band (≈ 200 a unit) and of sex × birth year × group (≈ 700):
 * tens of thousands of rows for a large province. These two tables keep the same counts at the
 * grain the drill-down reads — doses by unit × dose number, people by unit × status — so it reads a
 * few rows a child. The fold, the bulk rebuild and `stats:verify` keep and check them like every
 * other aggregate; they are filled here from the wide tables, which hold the same counts.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table stats_unit_doses (
      level text not null,
      unit_code text not null,
      parent_code text not null,
      parent_2025 text not null,
      dose_number integer not null,
      n bigint not null,
      primary key (level, unit_code, dose_number)
    );
    create index stats_unit_doses_parent on stats_unit_doses (level, parent_code);
    create index stats_unit_doses_parent_2025 on stats_unit_doses (level, parent_2025);

    create table stats_unit_people (
      level text not null,
      unit_code text not null,
      parent_code text not null,
      parent_2025 text not null,
      status text not null,
      n bigint not null,
      primary key (level, unit_code, status)
    );
    create index stats_unit_people_parent on stats_unit_people (level, parent_code);
    create index stats_unit_people_parent_2025 on stats_unit_people (level, parent_2025);

    insert into stats_unit_doses (level, unit_code, parent_code, parent_2025, dose_number, n)
    select level, unit_code, min(parent_code), min(parent_2025), dose_number, sum(n)
    from stats_dose_totals group by level, unit_code, dose_number having sum(n) <> 0;

    insert into stats_unit_people (level, unit_code, parent_code, parent_2025, status, n)
    select level, unit_code, min(parent_code), min(parent_2025), status, sum(n)
    from stats_people_totals group by level, unit_code, status having sum(n) <> 0;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop table if exists stats_unit_people;
    drop table if exists stats_unit_doses;
  `.execute(db);
}
