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

    -- p_tags: unit tags taken as given (the actor's scope, units named in before/after); p_persons
    -- and p_facilities: people and facilities whose units are looked up. Each a list joined by
    -- chr(31) (one text parameter, the same in every statement that writes entries).
    create function audit_entry_refs(p_type text, p_id text, p_tags text, p_persons text, p_facilities text,
      out unit_codes text[], out person_ids text[])
    language plpgsql stable as $$
    declare
      tags text[] := string_to_array(coalesce(p_tags, ''), chr(31));
      persons text[] := string_to_array(coalesce(p_persons, ''), chr(31));
      facs text[] := string_to_array(coalesce(p_facilities, ''), chr(31));
      r record;
      item text;
      found_tags text[];
    begin
      -- The record's own units, person and facility.
      case p_type
        when 'person' then
          persons := persons || p_id;
        when 'dose' then
          select d.person_id, d.facility_id into r from doses d where d.id = p_id;
          if found then
            persons := persons || r.person_id;
            facs := facs || r.facility_id;
          end if;
        when 'visit' then
          select v.person_id, s.facility_id into r
            from visits v join vaccination_sessions s on s.id = v.session_id where v.id = p_id;
          if found then
            persons := persons || r.person_id;
            facs := facs || r.facility_id;
          end if;
        when 'session' then
          select s.facility_id into r from vaccination_sessions s where s.id = p_id;
          if found then
            facs := facs || r.facility_id;
          end if;
        when 'adverse_event' then
          select a.person_id, a.facility_id into r from adverse_events a where a.id = p_id;
          if found then
            persons := persons || r.person_id;
            facs := facs || r.facility_id;
          end if;
        when 'report' then
          select x.person_id, x.facility_id, x.province_code, x.district_code, x.commune_code into r
            from reports x where x.id = p_id;
          if found then
            persons := persons || r.person_id;
            facs := facs || r.facility_id;
            tags := tags || array['p:' || r.province_code, 'd:' || r.district_code, 'c:' || r.commune_code];
          end if;
        when 'registration' then
          select x.person_id, x.assigned_facility_id, x.province_code, x.district_code, x.commune_code,
                 x.assigned_district_code into r
            from registrations x where x.id = p_id;
          if found then
            persons := persons || r.person_id;
            facs := facs || r.assigned_facility_id;
            tags := tags || array['p:' || r.province_code, 'd:' || r.district_code, 'c:' || r.commune_code,
                                  'd:' || r.assigned_district_code];
          end if;
        when 'campaign' then
          select x.province_code into r from campaigns x where x.id = p_id;
          if found then
            tags := tags || ('p:' || r.province_code);
          end if;
        when 'user' then
          select u.province_code, u.district_code, u.commune_code, u.facility_id into r from users u where u.id = p_id;
          if found then
            facs := facs || r.facility_id;
            tags := tags || array['p:' || r.province_code, 'd:' || r.district_code, 'c:' || r.commune_code];
          end if;
        when 'facility' then
          facs := facs || p_id;
        when 'unit' then
          select u.province_code, case when u.level <> 'province' then u.district_code end as district_code,
                 case when u.level = 'commune' then u.code end as commune_code into r
            from admin_units u where u.scheme = '2021' and u.code = p_id;
          if found then
            tags := tags || array['p:' || r.province_code, 'd:' || r.district_code, 'c:' || r.commune_code];
          end if;
        else
          null;
      end case;

      -- The people's and the facilities' units (one look-up by key each: cheaper than one statement
      -- over arrays), then the tags sorted, without repeats. A facility named but unknown is still named.
      persons := array(select distinct p_x from unnest(persons) p_x where p_x is not null order by p_x);
      foreach item in array persons loop
        select array['p:' || p.province_code, 'd:' || p.district_code, 'c:' || p.commune_code] into found_tags
          from people p where p.id = item;
        if found then
          tags := tags || found_tags;
        end if;
      end loop;
      foreach item in array facs loop
        continue when item is null;
        tags := tags || ('f:' || item);
        select array['p:' || f.province_code, 'd:' || f.district_code, 'c:' || f.commune_code] into found_tags
          from facilities f where f.id = item;
        if found then
          tags := tags || found_tags;
        end if;
      end loop;
      unit_codes := array(select distinct p_t from unnest(tags) p_t where p_t is not null order by p_t);
      person_ids := persons;
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
    drop function if exists audit_entry_refs(text, text, text, text, text);
    drop index if exists audit_log_actor_username;
    drop index if exists audit_log_people;
    drop index if exists audit_log_units;
    alter table audit_log drop column if exists person_ids, drop column if exists unit_codes;
  `.execute(db);
}
