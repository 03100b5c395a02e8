import { type Kysely, sql } from 'kysely';

/**
 * `audit_entry_refs_listed()`: what `audit_entry_refs()` (migration 0013) answers for an entry whose
 * entity is not read — a person or a facility (its own id is its reference), or an entity written
 * by the same statement, which that statement cannot see (the entry is tied through the people and
 * facilities it names) — in plain SQL, which PostgreSQL inlines into the statement that writes the
 * entries: the look-ups become part of that statement's plan instead of a PL/pgSQL call per entry,
 * each running its own queries. Same answer (a test compares the two on random entries); on 2,000
 * dose entries the INSERT … SELECT took 98–108 ms instead of 157–215 ms, the references alone
 * 36–49 ms instead of 110–157 ms (BENCHMARKS.md, "Bulk import").
 *
 * `p_type` other than 'person' and 'facility' adds nothing: the caller uses this function only
 * where `audit_entry_refs()` would not read the entity either.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function audit_entry_refs_listed(p_type text, p_id text, p_tags text, p_persons text, p_facilities text)
    returns table (unit_codes text[], person_ids text[])
    language sql stable as $$
      select
        array(
          select distinct t from (
            select unnest(string_to_array(p_tags, chr(31))) as t
            union all
            select unnest(array['p:' || p.province_code, 'd:' || p.district_code, 'c:' || p.commune_code])
              from people p where p.id = any(l.persons)
            union all
            select 'f:' || f from unnest(l.facilities) as f
            union all
            select unnest(array['p:' || x.province_code, 'd:' || x.district_code, 'c:' || x.commune_code])
              from facilities x where x.id = any(l.facilities)
          ) tags
          where t is not null order by t
        ),
        array(select distinct x from unnest(l.persons) as x where x is not null order by x)
      from (
        select string_to_array(p_persons, chr(31)) || case when p_type = 'person' then p_id end as persons,
               string_to_array(p_facilities, chr(31)) || case when p_type = 'facility' then p_id end as facilities
      ) l
    $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists audit_entry_refs_listed(text, text, text, text, text)`.execute(db);
}
