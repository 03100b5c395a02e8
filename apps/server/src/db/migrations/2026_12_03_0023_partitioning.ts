import { type Kysely, sql } from 'kysely';

/**
 * Migration 0013's `audit_log_canonical`, made again on the row type of the table the migration
 * leaves (a function typed on a table's rows goes with that table). The text is fixed here, as a
 * migration's must be: the hash chain covers it.
 */
const CANONICAL = sql.raw(`create function audit_log_canonical(e audit_log) returns text language sql stable as $$
  select (
    jsonb_build_array(
      to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      e.actor_id, e.actor_username, e.actor_role,
      e.action, e.entity_type, e.entity_id,
      e.before::text, e.after::text,
      e.reason, e.request_id, e.ip
    )
    || case
         when e.unit_codes is null and e.person_ids is null then '[]'::jsonb
         else jsonb_build_array(to_jsonb(e.unit_codes), to_jsonb(e.person_ids))
       end
  )::text
$$;`);

/**
 * The secondary indexes and the foreign keys to other tables of `doses` (migration 0003's), the
 * same on the partitioned table and the plain one; made after the rows are copied in.
 */
const DOSE_INDEXES_AND_KEYS =
  sql.raw(`create unique index doses_person_day on doses (person_id, administered_on) where duplicate_of is null;
create index doses_lot on doses (lot_id);
create index doses_facility_day on doses (facility_id, administered_on);
create index doses_session on doses (session_id) where session_id is not null;
create index doses_province_day on doses (province_code, administered_on);
alter table doses
  add constraint doses_person_id_fkey foreign key (person_id) references people (id),
  add constraint doses_vaccine_code_fkey foreign key (vaccine_code) references vaccines (code),
  add constraint doses_lot_id_fkey foreign key (lot_id) references lots (id),
  add constraint doses_facility_id_fkey foreign key (facility_id) references facilities (id),
  add constraint doses_session_id_fkey foreign key (session_id) references vaccination_sessions (id)`);

/**
 * The two tables that grow with the nation, partitioned (docs/scaling.md, "Partitioning"):
 *
 * - `doses` by hash of `person_id`, 8 partitions (`doses_h0` … `doses_h7`). The person is the key
 *   every read of the dose path goes by (a person's doses, the person-day rule, the recording's
 *   snapshot), and the distribution key a sharded PostgreSQL (Citus) would take: every unique
 *   constraint of the table includes it, as both engines require.
 *     - primary key `(id, person_id)`: a dose is still found by its id alone (the key's first
 *       column, one probe per partition);
 *     - the Idempotency-Key, unique over every person (a key reused for another person is refused
 *       with `idempotency_key_reused`, also when both requests come at the same instant), cannot
 *       be a unique index of a table partitioned by person: it is the primary key of `dose_keys`
 *       (key → dose id), which a statement trigger on `doses` fills from the rows each statement
 *       inserted — so every writer (the API, the bulk import, COPY) claims its keys, and a key
 *       already claimed fails the statement with 23505 as the index did. The recording's read finds
 *       a key's dose through it (one probe, not one per partition). In a sharded deployment it is
 *       its own table, distributed by the key;
 *     - a merge duplicate points at its twin of the same person: `(duplicate_of, person_id)`
 *       references `(id, person_id)`, checked at commit (a merge moves both in one transaction);
 *     - `visits.dose_id` and `adverse_events.dose_id` keep their person when a merge moves the dose
 *       to the survivor, so they cannot carry the dose's person: their foreign keys become
 *       constraint triggers (the dose must exist; a referenced dose cannot be deleted).
 * - `audit_log` by range of `at`, one partition a year (`audit_log_y2021` …) and a default one
 *   that keeps any entry outside them: old years can be detached and archived whole. The primary
 *   key is `(id, at)`; ids still come from the one sequence, so the hash chain is unchanged.
 *   `audit_log_add_partitions(through)` makes the years up to `through` (the server calls it
 *   at start and twice a day); `audit_log_canonical` is remade on the new row type.
 *
 * Rows are copied (INSERT … SELECT) into the new tables in the migration's transaction.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- ── doses ──────────────────────────────────────────────────────────────────────────────────
    do $$
    declare c record;
    begin
      for c in select conrelid::regclass as t, conname from pg_constraint
               where contype = 'f' and confrelid = 'doses'::regclass loop
        execute format('alter table %s drop constraint %I', c.t, c.conname);
      end loop;
    end;
    $$;
    alter table doses rename to doses_unpartitioned;
    alter table doses_unpartitioned rename constraint doses_pkey to doses_unpartitioned_pkey;
    drop index doses_idempotency_key, doses_person_day, doses_lot, doses_facility_day, doses_session, doses_province_day;

    create table doses (like doses_unpartitioned including defaults including constraints)
      partition by hash (person_id);
    alter table doses add constraint doses_pkey primary key (id, person_id);
    do $$
    begin
      for r in 0..7 loop
        execute format('create table doses_h%s partition of doses for values with (modulus 8, remainder %s)', r, r);
      end loop;
    end;
    $$;
    insert into doses select * from doses_unpartitioned;
    drop table doses_unpartitioned;

    create table dose_keys (
      idempotency_key text primary key,
      dose_id text not null
    );
    insert into dose_keys (idempotency_key, dose_id)
      select idempotency_key, id from doses where idempotency_key is not null;
    create function doses_claim_keys() returns trigger language plpgsql as $$
    begin
      insert into dose_keys (idempotency_key, dose_id)
        select n.idempotency_key, n.id from new_doses n where n.idempotency_key is not null;
      return null;
    end;
    $$;
    create trigger doses_claim_keys after insert on doses referencing new table as new_doses
      for each statement execute function doses_claim_keys();
    ${DOSE_INDEXES_AND_KEYS};
    alter table doses add constraint doses_duplicate_of_fkey foreign key (duplicate_of, person_id)
      references doses (id, person_id) deferrable initially deferred;

    -- What the foreign keys of visits.dose_id and adverse_events.dose_id checked.
    create function dose_reference_exists() returns trigger language plpgsql as $$
    begin
      if new.dose_id is not null and not exists (select 1 from doses d where d.id = new.dose_id) then
        raise exception 'insert or update on table "%" violates foreign key: dose % does not exist', tg_table_name, new.dose_id
          using errcode = 'foreign_key_violation';
      end if;
      return null;
    end;
    $$;
    create constraint trigger visits_dose_exists after insert or update of dose_id on visits
      for each row execute function dose_reference_exists();
    create constraint trigger adverse_events_dose_exists after insert or update of dose_id on adverse_events
      for each row execute function dose_reference_exists();
    -- After the statement's rows: a merge moving a dose to another person's partition deletes and
    -- inserts it (row movement), and the dose is still there under its id.
    create function dose_not_referenced() returns trigger language plpgsql as $$
    begin
      if not exists (select 1 from doses d where d.id = old.id)
         and (exists (select 1 from visits v where v.dose_id = old.id)
              or exists (select 1 from adverse_events a where a.dose_id = old.id)) then
        raise exception 'dose % is still referenced by a visit or an adverse event', old.id
          using errcode = 'foreign_key_violation';
      end if;
      return null;
    end;
    $$;
    create trigger doses_referenced after delete on doses
      for each row execute function dose_not_referenced();

    -- ── audit_log ──────────────────────────────────────────────────────────────────────────────
    alter table audit_log rename to audit_log_unpartitioned;
    alter table audit_log_unpartitioned rename constraint audit_log_pkey to audit_log_unpartitioned_pkey;
    drop index audit_log_entity, audit_log_actor, audit_log_units, audit_log_people, audit_log_actor_username;
    drop function audit_log_canonical(audit_log_unpartitioned);

    create table audit_log (like audit_log_unpartitioned including defaults) partition by range (at);
    alter table audit_log add constraint audit_log_pkey primary key (id, at);
    create index audit_log_entity on audit_log (entity_type, entity_id, at);
    create index audit_log_actor on audit_log (actor_id, at);
    create index audit_log_units on audit_log using gin (unit_codes);
    create index audit_log_people on audit_log using gin (person_ids);
    create index audit_log_actor_username on audit_log (actor_username);
    create table audit_log_default partition of audit_log default;
    create trigger audit_log_no_update before update or delete on audit_log
      for each row execute function audit_log_append_only();
    create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_append_only();
    create trigger audit_log_no_truncate before truncate on audit_log_default
      for each statement execute function audit_log_append_only();

    -- One partition a year from 2021 up to the year of through; a year whose entries are already
    -- in the default partition stays there (nothing is moved under the writers). Returns how many
    -- partitions it made.
    create function audit_log_add_partitions(through timestamptz) returns integer language plpgsql as $$
    declare
      last integer := extract(year from through at time zone 'UTC')::integer;
      made integer := 0;
      y integer;
      name text;
      lo timestamptz;
      hi timestamptz;
    begin
      for y in 2021..last loop
        name := 'audit_log_y' || y;
        continue when to_regclass(name) is not null;
        lo := make_timestamptz(y, 1, 1, 0, 0, 0, 'UTC');
        hi := make_timestamptz(y + 1, 1, 1, 0, 0, 0, 'UTC');
        continue when exists (select 1 from audit_log_default where at >= lo and at < hi);
        execute format('create table %I partition of audit_log for values from (%L) to (%L)', name, lo, hi);
        execute format('create trigger audit_log_no_truncate before truncate on %I '
                       'for each statement execute function audit_log_append_only()', name);
        made := made + 1;
      end loop;
      return made;
    end;
    $$;
    select audit_log_add_partitions(now() + interval '1 year');

    -- Migration 0013's canonical text, on the partitioned table's row type.
    ${CANONICAL}

    insert into audit_log select * from audit_log_unpartitioned;
    alter sequence audit_log_id_seq owned by audit_log.id;
    drop table audit_log_unpartitioned;

    -- The planner's statistics of the new tables, before the first query needs them.
    analyze doses;
    analyze dose_keys;
    analyze audit_log;
  `.execute(db);
}

/** Back to one table each, rows copied; the hash chain is unchanged (ids and contents are). */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table audit_log rename to audit_log_partitioned;
    alter table audit_log_partitioned rename constraint audit_log_pkey to audit_log_partitioned_pkey;
    drop index audit_log_entity, audit_log_actor, audit_log_units, audit_log_people, audit_log_actor_username;
    drop function audit_log_canonical(audit_log_partitioned);
    drop function audit_log_add_partitions(timestamptz);
    create table audit_log (like audit_log_partitioned including defaults);
    alter table audit_log add constraint audit_log_pkey primary key (id);
    insert into audit_log select * from audit_log_partitioned;
    create index audit_log_entity on audit_log (entity_type, entity_id, at);
    create index audit_log_actor on audit_log (actor_id, at);
    create index audit_log_units on audit_log using gin (unit_codes);
    create index audit_log_people on audit_log using gin (person_ids);
    create index audit_log_actor_username on audit_log (actor_username);
    create trigger audit_log_no_update before update or delete on audit_log
      for each row execute function audit_log_append_only();
    create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_append_only();
    ${CANONICAL}
    alter sequence audit_log_id_seq owned by audit_log.id;
    drop table audit_log_partitioned;

    drop trigger doses_referenced on doses;
    drop function dose_not_referenced();
    drop trigger visits_dose_exists on visits;
    drop trigger adverse_events_dose_exists on adverse_events;
    drop function dose_reference_exists();
    drop trigger doses_claim_keys on doses;
    drop function doses_claim_keys();
    drop table dose_keys;
    alter table doses rename to doses_partitioned;
    alter table doses_partitioned drop constraint doses_duplicate_of_fkey;
    alter table doses_partitioned rename constraint doses_pkey to doses_partitioned_pkey;
    drop index doses_person_day, doses_lot, doses_facility_day, doses_session, doses_province_day;
    create table doses (like doses_partitioned including defaults including constraints);
    alter table doses add constraint doses_pkey primary key (id);
    insert into doses select * from doses_partitioned;
    drop table doses_partitioned;
    create unique index doses_idempotency_key on doses (idempotency_key) where idempotency_key is not null;
    ${DOSE_INDEXES_AND_KEYS};
    alter table doses add constraint doses_duplicate_of_fkey foreign key (duplicate_of) references doses (id);
    alter table visits add constraint visits_dose_id_fkey foreign key (dose_id) references doses (id);
    alter table adverse_events add constraint adverse_events_dose_id_fkey foreign key (dose_id) references doses (id);
  `.execute(db);
}
