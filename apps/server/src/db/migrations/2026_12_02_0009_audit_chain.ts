import { type Kysely, sql } from 'kysely';

/**
 * A hash chain over the audit log, so that an entry changed or removed behind the application's
 * back (by someone who can switch the append-only triggers off) is found by `npm run audit:verify`.
 *
 * Each entry gets `prev_hash` (the hash of the entry before it; 32 zero bytes for the first) and
 *
 *   hash = sha256(prev_hash || int8send(id) || sha256(utf8(audit_log_canonical(entry))))
 *
 * where the canonical text is a JSON array of the entry's fields (the time in UTC to the
 * microsecond, `before`/`after` as their jsonb text so that SQL null and JSON null differ). A BEFORE
 * INSERT trigger computes it, so every way the application writes entries is covered (a plain
 * INSERT, a data-modifying CTE, an INSERT … SELECT of many).
 *
 * Order without races: the trigger takes the next id and the previous hash from the one row of
 * `audit_chain_head` by updating it. That row's lock is held until the writing transaction ends, so
 * writers of audit entries follow one another in commit order and ids are given in chain order (the
 * id is no longer an identity: it is assigned under the lock, which also makes new ids gapless).
 * The entry's own content is hashed before the lock is taken: under the lock there is only one
 * UPDATE and one sha256 of 72 bytes. From its first entry on, a transaction holds the chain until
 * it commits, so it should write its entries as late as it can, and after its first entry take no
 * row lock another writer of the audit log may hold (that would be a deadlock, which PostgreSQL
 * detects and breaks by failing one of the two).
 *
 * Entries written before this migration are sealed here, in id order.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table audit_log alter column id drop identity if exists;
    alter table audit_log add column prev_hash bytea, add column hash bytea;

    create table audit_chain_head (
      one boolean primary key default true check (one),
      last_id bigint not null,
      prev_hash bytea not null,
      hash bytea not null
    );
    create trigger audit_chain_head_no_delete before delete on audit_chain_head
      for each row execute function audit_log_append_only();
    create trigger audit_chain_head_no_truncate before truncate on audit_chain_head
      for each statement execute function audit_log_append_only();

    -- What an entry's hash covers besides its id and the previous hash. Verification reads it too.
    create function audit_log_canonical(e audit_log) returns text language sql stable as $$
      select jsonb_build_array(
        to_char(e.at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.actor_id, e.actor_username, e.actor_role,
        e.action, e.entity_type, e.entity_id,
        e.before::text, e.after::text,
        e.reason, e.request_id, e.ip
      )::text
    $$;

    -- Seal the entries already written, in id order.
    alter table audit_log disable trigger audit_log_no_update;
    do $$
    declare
      r record;
      prev bytea := decode(repeat('00', 32), 'hex');
      before_prev bytea := prev;
      last_seen bigint := 0;
      h bytea;
    begin
      for r in select a.id, audit_log_canonical(a) as c from audit_log a order by a.id loop
        h := sha256(prev || int8send(r.id) || sha256(convert_to(r.c, 'UTF8')));
        update audit_log set prev_hash = prev, hash = h where id = r.id;
        before_prev := prev;
        prev := h;
        last_seen := r.id;
      end loop;
      insert into audit_chain_head (last_id, prev_hash, hash) values (last_seen, before_prev, prev);
    end;
    $$;
    alter table audit_log enable trigger audit_log_no_update;
    alter table audit_log alter column prev_hash set not null, alter column hash set not null;

    create function audit_log_chain() returns trigger language plpgsql as $$
    declare
      content bytea := sha256(convert_to(audit_log_canonical(new), 'UTF8'));
    begin
      -- The lock: held from here until this transaction ends.
      update audit_chain_head h
        set last_id = h.last_id + 1,
            prev_hash = h.hash,
            hash = sha256(h.hash || int8send(h.last_id + 1) || content)
        returning h.last_id, h.prev_hash, h.hash into new.id, new.prev_hash, new.hash;
      if not found then
        raise exception 'audit_chain_head is missing: the audit log cannot be appended to';
      end if;
      return new;
    end;
    $$;
    create trigger audit_log_chain before insert on audit_log
      for each row execute function audit_log_chain();
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop trigger if exists audit_log_chain on audit_log;
    drop function if exists audit_log_chain();
    drop function if exists audit_log_canonical(audit_log);
    drop table if exists audit_chain_head;
    alter table audit_log drop column if exists prev_hash, drop column if exists hash;
    alter table audit_log alter column id add generated always as identity;
    select setval(pg_get_serial_sequence('audit_log', 'id'), coalesce((select max(id) from audit_log), 0) + 1, false);
  `.execute(db);
}
