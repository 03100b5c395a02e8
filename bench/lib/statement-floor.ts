/**
 * The fixed cost of one statement on this machine: a trivial parameterised statement
 * (`select $1::int`) sent through the app's own database layer (`openDatabase`: Kysely over a `pg`
 * pool, extended protocol, no prepared statements), one at a time, with the wall time and the CPU
 * of this process and of PostgreSQL per call. A request that sends n statements pays at least n
 * times this, whatever the statements do.
 */
import { sql } from 'kysely';
import { openDatabase } from '../../apps/server/src/db/database.js';
import { cpuSnapshot, cpuUse } from './cpu.js';

/** The probe's result, per statement. */
export interface StatementFloor {
  readonly calls: number;
  readonly wallUs: number;
  /** CPU of this process (Kysely, pg, the socket calls), µs per statement. */
  readonly nodeCpuUs: number | null;
  /** CPU of PostgreSQL (parse, plan, execute, protocol), µs per statement. */
  readonly postgresCpuUs: number | null;
}

/** Sends `calls` trivial statements one after the other (after 200 unmeasured ones). */
export async function probeStatementFloor(
  url: string,
  postmasterPid: number | null,
  calls = 3000,
): Promise<StatementFloor> {
  const database = await openDatabase({ kind: 'postgres', url, poolMax: 1 });
  try {
    for (let i = 0; i < 200; i++) await sql`select ${i}::int as n`.execute(database.db);
    const targets = { appPid: null, postmasterPid };
    const a = cpuSnapshot(targets);
    for (let i = 0; i < calls; i++) await sql`select ${i}::int as n`.execute(database.db);
    const use = cpuUse(a, cpuSnapshot(targets));
    return {
      calls,
      wallUs: (use.wallS * 1e6) / calls,
      nodeCpuUs: use.loadGeneratorS === null ? null : (use.loadGeneratorS * 1e6) / calls,
      postgresCpuUs: use.postgresS === null ? null : (use.postgresS * 1e6) / calls,
    };
  } finally {
    await database.close();
  }
}
