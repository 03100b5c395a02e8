import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { DEMO_PASSWORD, useTestApp } from '../test/harness.js';

/**
 * DATABASE_READ_URL (a read replica, `npm run cluster:up`): the statistics routes read through it,
 * everything else through DATABASE_URL. On PostgreSQL only (the embedded database has no replica):
 * the read URL here is the same server under another application name, so that the server can say
 * which of the app's two pools a request used. The real replica is exercised by bench/failover.ts.
 */
const t = process.env.DATABASE_URL ? await useTestApp() : null;

describe.runIf(t !== null)('a read replica for the statistics routes', () => {
  it('statistics read through DATABASE_READ_URL; a person search does not', async () => {
    if (!t) return;
    const base = t.app.config.database;
    if (base.kind !== 'postgres') throw new Error('expected PostgreSQL');
    const app = await buildApp(
      {
        ...t.app.config,
        database: { ...base, readUrl: `${base.url}${base.url.includes('?') ? '&' : '?'}application_name=tc-read-test` },
      },
      { bootstrap: false },
    );
    try {
      const login = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'dongthap.admin', password: DEMO_PASSWORD },
      });
      const authorization = `Bearer ${login.json().token}`;
      const readers = async () =>
        Number(
          (
            await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
              where application_name = 'tc-read-test' and datname = current_database()`.execute(t.db)
          ).rows[0]?.n,
        );
      expect(await readers()).toBe(0);
      expect(
        (await app.inject({ method: 'GET', url: '/api/people?q=nguyen', headers: { authorization } })).statusCode,
      ).toBe(200);
      expect(await readers()).toBe(0);
      const summary = await app.inject({ method: 'GET', url: '/api/stats/summary', headers: { authorization } });
      expect(summary.statusCode).toBe(200);
      expect(await readers()).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });
});
