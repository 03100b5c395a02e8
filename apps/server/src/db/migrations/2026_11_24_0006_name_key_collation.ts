import { type Kysely, sql } from 'kysely';

/**
 * Name search under a database collation other than "C" (e.g. C.UTF-8 on PostgreSQL 15) could not
 * use the name index to return rows in name order, and fell back to walking the name+birth-date
 * index: ~1 s for a common prefix on 1 M people (BENCHMARKS.md). The diacritic-free key is plain
 * ASCII, so byte order is the right order: give the column the "C" collation and index it with the
 * id for a stable order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists people_name_key;
    drop index if exists people_province_name_key;
    alter table people alter column name_key type text collate "C";
    create index people_name_key on people (name_key, id) where merged_into is null;
    create index people_province_name_key on people (province_code, name_key, id) where merged_into is null;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists people_name_key;
    drop index if exists people_province_name_key;
    alter table people alter column name_key type text collate "default";
    create index people_name_key on people (name_key text_pattern_ops) where merged_into is null;
    create index people_province_name_key on people (province_code, name_key text_pattern_ops) where merged_into is null;
  `.execute(db);
}
