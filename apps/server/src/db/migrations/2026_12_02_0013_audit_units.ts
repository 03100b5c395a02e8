import { type Kysely, sql } from 'kysely';

/**
 * What an audit entry is about, stored on the entry when it is written, so that the log can be
 * read per unit (`GET /api/audit`: a province or district administrator reads the entries of
 * their units) and per person.
 *
 * - `unit_codes`: the units the entry is tied to, each tagged with its level — `p:87` (province),
 *   `d:866` (district), `c:29866` (commune), `f:DT-CL-01` (facility) — sorted, without repeats:
 *     1. the units of the record it is about, as they are when the entry is written: a person's
 *        province, district and commune; a dose's, a visit's, a session's or an adverse event's
 *        facility (and the facility's units) and person; a report's or a registration's units,
 *        facility and person; a staff account's unit and facility; a facility's units; an
 *        administrative unit and the units above it; a campaign's province;
 *     2. the units named at the top level of the entry's `before` and `after` (`provinceCode`,
 *        `districtCode`, `communeCode`, `facilityId` — the facility's units too — and `personId`,
 *        the person's units): a record moved from one unit to another is tied to both; a change
 *        whose record is written in the same statement (a dose and its entry, one statement) is
 *        tied through what it names;
 *     3. the unit of the staff member who acted (the scope of their account), so that an
 *        administrator also sees what the staff of their units did elsewhere.
 *   An empty array: tied to no unit (a signing key, a portal look-up): the nation's only.
 * - `person_ids`: the people the entry is about (the person itself, or the person of the dose,
 *   visit, adverse event, report or registration, or named as `personId`).
 *
 * Both are written by `recordAudit` (and the two other writers of the audit module) through
 * `audit_entry_refs()`, in the statement that writes the entry. They are NULL on entries written
 * before this migration (those are the nation's only, and found by person through their entity);
 * they are never changed afterwards (the log is append-only).
 *
 * The hash chain covers them. `audit_log_canonical()` appends `[unit_codes, person_ids]` to the
 * entry's canonical text when either is set, and leaves the text exactly as migration 0009 made it
 * when both are NULL: every entry sealed before this migration verifies as before, and a tag added
 * to, changed on or removed from an entry afterwards breaks its link.
 *
 * `audit_entry_refs()` reads, and only reads, the unit columns of the records' own tables, at the
 * moment of writing: a read model in the database, like a view, because the entry's units must be
 * taken in the statement that writes it (no round trip more per audited request; the dose fast path
 * writes up to 64 entries in one INSERT … SELECT).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table audit_log add column unit_codes text[], add column person_ids text[];
    create index audit_log_units on audit_log using gin (unit_codes);
    create index audit_log_people on audit_log using gin (person_ids);
    create index audit_log_actor_username on audit_log (actor_username);

    create function audit_entry_refs(p_type text, p_id text, p_hints jsonb,
      out unit_codes text[], out person_ids text[])
    language plpgsql stable as $$
    declare
      hints jsonb := case when jsonb_typeof(p_hints) = 'array' then p_hints else '[]'::jsonb end;
      persons text[];
      facs text[];
      tags text[];
    begin
      select
        coalesce(array_agg(h->>'personId') filter (where h->>'personId' is not null), '{}'),
        coalesce(array_agg(h->>'facilityId') filter (where h->>'facilityId' is not null), '{}')
        into persons, facs
        from jsonb_array_elements(hints) h where jsonb_typeof(h) = 'object';
      tags := array(
        select t from jsonb_array_elements(hints) h,
          lateral (values ('p:' || (h->>'provinceCode')), ('d:' || (h->>'districtCode')),
                          ('c:' || (h->>'communeCode'))) v(t)
        where jsonb_typeof(h) = 'object' and t is not null);

      case p_type
        when 'person' then
          persons := persons || p_id;
        when 'dose' then
          persons := persons || array(select person_id from doses where id = p_id);
          facs := facs || array(select facility_id from doses where id = p_id);
        when 'visit' then
          persons := persons || array(select person_id from visits where id = p_id);
          facs := facs || array(
            select s.facility_id from visits v join vaccination_sessions s on s.id = v.session_id where v.id = p_id);
        when 'session' then
          facs := facs || array(select facility_id from vaccination_sessions where id = p_id);
        when 'adverse_event' then
          persons := persons || array(select person_id from adverse_events where id = p_id);
          facs := facs || array(select facility_id from adverse_events where id = p_id);
        when 'report' then
          persons := persons || array(select person_id from reports where id = p_id and person_id is not null);
          facs := facs || array(select facility_id from reports where id = p_id and facility_id is not null);
          tags := tags || array(
            select t from reports r,
              lateral (values ('p:' || r.province_code), ('d:' || r.district_code), ('c:' || r.commune_code)) v(t)
            where r.id = p_id and t is not null);
        when 'registration' then
          persons := persons || array(select person_id from registrations where id = p_id and person_id is not null);
          facs := facs || array(
            select assigned_facility_id from registrations where id = p_id and assigned_facility_id is not null);
          tags := tags || array(
            select t from registrations r,
              lateral (values ('p:' || r.province_code), ('d:' || r.district_code), ('c:' || r.commune_code),
                              ('d:' || r.assigned_district_code)) v(t)
            where r.id = p_id and t is not null);
        when 'campaign' then
          tags := tags || array(select 'p:' || province_code from campaigns where id = p_id and province_code is not null);
        when 'user' then
          facs := facs || array(select facility_id from users where id = p_id and facility_id is not null);
          tags := tags || array(
            select t from users u,
              lateral (values ('p:' || u.province_code), ('d:' || u.district_code), ('c:' || u.commune_code)) v(t)
            where u.id = p_id and t is not null);
        when 'facility' then
          facs := facs || p_id;
        when 'unit' then
          tags := tags || array(
            select t from admin_units u,
              lateral (values ('p:' || u.province_code),
                              ('d:' || case when u.level <> 'province' then u.district_code end),
                              ('c:' || case when u.level = 'commune' then u.code end)) v(t)
            where u.scheme = '2021' and u.code = p_id and t is not null);
        else
          null;
      end case;

      tags := tags || array(
        select t from people p,
          lateral (values ('p:' || p.province_code), ('d:' || p.district_code), ('c:' || p.commune_code)) v(t)
        where p.id = any(persons) and t is not null);
      tags := tags || array(
        select t from facilities f,
          lateral (values ('p:' || f.province_code), ('d:' || f.district_code), ('c:' || f.commune_code),
                          ('f:' || f.id)) v(t)
        where f.id = any(facs) and t is not null);
      -- A facility named but unknown (deleted, or a typo in an import) is still named.
      tags := tags || array(select 'f:' || x from unnest(facs) x where x is not null);

      unit_codes := array(select distinct t from unnest(tags) t order by t);
      person_ids := array(select distinct x from unnest(persons) x where x is not null order by x);
    end;
    $$;

    -- Migration 0009's canonical text, with [unit_codes, person_ids] appended when either is set.
    create or replace function audit_log_canonical(e audit_log) returns text language sql stable as $$
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
    $$;
  `.execute(db);
}

/**
 * Back to migration 0009's canonical text. Entries sealed with units or people no longer verify
 * after this (what their hash covered is dropped with the columns): going down is for a database
 * restored to before this migration, or a test.
 */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    create or replace function audit_log_canonical(e audit_log) returns text language sql stable as $$
      select jsonb_build_array(
        to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.actor_id, e.actor_username, e.actor_role,
        e.action, e.entity_type, e.entity_id,
        e.before::text, e.after::text,
        e.reason, e.request_id, e.ip
      )::text
    $$;
    drop function if exists audit_entry_refs(text, text, jsonb);
    drop index if exists audit_log_actor_username;
    drop index if exists audit_log_people;
    drop index if exists audit_log_units;
    alter table audit_log drop column if exists person_ids, drop column if exists unit_codes;
  `.execute(db);
}
