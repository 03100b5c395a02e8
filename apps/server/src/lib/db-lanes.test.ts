import { existsSync, readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import { type Database, openDatabase } from '../db/database.js';
import { DEMO_PASSWORD, testConfig } from '../test/harness.js';
import { dbLaneOf } from './db-lanes.js';

/**
 * Overload on the embedded database (one connection): with a small queue, public portal look-ups
 * beyond their share get 503 + Retry-After at once, none waits beyond the maximum wait, and the
 * health check and staff keep answering. The lanes' priority is the embedded pool's own
 * (`pglite-pool.ts`), so this runs on an embedded database in both test runs; PostgreSQL's pool is
 * node-postgres's FIFO queue behind the same bound (`boundedPgPool`).
 */
const LIMITS = { DATABASE_QUEUE_MAX: '8', DATABASE_QUEUE_PUBLIC_MAX: '3', DATABASE_QUEUE_WAIT_MS: '400' };
const MAX_WAIT_MS = 400;
/** Scheduling slack on a shared 2-core machine. */
const SLACK_MS = 400;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('database lanes of the routes', () => {
  it('health first, the public portal last, everything else staff', () => {
    expect(dbLaneOf('/api/health')).toBe('health');
    expect(dbLaneOf('/api/portal/certificate-lookups')).toBe('public');
    expect(dbLaneOf('/api/portal/registrations/:id/verify')).toBe('public');
    expect(dbLaneOf('/api/people')).toBe('staff');
    expect(dbLaneOf('/api/auth/login')).toBe('staff');
  });
});

describe('overload of portal look-ups on the embedded database', () => {
  let app: FastifyInstance;
  let database: Database;
  let staff: { authorization: string };
  let ipSeq = 1;
  const freshIp = () => `10.7.${Math.floor(ipSeq / 250)}.${ipSeq++ % 250}`;

  beforeAll(async () => {
    const config = testConfig(LIMITS);
    expect(config.databaseQueue).toEqual({ maxWaiting: 8, maxPublicWaiting: 3, maxWaitMs: MAX_WAIT_MS });
    const template = process.env.TC_PGLITE_TEMPLATE;
    database = await openDatabase(config.database, {
      pgliteTemplate: template && existsSync(template) ? new Blob([readFileSync(template)]) : undefined,
      queue: config.databaseQueue,
    });
    app = await buildApp(config, { database });
    await app.ready();
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'caolanh.tiem', password: DEMO_PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    staff = { authorization: `Bearer ${login.json().token}` };
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  /** A request and how long it took. */
  async function timed(run: () => Promise<{ statusCode: number; headers: Record<string, unknown>; body: string }>) {
    const started = performance.now();
    const res = await run();
    return { status: res.statusCode, headers: res.headers, body: res.body, ms: performance.now() - started };
  }

  const lookup = (i: number) =>
    timed(() =>
      app.inject({
        method: 'POST',
        url: '/api/portal/certificate-lookups',
        remoteAddress: freshIp(),
        payload: {
          fullName: `Nguyễn Văn Thử ${i}`,
          dateOfBirth: '1990-01-01',
          gender: 'male',
          phone: `09${String(i).padStart(8, '0')}`,
        },
      }),
    );
  const health = () => timed(() => app.inject({ method: 'GET', url: '/api/health' }));
  const staffCall = () => timed(() => app.inject({ method: 'GET', url: '/api/vaccines', headers: staff }));

  function expectShed(r: { status: number; headers: Record<string, unknown>; body: string }) {
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('1');
    const body = JSON.parse(r.body);
    expect(body.error.code).toBe('service_unavailable');
    expect(typeof body.error.message).toBe('string');
  }

  it('a full queue sheds look-ups at once with 503 + Retry-After; health and staff are served first', async () => {
    // Something holds the one connection for 200 ms (less than the maximum wait).
    const holder = database.db.connection().execute(() => sleep(200));
    await sleep(5);
    const lookups = Array.from({ length: 20 }, (_, i) => lookup(i));
    const h = health();
    const s = staffCall();
    await holder;
    const results = await Promise.all(lookups);
    const [hr, sr] = await Promise.all([h, s]);

    expect(hr.status).toBe(200);
    expect(sr.status).toBe(200);
    const shed = results.filter((r) => r.status === 503);
    const accepted = results.filter((r) => r.status === 202);
    expect(shed.length + accepted.length).toBe(20); // nothing but 202 and 503
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(shed.length).toBeGreaterThanOrEqual(15); // only 3 may wait for the connection
    for (const r of shed) {
      expectShed(r);
      expect(r.ms).toBeLessThan(MAX_WAIT_MS + SLACK_MS);
    }
    // The health check and staff got the connection before the look-ups that waited for it.
    expect(hr.ms).toBeLessThan(Math.min(...accepted.map((r) => r.ms)));
    expect(sr.ms).toBeLessThan(Math.min(...accepted.map((r) => r.ms)));
  });

  it('a look-up that cannot have the connection within the maximum wait gets 503, never a longer wait', async () => {
    const holder = database.db.connection().execute(() => sleep(MAX_WAIT_MS * 2.5));
    await sleep(5);
    const results = await Promise.all(Array.from({ length: 3 }, (_, i) => lookup(100 + i)));
    await holder;
    for (const r of results) {
      expectShed(r);
      expect(r.ms).toBeGreaterThanOrEqual(MAX_WAIT_MS - 20);
      expect(r.ms).toBeLessThan(MAX_WAIT_MS + SLACK_MS);
    }
  });

  it('waves of look-ups while slow work holds the connection now and then: only 202 or 503, some of each, none waits long; health answers throughout', async () => {
    const started = performance.now();
    let loading = true;
    // Slow staff work: holds the one connection 100 ms out of every 150 ms while the look-ups come.
    const slowWork = (async () => {
      while (loading) {
        await database.db.connection().execute(() => sleep(100));
        await sleep(50);
      }
    })();
    const lookups: ReturnType<typeof lookup>[] = [];
    const checks: Awaited<ReturnType<typeof health>>[] = [];
    const sampling = (async () => {
      while (loading) {
        checks.push(await health());
        await sleep(30);
      }
    })();
    for (let wave = 0; wave < 8; wave++) {
      for (let i = 0; i < 10; i++) lookups.push(lookup(200 + wave * 10 + i));
      await sleep(75);
    }
    const results = await Promise.all(lookups);
    loading = false;
    await Promise.all([slowWork, sampling]);

    const byStatus = new Map<number, number>();
    for (const r of results) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    expect([...byStatus.keys()].sort()).toEqual([202, 503]);
    for (const r of results) {
      if (r.status === 503) expectShed(r);
      // A look-up: its first wait (≤ max), its later statements first in line, the 250 ms padding.
      expect(r.ms).toBeLessThan(2 * MAX_WAIT_MS + 250 + SLACK_MS);
    }
    expect(checks.length).toBeGreaterThan(3);
    for (const c of checks) {
      expect(c.status).toBe(200);
      expect(c.ms).toBeLessThan(MAX_WAIT_MS);
    }
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
