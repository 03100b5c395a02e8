import { type Kysely, sql } from 'kysely';

/** Report handling: corrections linked to reports, re-assignments, campaigns. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table report_actions (
      id bigint generated always as identity primary key,
      report_id text not null references reports (id),
      action text not null,
      entity_type text,
      entity_id text,
      detail jsonb,
      actor text,
      at timestamptz not null default now()
    );
    create index report_actions_report on report_actions (report_id, at);

    create table campaigns (
      id text primary key,
      name text not null,
      province_code text,
      receive_from timestamptz not null,
      receive_to timestamptz not null,
      deadline timestamptz not null,
      created_by text,
      created_at timestamptz not null default now(),
      check (receive_from < receive_to and receive_to <= deadline)
    );

    -- The overdue queue of a province: open reports by due time.
    create index reports_overdue_queue on reports (province_code, due_at) where status <> 'resolved';
    create index reports_received on reports (province_code, received_at);
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists reports_received;
    drop index if exists reports_overdue_queue;
    drop table if exists campaigns;
    drop table if exists report_actions;
  `.execute(db);
}
