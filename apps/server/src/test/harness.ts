import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { afterAll } from 'vitest';
import { buildApp, type Deps } from '../app.js';
import { statsSources } from '../bootstrap/stats-sources.js';
import { type Config, DEMO_PASSWORD, loadConfig } from '../config.js';
import { type Database, openDatabase } from '../db/database.js';
import { MIGRATIONS } from '../db/migrate.js';
import { type ImportRunOptions, runImports } from '../modules/imports/imports.job.js';
import { drainStats } from '../modules/stats/stats.job.js';

export { DEMO_PASSWORD };

/**
 * A fresh, real database for one test file: an in-memory PGlite, or — when DATABASE_URL is set —
 * a new PostgreSQL database created for this file and dropped after it. Never a mock.
 */
export async function createTestDatabase(): Promise<{ database: Database; config: Config; drop(): Promise<void> }> {
  const baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const config = testConfig();
    const template = process.env.TC_PGLITE_TEMPLATE;
    const database = await openDatabase(config.database, {
      pgliteTemplate: template && existsSync(template) ? new Blob([readFileSync(template)]) : undefined,
    });
    return { database, config, drop: () => database.close() };
  }
  const name = `tc_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const config = testConfig({ DATABASE_URL: url.toString(), DATABASE_POOL_MAX: '10' });
  const database = await openDatabase(config.database);
  return {
    database,
    config,
    async drop() {
      await database.close();
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * An empty, unmigrated database for a migration's own test — a new one on PostgreSQL, a fresh
 * in-memory one (not the seeded template) on PGlite — with `to(name)`, which migrates it up or
 * down to that migration of MIGRATIONS (throwing its error), and `drop()`.
 */
export async function createUnmigratedDatabase(): Promise<{
  db: Database['db'];
  to(name: string): Promise<void>;
  drop(): Promise<void>;
}> {
  const fresh = process.env.DATABASE_URL
    ? await createTestDatabase()
    : await openDatabase(testConfig().database).then((database) => ({ database, drop: () => database.close() }));
  const db = fresh.database.db;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  return {
    db,
    async to(name) {
      const r = await migrator.migrateTo(name);
      if (r.error) throw r.error;
    },
    drop: fresh.drop,
  };
}

/** The configuration tests run with: test mode, in-memory database, demo data, quiet logs. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: 'memory://',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    TIEMCHUNG_DEMO_DATA: 'true',
    WEB_DIST: '/nonexistent',
    RECHECK_INTERVAL_MS: '0',
    PASSPORT_REFRESH_INTERVAL_MS: '0',
    REPORT_ESCALATION_INTERVAL_MS: '0',
    STATS_FOLD_INTERVAL_MS: '0',
    IMPORTS_INTERVAL_MS: '0',
    TIEMCHUNG_MASTER_KEY: randomBytes(32).toString('base64'),
    REGISTRY_SIM_SIZE: '2000',
    REGISTRY_RETRIES: '0',
    REGISTRY_TIMEOUT_MS: '1000',
    ...overrides,
  });
}

export interface TestApp {
  readonly app: FastifyInstance;
  readonly db: FastifyInstance['db'];
  /** Signs in a demo user and returns the bearer header for later requests. */
  loginAs(username: string, password?: string): Promise<{ authorization: string }>;
  /** `app.inject` with JSON, returning status and parsed body. */
  call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    options?: { body?: unknown; headers?: Record<string, string>; as?: string; ip?: string },
  ): Promise<{ status: number; body: any; headers: LightMyRequestResponse['headers']; raw: LightMyRequestResponse }>;
}

/**
 * One app on one fresh database for the whole test file (closed after it). Tests isolate by
 * creating their own data (new people, random ids), not by truncating.
 */
export async function useTestApp(
  options: { deps?: Partial<Deps>; config?: Record<string, string> } = {},
): Promise<TestApp> {
  const { database, config, drop } = await createTestDatabase();
  const merged = options.config ? { ...config, ...testConfigOverrides(config, options.config) } : config;
  const app = await buildApp(merged, { database, deps: options.deps });
  await app.ready();
  afterAll(async () => {
    await app.close();
    await drop();
  });
  const tokens = new Map<string, string>();
  const loginAs = async (username: string, password = DEMO_PASSWORD) => {
    const cached = tokens.get(`${username}\u0000${password}`);
    if (cached) return { authorization: `Bearer ${cached}` };
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
    if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
    const token = (res.json() as { token: string }).token;
    tokens.set(`${username}\u0000${password}`, token);
    return { authorization: `Bearer ${token}` };
  };
  const call: TestApp['call'] = async (method, url, opts = {}) => {
    const send = async () => {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.as) Object.assign(headers, await loginAs(opts.as));
      return app.inject({
        method,
        url,
        headers,
        ...(opts.ip ? { remoteAddress: opts.ip } : {}),
        ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
      });
    };
    let raw = await send();
    if (raw.statusCode === 401 && opts.as) {
      // The test moved its clock past the session's expiry: sign in again.
      for (const k of [...tokens.keys()]) if (k.startsWith(`${opts.as}\u0000`)) tokens.delete(k);
      raw = await send();
    }
    let body: unknown = raw.body;
    if (String(raw.headers['content-type'] ?? '').includes('json') && raw.body) body = raw.json();
    return { status: raw.statusCode, body, headers: raw.headers, raw };
  };
  return { app, db: app.db, loginAs, call };
}

function testConfigOverrides(base: Config, env: Record<string, string>): Partial<Config> {
  const parsed = testConfig(env);
  // Keep the database of the base config (it is already open).
  const { database: _db, ...rest } = parsed;
  void base;
  return rest;
}

/** A random suffix for names that must be unique within a shared database. */
export function uniq(prefix = ''): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

/**
 * Waits until a transaction the test started is blocked on a lock: on PostgreSQL until
 * pg_stat_activity shows one waiting (2 s at most); on the embedded database, which has one
 * connection (the second transaction queues for it), 50 ms.
 */
export async function untilBlockedOnLock(t: TestApp): Promise<void> {
  if (t.app.dbKind === 'postgres') {
    for (let i = 0; i < 200; i++) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
        where datname = current_database() and wait_event_type = 'Lock'`.execute(t.db);
      if (rows[0]!.n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } else {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A promise the test settles when it chooses (to hold one transaction open while another runs). */
export function latch(): { done: Promise<void>; release(): void } {
  let release!: () => void;
  const done = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { done, release };
}

/**
 * Counts every change marked so far into the statistics (the fold job is off in tests: a test
 * folds when it wants the figures current).
 */
export async function foldStatsNow(t: Pick<TestApp, 'db'>): Promise<number> {
  return drainStats(t.db, statsSources);
}

/**
 * Runs the bulk imports waiting now (the runner is off in tests: a test runs it when it wants the
 * jobs to progress); `options` can stop it after some batches, as a node stopped mid-file.
 */
export async function runImportsNow(t: Pick<TestApp, 'app'>, options: ImportRunOptions = {}): Promise<number> {
  return runImports(t.app.db, t.app.deps, options);
}
