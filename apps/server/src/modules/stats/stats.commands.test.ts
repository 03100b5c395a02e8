import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { statsSources } from '../../bootstrap/stats-sources.js';
import { migrateToLatest } from '../../db/migrate.js';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { createTestDatabase, foldStatsNow, useTestApp } from '../../test/harness.js';
import { runTsx } from '../../test/process.js';
import { statsRebuildCommand, statsVerifyCommand } from './stats.commands.js';

/** `npm run stats:verify` and `npm run stats:rebuild` (issue 15, "consistency"). */

const t = await useTestApp({ deps: { clock: () => new Date('2022-01-10T03:00:00Z') } });

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

async function personWithDose() {
  const p = await createPersonVia(t, buildPersonIn('87'));
  const r = await t.call('POST', `/api/people/${p.id}/doses`, {
    as: 'admin',
    headers: { 'idempotency-key': randomUUID() },
    body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587', administeredOn: '2021-09-01', facilityId: 'DT-CL-01' },
  });
  expect(r.status).toBe(201);
  return { person: p, dose: r.body };
}

describe('stats-verify and stats-rebuild', () => {
  it('verify drains the marks, then finds the aggregates equal to the records: exit 0 and one line', async () => {
    await personWithDose();
    const c = capture();
    expect(await statsVerifyCommand(t.db, statsSources, c.io)).toBe(0);
    expect(c.out).toHaveLength(1);
    expect(c.out[0]).toMatch(
      /^statistics OK: every aggregate equals the records \(\d+ people with their doses, \d+ reports/,
    );
    expect(c.err.join('\n')).toMatch(/counted \d+ people and reports/);
    expect(await t.db.selectFrom('stats_dirty').select('person_id').execute()).toEqual([]);
  });

  it('a change made without a mark (a correction in the database by hand) is a difference; rebuild counts it', async () => {
    const { dose } = await personWithDose();
    await foldStatsNow(t);
    await sql`update doses set administered_on = '2021-09-02' where id = ${dose.id}`.execute(t.db);
    const c = capture();
    expect(await statsVerifyCommand(t.db, statsSources, c.io)).toBe(1);
    expect(c.out.some((l) => /^facts \(stats_dose_facts\) day=2021-09-01 .*: stored \d+, recounted \d+$/.test(l))).toBe(
      true,
    );
    expect(c.out.some((l) => /^doseDays \(stats_dose_days\) level=nation unit_code='' day=2021-09-02/.test(l))).toBe(
      true,
    );
    expect(c.out.at(-1)).toMatch(/^statistics DIFFER: \d+ aggregate rows differ/);

    const rebuild = capture();
    expect(await statsRebuildCommand(t.db, statsSources, rebuild.io, { batch: 3 })).toBe(0);
    expect(rebuild.out[0]).toMatch(
      /^statistics rebuilt: \d+ people, \d+ doses and \d+ reports counted again .* people\/s$/,
    );
    expect(rebuild.err.join('\n')).toMatch(/recounted \d+ people, \d+ doses and \d+ reports/);
    const again = capture();
    expect(await statsVerifyCommand(t.db, statsSources, again.io)).toBe(0);
  });

  it('an aggregate changed by hand (no longer the sum of its images) is made again by rebuild', async () => {
    await personWithDose();
    await foldStatsNow(t);
    await sql`update stats_dose_totals set n = n + 5 where level = 'nation'
      and vaccine_code = 'EU/1/20/1528' and dose_number = 1`.execute(t.db);
    expect(await statsVerifyCommand(t.db, statsSources, capture().io)).toBe(1);
    await statsRebuildCommand(t.db, statsSources, capture().io);
    const c = capture();
    expect(await statsVerifyCommand(t.db, statsSources, c.io)).toBe(0);
    const summary = await t.call('GET', '/api/stats/summary', { as: 'admin' });
    const doses = await t.db
      .selectFrom('doses')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('duplicate_of', 'is', null)
      .executeTakeFirstOrThrow();
    expect(summary.body.doses).toBe(Number(doses.n));
  });
});

/** Runs the CLI (`src/cli.ts` through tsx) with the given database; its exit code and output. */
const runCli = (args: string[], env: Record<string, string>) => runTsx(['src/cli.ts', ...args], env);

describe('the command line', () => {
  it('`stats-verify` prints the row that differs and exits 1; `stats-rebuild` repairs it (the CLI in a process of its own)', async () => {
    // A database the command opens itself: a PostgreSQL database of its own, or a PGlite directory.
    let env: Record<string, string>;
    let change: (query: string) => Promise<void>;
    let rows: (query: string) => Promise<unknown[]>;
    let cleanup: () => Promise<void>;
    if (process.env.DATABASE_URL) {
      const fresh = await createTestDatabase();
      await migrateToLatest(fresh.database.db);
      const url = fresh.config.database.kind === 'postgres' ? fresh.config.database.url : '';
      env = { DATABASE_URL: url };
      change = async (q) => {
        await sql.raw(q).execute(fresh.database.db);
      };
      rows = async (q) => (await sql.raw(q).execute(fresh.database.db)).rows;
      cleanup = fresh.drop;
    } else {
      const dir = mkdtempSync(path.join(tmpdir(), 'tc-stats-cli-'));
      const template = process.env.TC_PGLITE_TEMPLATE;
      const seeded = await PGlite.create(path.join(dir, 'db'), {
        ...(template ? { loadDataDir: new Blob([readFileSync(template)]) } : {}),
      });
      await seeded.close();
      env = { DATA_DIR: path.join(dir, 'db') };
      change = async (q) => {
        const db = await PGlite.create(path.join(dir, 'db'));
        await db.exec(q);
        await db.close();
      };
      rows = async (q) => {
        const db = await PGlite.create(path.join(dir, 'db'));
        const r = await db.query(q);
        await db.close();
        return r.rows;
      };
      cleanup = async () => rmSync(dir, { recursive: true, force: true });
    }
    try {
      if (!process.env.DATABASE_URL && !process.env.TC_PGLITE_TEMPLATE) {
        // No seeded template (a single file run outside the suite's setup): migrate through the CLI.
        expect((await runCli(['migrate'], env)).code).toBe(0);
      }
      // A count the records do not have. (Each run of the CLI starts a process and opens the
      // database: two runs, the rest of the commands' behaviour is tested above.)
      await change(`insert into stats_dose_totals (level, unit_code, parent_code, parent_2025, vaccine_code,
        dose_number, dose_kind, sex, age_band, n) values ('nation', '', '', '', 'EU/1/20/1528', 7, 'booster',
        'female', '65+', 3)`);
      const bad = await runCli(['stats-verify'], env);
      expect(bad.code, bad.stderr).toBe(1);
      expect(bad.stderr).toContain('recounting every aggregate from the records');
      expect(bad.stdout).toContain(
        "doseTotals (stats_dose_totals) level=nation unit_code='' vaccine_code=EU/1/20/1528 dose_number=7 dose_kind=booster sex=female age_band=65+: stored 3, recounted 0",
      );
      expect(bad.stdout.trim().split('\n').at(-1)).toMatch(/^statistics DIFFER: 1 aggregate rows differ/);
      const fixed = await runCli(['stats-rebuild'], env);
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(fixed.stdout).toMatch(/^statistics rebuilt: .* people\/s\n$/);
      expect(await rows('select count(*)::int as n from stats_dose_totals where dose_number = 7')).toEqual([{ n: 0 }]);
    } finally {
      await cleanup();
    }
  }, 180_000);
});
