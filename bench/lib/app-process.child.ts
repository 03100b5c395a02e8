/**
 * Entry of the child process that runs the real app under test (see `app-process.ts`): builds it
 * with `buildApp(loadConfig(env))`, optionally adds the benchmark's baseline route before
 * `ready()`, listens on loopback and answers the parent's messages (counters, CPU profile, close).
 *
 * Every statement the app sends through `pg` is counted here (a wrapper around
 * `pg.Client.prototype.query`: a counter and two clock reads per statement), so the benchmark can
 * say how many statements a request costs and how long the app waited for them.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { idempotencyHeaders, VACCINATION_ROLES } from '@tiemchung/core';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import pg from 'pg';
import { z } from 'zod';
import { buildApp } from '../../apps/server/src/app.js';
import { loadConfig } from '../../apps/server/src/config.js';
import { staffAccess } from '../../apps/server/src/lib/access.js';
import type { AppProcessReply, AppProcessRequest, StatementCount } from './app-process.js';

/** Per statement text: calls and the summed time from send to result, as the app saw it. */
const statements = new Map<string, { calls: number; ms: number }>();
let counting = true;
/** Responses the app sent since the last reset (the denominator of statements per request). */
let responses = 0;
/** The event loop's utilisation at the last reset: how busy the app's one JavaScript thread was since. */
let eluMark: EventLoopUtilization = performance.eventLoopUtilization();

function record(text: string, ms: number): void {
  if (!counting) return;
  const s = statements.get(text);
  if (s) {
    s.calls++;
    s.ms += ms;
  } else statements.set(text, { calls: 1, ms });
}

type QueryFn = (this: pg.Client, ...args: unknown[]) => unknown;
const originalQuery = pg.Client.prototype.query as unknown as QueryFn;
(pg.Client.prototype as unknown as { query: QueryFn }).query = function (this: pg.Client, ...args: unknown[]) {
  const started = performance.now();
  const result = originalQuery.apply(this, args);
  const first = args[0];
  const text =
    typeof first === 'string' ? first : String((first as { text?: unknown } | undefined)?.text ?? '(query object)');
  if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
    const done = () => record(text, performance.now() - started);
    (result as PromiseLike<unknown>).then(done, done);
  } else record(text, 0);
  return result;
};

const send = (m: AppProcessReply) => process.send?.(m);

/** The bench-only baseline: the dose route's authentication and header rules, then one plain INSERT. */
const baselineBody = z.object({
  personId: z.string().min(1).max(64),
  vaccineCode: z.string().min(1).max(40),
  lotNumber: z.string().trim().min(1).max(40),
  administeredOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  facilityId: z.string().min(1).max(40),
});

let session: Session | null = null;
let close: (() => Promise<void>) | null = null;

process.on('message', (raw: unknown) => {
  const m = raw as AppProcessRequest;
  void handle(m).catch((err: unknown) => {
    send({ type: 'error', id: m.id, message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  });
});

async function handle(m: AppProcessRequest): Promise<void> {
  switch (m.type) {
    case 'start': {
      const app = await buildApp(loadConfig(m.env));
      if (m.baselineRoute) {
        app.withTypeProvider<ZodTypeProvider>().post(
          '/api/__bench/insert',
          {
            // The same guard as the dose route (authentication and role at onRequest).
            config: staffAccess(VACCINATION_ROLES, 'facility'),
            schema: { headers: idempotencyHeaders, body: baselineBody, hide: true },
          },
          async (request, reply) => {
            const id = request.headers['idempotency-key'] ?? randomUUID();
            await sql`insert into bench_baseline (id, person_id, payload)
                      values (${id}, ${request.body.personId}, ${JSON.stringify(request.body)})`.execute(app.db);
            return reply.status(201).send({ id });
          },
        );
      }
      app.addHook('onResponse', async () => {
        responses++;
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.server.address();
      if (!address || typeof address === 'string') throw new Error('the app is not listening on TCP');
      close = () => app.close();
      statements.clear();
      responses = 0;
      send({ type: 'ready', id: m.id, port: address.port, pid: process.pid });
      return;
    }
    case 'counters': {
      const list: StatementCount[] = [...statements.entries()].map(([text, s]) => ({ text, ...s }));
      const answered = responses;
      const elu = performance.eventLoopUtilization(eluMark).utilization;
      if (m.reset) {
        statements.clear();
        responses = 0;
        eluMark = performance.eventLoopUtilization();
      }
      counting = true;
      send({
        type: 'counters',
        id: m.id,
        statements: list,
        responses: answered,
        eventLoopUtilization: elu,
        cpu: process.cpuUsage(),
      });
      return;
    }
    case 'profile-start': {
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: m.intervalUs });
      await session.post('Profiler.start');
      send({ type: 'ok', id: m.id });
      return;
    }
    case 'profile-stop': {
      if (!session) throw new Error('no profile running');
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      session = null;
      writeFileSync(m.file, JSON.stringify(profile));
      send({ type: 'ok', id: m.id });
      return;
    }
    case 'memory': {
      const gc = new Session();
      gc.connect();
      await gc.post('HeapProfiler.collectGarbage');
      gc.disconnect();
      send({ type: 'memory', id: m.id, usage: process.memoryUsage() });
      return;
    }
    case 'close': {
      await close?.();
      send({ type: 'ok', id: m.id });
      process.disconnect?.();
      setTimeout(() => process.exit(0), 50).unref();
      return;
    }
  }
}
