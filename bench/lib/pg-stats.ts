/**
 * PostgreSQL-side counters around a run: WAL written (exact, from the WAL position), WAL flushes
 * and commits (cumulative statistics, which backends publish about once a second under load, so a
 * delta over a run of several seconds is accurate to roughly a second's worth), and
 * `pg_stat_statements` when the server has it loaded.
 */
import type pg from 'pg';

/** Counters at one instant. */
export interface PgCounters {
  readonly walLsnBytes: number;
  readonly walSyncs: number | null;
  readonly walWrites: number | null;
  readonly commits: number;
  readonly rollbacks: number;
}

/** Reads the counters of the current database now (the statistics snapshot is cleared first). */
export async function pgCounters(client: pg.ClientBase): Promise<PgCounters> {
  await client.query('select pg_stat_clear_snapshot()');
  const { rows } = await client.query<{ lsn: string; commits: string; rollbacks: string }>(
    `select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text as lsn,
            xact_commit::text as commits, xact_rollback::text as rollbacks
       from pg_stat_database where datname = current_database()`,
  );
  let walSyncs: number | null = null;
  let walWrites: number | null = null;
  try {
    const wal = await client.query<{ wal_sync: string; wal_write: string }>(
      'select wal_sync::text, wal_write::text from pg_stat_wal',
    );
    walSyncs = Number(wal.rows[0]?.wal_sync ?? Number.NaN);
    walWrites = Number(wal.rows[0]?.wal_write ?? Number.NaN);
  } catch {
    // pg_stat_wal is PostgreSQL 14+.
  }
  const r = rows[0]!;
  return {
    walLsnBytes: Number(r.lsn),
    walSyncs,
    walWrites,
    commits: Number(r.commits),
    rollbacks: Number(r.rollbacks),
  };
}

/** What happened between two {@link PgCounters}. */
export interface PgDelta {
  readonly walBytes: number;
  readonly walSyncs: number | null;
  readonly walWrites: number | null;
  readonly commits: number;
  readonly rollbacks: number;
}

/** The counters' change from `a` to `b`. */
export function pgDelta(a: PgCounters, b: PgCounters): PgDelta {
  return {
    walBytes: b.walLsnBytes - a.walLsnBytes,
    walSyncs: a.walSyncs !== null && b.walSyncs !== null ? b.walSyncs - a.walSyncs : null,
    walWrites: a.walWrites !== null && b.walWrites !== null ? b.walWrites - a.walWrites : null,
    commits: b.commits - a.commits,
    rollbacks: b.rollbacks - a.rollbacks,
  };
}

/** True when `pg_stat_statements` can be queried in this database (creates the extension if needed). */
export async function enableStatements(client: pg.ClientBase): Promise<boolean> {
  try {
    await client.query('create extension if not exists pg_stat_statements');
    await client.query('select 1 from pg_stat_statements limit 1');
    return true;
  } catch {
    return false;
  }
}

/** One normalised statement of `pg_stat_statements`. */
export interface StatementStat {
  readonly query: string;
  readonly calls: number;
  readonly rows: number;
  /** Execution time, ms, summed over the calls. */
  readonly execMs: number;
  /** Planning time, ms, summed (0 unless `pg_stat_statements.track_planning` is on). */
  readonly planMs: number;
}

/** Empties `pg_stat_statements` (all databases). */
export async function resetStatements(client: pg.ClientBase): Promise<void> {
  await client.query('select pg_stat_statements_reset()');
}

/** The statements of the current database since the last reset, by total time. */
export async function readStatements(client: pg.ClientBase): Promise<StatementStat[]> {
  const { rows } = await client.query<{
    query: string;
    calls: string;
    rows: string;
    exec: number;
    plan: number;
  }>(
    `select query, calls::text, rows::text, total_exec_time as exec, total_plan_time as plan
       from pg_stat_statements
      where dbid = (select oid from pg_database where datname = current_database())
        and query not ilike '%pg_stat_statements%' and query not ilike '%pg_stat_%'
      order by total_exec_time + total_plan_time desc`,
  );
  return rows.map((r) => ({
    query: r.query.replace(/\s+/g, ' ').trim(),
    calls: Number(r.calls),
    rows: Number(r.rows),
    execMs: r.exec,
    planMs: r.plan,
  }));
}
