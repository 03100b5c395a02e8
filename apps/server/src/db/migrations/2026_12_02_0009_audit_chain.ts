import { type Kysely, sql } from 'kysely';

/**
 * A hash chain over the audit log, so that an entry changed or removed behind the application's
 * back (by someone who can switch the append-only triggers off) is found by `npm run audit:verify`.
 *
 * Each entry gets a link in `audit_chain`: `prev_hash` (the hash of the entry before it; 32 zero
 * bytes for the first) and
 *
 *   hash = sha256(prev_hash || int8send(id) || sha256(utf8(audit_log_canonical(entry))))
 *
 * where the canonical text is a JSON array of the entry's fields (the time in UTC to the
 * microsecond, `before`/`after` as their jsonb text so that SQL null and JSON null differ).
 *
 * The links are made by a sealer (`audit_log_seal()`, called every second by a server, and by
 * `audit:verify`) in id order, a little after the entries are committed — not by the writers: a
 * chain made while writing needs each writer to wait for the previous one's commit (its hash),
 * i.e. one WAL flush after another for every audited request of the platform, where PostgreSQL
 * otherwise flushes many commits at once. Measured before this design was chosen (8 concurrent
 * writers, synchronous_commit on, on the 2-core benchmark machine): with the chain made in a BEFORE
 * INSERT trigger under a row lock (or an advisory lock), single audited inserts fell from 4,000–11,000
 * to 1,400–2,800 a second, and INSERT … SELECTs of ten entries (the dose fast path's) from 2,400 to
 * 300–1,400 (BENCHMARKS.md, "Audit chain"). Writers now pay one function call per entry for its id.
 *
 * Order without races: an entry's id is taken from a sequence only once its transaction has a
 * transaction id (`audit_log_next_id()`). The sealer notes the sequence's last value L and then the
 * next transaction id X; once every transaction older than X has ended, every entry with an id up to
 * L is committed or never will be, and the range is sealed in id order (ids of rolled-back writes
 * are skipped, the chain links across them). An entry is thus sealed within about two calls of the
 * sealer after its transaction ends (longer while an older writing transaction is still running).
 *
 * Entries written before this migration are sealed here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    -- Ids from a sequence, taken after the transaction has its id (see above).
    alter table audit_log alter column id drop identity if exists;
    -- CACHE 1 (the default) matters: an id cached by a session could be handed out below last_value.
    create sequence audit_log_id_seq cache 1 owned by audit_log.id;
    select setval('audit_log_id_seq', coalesce((select max(id) from audit_log), 0) + 1, false);
    create function audit_log_next_id() returns bigint language plpgsql volatile as $$
    begin
      perform pg_current_xact_id();
      return nextval('audit_log_id_seq'::regclass);
    end;
    $$;
    alter table audit_log alter column id set default audit_log_next_id();

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

    -- One link per entry, append-only like the log.
    create table audit_chain (
      id bigint primary key,
      prev_hash bytea not null,
      hash bytea not null
    );
    create trigger audit_chain_no_update before update or delete on audit_chain
      for each row execute function audit_log_append_only();
    create trigger audit_chain_no_truncate before truncate on audit_chain
      for each statement execute function audit_log_append_only();

    -- Where sealing is: every entry with an id up to sealed_id is linked, the last one with hash;
    -- the entries up to pending_id are final once no transaction older than pending_xid runs.
    create table audit_chain_head (
      one boolean primary key default true check (one),
      sealed_id bigint not null,
      hash bytea not null,
      pending_id bigint not null,
      pending_xid xid8 not null
    );
    create trigger audit_chain_head_no_delete before delete on audit_chain_head
      for each row execute function audit_log_append_only();
    create trigger audit_chain_head_no_truncate before truncate on audit_chain_head
      for each statement execute function audit_log_append_only();

    -- Links what became final (at most max_entries), then notes the next range. One sealer at a
    -- time (another finds the head locked and returns at once). Returns the entries linked.
    create function audit_log_seal(max_entries integer default 100000) returns integer
    language plpgsql volatile as $$
    declare
      h audit_chain_head;
      snap pg_snapshot;
      prev bytea;
      ids bigint[] := '{}';
      prevs bytea[] := '{}';
      hashes bytea[] := '{}';
      r record;
      sealed bigint;
      seq_last bigint;
    begin
      select * into h from audit_chain_head for update skip locked;
      if not found then
        return 0;
      end if;
      sealed := h.sealed_id;
      prev := h.hash;
      snap := pg_current_snapshot();
      -- A pending xid from the future comes with a restored copy: its transactions all ended.
      if h.pending_id > h.sealed_id
         and (pg_snapshot_xmin(snap) >= h.pending_xid or h.pending_xid > pg_snapshot_xmax(snap)) then
        for r in
          select a.id, audit_log_canonical(a) as c from audit_log a
          where a.id > h.sealed_id and a.id <= h.pending_id
          order by a.id limit max_entries
        loop
          ids := ids || r.id;
          prevs := prevs || prev;
          prev := sha256(prev || int8send(r.id) || sha256(convert_to(r.c, 'UTF8')));
          hashes := hashes || prev;
          sealed := r.id;
        end loop;
        -- The whole range is done unless the limit cut it (ids without an entry were rolled back).
        if coalesce(array_length(ids, 1), 0) < max_entries then
          sealed := h.pending_id;
        end if;
        -- A link already there (written by hand) is left for verification to judge.
        insert into audit_chain (id, prev_hash, hash)
          select * from unnest(ids, prevs, hashes) on conflict (id) do nothing;
        update audit_chain_head set sealed_id = sealed, hash = prev;
      end if;
      if sealed >= h.pending_id then
        -- The sequence first, the transaction horizon after (a new snapshot): any id up to
        -- seq_last belongs to a transaction that already had its id.
        select case when s.is_called then s.last_value else s.last_value - 1 end into seq_last
          from audit_log_id_seq s;
        update audit_chain_head
          set pending_id = greatest(seq_last, sealed),
              pending_xid = pg_snapshot_xmax(pg_current_snapshot());
      end if;
      return coalesce(array_length(ids, 1), 0);
    end;
    $$;

    -- Seal what is there now (no transaction writes the log during the migration).
    insert into audit_chain_head (sealed_id, hash, pending_id, pending_xid)
      values (0, decode(repeat('00', 32), 'hex'), coalesce((select max(id) from audit_log), 0), '0'::xid8);
    do $$
    begin
      loop
        perform audit_log_seal(100000);
        exit when (select sealed_id >= pending_id from audit_chain_head);
      end loop;
    end;
    $$;
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop function if exists audit_log_seal(integer);
    drop table if exists audit_chain_head;
    drop table if exists audit_chain;
    drop function if exists audit_log_canonical(audit_log);
    alter table audit_log alter column id drop default;
    drop function if exists audit_log_next_id();
    drop sequence if exists audit_log_id_seq;
    alter table audit_log alter column id add generated always as identity;
    select setval(pg_get_serial_sequence('audit_log', 'id'), coalesce((select max(id) from audit_log), 0) + 1, false);
  `.execute(db);
}
