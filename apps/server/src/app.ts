import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import fastifyCookie from '@fastify/cookie';
import fastifyRateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import helmet from 'helmet';
import type { Kysely } from 'kysely';
import { bootstrapDatabase } from './bootstrap/bootstrap.js';
import { statsSources } from './bootstrap/stats-sources.js';
import type { Config } from './config.js';
import { type Database, type DatabaseKind, openDatabase } from './db/database.js';
import type { DB } from './db/schema.js';
import { unitOfWork } from './db/transaction.js';
import { collectRoutes } from './lib/access.js';
import { registerDbLanes } from './lib/db-lanes.js';
import { clientErrorHandler, handleError, registerErrorHandling } from './lib/error-handler.js';
import { AppError } from './lib/errors.js';
import { registerInputGuard } from './lib/input-guard.js';
import { registerOpenApi } from './lib/openapi.js';
import { every } from './lib/periodic.js';
import { registerWebApp } from './lib/static-assets.js';
import { aefiRoutes } from './modules/aefi/aefi.routes.js';
import { approvalsRoutes } from './modules/approvals/approvals.routes.js';
import { startAuditPartitioner, startAuditSealer } from './modules/audit/audit.chain.js';
import { auditRoutes } from './modules/audit/audit.routes.js';
import { systemAuditContext } from './modules/audit/audit.service.js';
import { staffGuard } from './modules/auth/auth.guard.js';
import { authRoutes } from './modules/auth/auth.routes.js';
import { endSessionsOfUser, forgetSessions } from './modules/auth/auth.service.js';
import { certificatesRoutes } from './modules/certificates/certificates.routes.js';
import { resolveMasterKey, SigningKeys } from './modules/certificates/keys.service.js';
import { passportsRoutes } from './modules/certificates/passports.routes.js';
import { refreshPassports } from './modules/certificates/passports.service.js';
import { dosesRoutes } from './modules/doses/doses.routes.js';
import { doseDatesOf } from './modules/doses/doses.service.js';
import { facilitiesRoutes } from './modules/facilities/facilities.routes.js';
import { fhirRoutes } from './modules/fhir/fhir.routes.js';
import { healthRoutes } from './modules/health/health.routes.js';
import { bookDeps, healthBookRoutes } from './modules/health-book/health-book.routes.js';
import { sendDueReminders } from './modules/health-book/health-book.service.js';
import { IMPORT_BATCH_SIZE, IMPORT_BATCH_SIZE_EMBEDDED, runImports } from './modules/imports/imports.job.js';
import { importsRoutes } from './modules/imports/imports.routes.js';
import { lotsRoutes } from './modules/lots/lots.routes.js';
import { mergeRoutes } from './modules/merge/merge.routes.js';
import { notificationsRoutes } from './modules/notifications/notifications.routes.js';
import { runRecheckBatch } from './modules/people/people.job.js';
import { peopleRoutes } from './modules/people/people.routes.js';
import { portalRoutes } from './modules/portal/portal.routes.js';
import { registrationsRoutes } from './modules/portal/registrations.routes.js';
import { HttpPopulationRegistry } from './modules/registry/registry.client.js';
import { startRegistrySimulator } from './modules/registry/registry.simulator.js';
import type { PopulationRegistry } from './modules/registry/registry.types.js';
import { escalateOverdue } from './modules/reports/reports.job.js';
import { reportsRoutes } from './modules/reports/reports.routes.js';
import { sessionsRoutes } from './modules/sessions/sessions.routes.js';
import { dispatchPendingSms } from './modules/sms/sms.job.js';
import { smsRoutes } from './modules/sms/sms.routes.js';
import { httpSmsProvider, outboxProvider, type SmsProvider } from './modules/sms/sms.service.js';
import { forgetMapping2025 } from './modules/stats/stats.fold.js';
import { foldStats } from './modules/stats/stats.job.js';
import { statsPopulationRoutes } from './modules/stats/stats.population.routes.js';
import { statsPublicRoutes } from './modules/stats/stats.public.routes.js';
import { rebuildStats } from './modules/stats/stats.rebuild.js';
import { statsRoutes } from './modules/stats/stats.routes.js';
import { stockRoutes } from './modules/stock/stock.routes.js';
import { trustRoutes } from './modules/trust/trust.routes.js';
import { unitsRoutes } from './modules/units/units.routes.js';
import { usersRoutes } from './modules/users/users.routes.js';
import { vaccinesRoutes } from './modules/vaccines/vaccines.routes.js';

/** Outside collaborators, injectable for tests (a fixed clock for the 48-hour rules, simulators…). */
export interface Deps {
  /** The current instant. */
  clock: () => Date;
  /** The national population database (HTTP client to the real service or the simulator). */
  registry: PopulationRegistry;
  /** Certificate signing keys (decrypted with the master key when signing). */
  keys: SigningKeys;
  /** The SMS provider (outbox in demo and tests, an HTTP gateway in production). */
  sms: SmsProvider;
  /** Secret for portal OTP hashes and download links (derived from the master key). */
  portalSecret: Buffer;
}

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<DB>;
    /** Where read-only routes (statistics) read: the read replica when DATABASE_READ_URL is set, else `db`. */
    dbRead: Kysely<DB>;
    dbKind: DatabaseKind;
    config: Config;
    deps: Deps;
    /** The in-process population-registry simulator, when the config asks for it (tests control it). */
    registrySimulator: FastifyInstance | null;
  }
}

export interface BuildOptions {
  /** An already open database (tests share one per file); otherwise the app opens and closes its own. */
  database?: Database;
  deps?: Partial<Deps>;
  /** Run migrations, seed reference/demo data and check the master key opens the stored signing keys (default true). */
  bootstrap?: boolean;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{8,64}$/;
export const JSON_BODY_LIMIT = 1_048_576;

/**
 * Builds the whole HTTP application: used by `main.ts` and by every integration test
 * (`app.inject`). Opens the database unless given one, migrates it and seeds what is missing.
 */
export async function buildApp(config: Config, options: BuildOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    },
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: config.trustProxy,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_RE.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    // Every failure in the contract's error shape, also the router's and Node's HTTP parser's. A
    // path parameter of any length Node's HTTP parser lets through (its request line and headers
    // are at most `maxHeaderSize` bytes, 431 past that) reaches the route's schema, which names the
    // field (400); the router's own limit would instead skip the route (a 404 or 414 naming nothing).
    frameworkErrors: handleError,
    clientErrorHandler,
    routerOptions: { maxParamLength: Math.max(http.maxHeaderSize, 16_384) },
  }).withTypeProvider<ZodTypeProvider>();

  const database = options.database ?? (await openDatabase(config.database, { queue: config.databaseQueue }));
  const ownsDatabase = !options.database;
  app.decorate('db', database.db);
  app.decorate('dbRead', database.readDb);
  app.decorate('dbKind', database.kind);
  app.decorate('config', config);
  const registry = options.deps?.registry ?? (await openRegistry(app, config));
  const masterKey = resolveMasterKey(config);
  const keys = options.deps?.keys ?? new SigningKeys(masterKey);
  const sms =
    options.deps?.sms ??
    (config.sms.provider === 'http' && config.sms.gatewayUrl
      ? httpSmsProvider({ url: config.sms.gatewayUrl, token: config.sms.gatewayToken ?? undefined })
      : outboxProvider);
  const portalSecret = createHmac('sha256', masterKey).update('tiemchung:portal').digest();
  app.decorate('deps', { clock: () => new Date(), portalSecret, ...options.deps, registry, keys, sms });
  app.decorateRequest('actor', null);
  app.addHook('onClose', async () => {
    if (ownsDatabase) await database.close();
  });

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app);
  // The API reads JSON (and multipart where a route says so): a text/plain body is refused 415 as
  // any other type, not handed to a JSON schema as a string (which answered 400 "expected an object").
  // An empty one (a body-less POST that names the type) is no body: the route's own checks answer.
  app.removeContentTypeParser('text/plain');
  app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => {
    if (body === '') done(null, undefined);
    else done(new AppError('unsupported_media_type'), undefined);
  });
  registerInputGuard(app);
  // Under overload the public portal waits for the database behind staff and the health check.
  registerDbLanes(app, database, config.databaseQueue);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  const production = config.env === 'production';
  // Security headers, from helmet built once. (@fastify/helmet rebuilds helmet's middleware and
  // re-parses the policy on every request: 6 % of the app's CPU per request in the dose benchmark.)
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        'default-src': ["'self'"],
        // 'wasm-unsafe-eval' compiles WebAssembly only (the verifier's QR reader); JavaScript eval stays blocked.
        'script-src': ["'self'", "'wasm-unsafe-eval'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'worker-src': ["'self'", 'blob:'],
        'media-src': ["'self'", 'blob:'],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': production ? [] : null,
      },
    },
    hsts: production,
  });
  app.addHook('onRequest', (request, reply, done) => {
    securityHeaders(request.raw, reply.raw, (err?: unknown) => done(err as Error | undefined));
  });
  await app.register(fastifyCookie);
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: () => new AppError('too_many_requests'),
  });

  // Every /api route declares who may call it and its scope rule (lib/access.ts); staff routes
  // authenticate and check the role at onRequest, before the body is parsed or validated.
  collectRoutes(app, (access) => (access.roles === 'public' ? undefined : staffGuard(access.roles, access.scope)));

  // The OpenAPI document (GET /api/openapi.json) and its viewer (/api/docs): lib/openapi.ts.
  await registerOpenApi(app);

  await app.register(healthRoutes);
  await app.register(authRoutes);
  // The users module ends sessions (the auth module's) through what it is given here.
  await app.register(usersRoutes, {
    sessions: {
      end: (trx, userId) => endSessionsOfUser(trx, userId),
      forget: (hashes) => forgetSessions(app.db, hashes),
    },
  });
  // A new official 2021 → 2025 mapping recounts the statistics in the same transaction (the
  // figures in 2025 units come from it); the cached map is forgotten on both sides of the write.
  await app.register(unitsRoutes, {
    afterListWritten: async (trx, kind) => {
      if (kind !== 'mapping-2025') return;
      forgetMapping2025(app.db);
      await rebuildStats(trx, statsSources);
      forgetMapping2025(app.db);
    },
  });
  await app.register(facilitiesRoutes);
  await app.register(vaccinesRoutes);
  // A correction of a date of birth is checked against the person's doses (the doses module's).
  await app.register(peopleRoutes, { doseDatesOf });
  await app.register(dosesRoutes);
  await app.register(lotsRoutes);
  await app.register(stockRoutes);
  await app.register(auditRoutes);
  await app.register(sessionsRoutes);
  await app.register(aefiRoutes);
  await app.register(notificationsRoutes);
  await app.register(certificatesRoutes);
  await app.register(passportsRoutes);
  await app.register(smsRoutes);
  await app.register(portalRoutes);
  await app.register(registrationsRoutes);
  await app.register(healthBookRoutes);
  await app.register(trustRoutes);
  await app.register(reportsRoutes);
  await app.register(mergeRoutes);
  await app.register(approvalsRoutes);
  await app.register(statsRoutes);
  await app.register(statsPopulationRoutes);
  await app.register(statsPublicRoutes);
  await app.register(importsRoutes);
  await app.register(fhirRoutes);

  if (config.webDist) await registerWebApp(app, config.webDist);
  else
    app.setNotFoundHandler(() => {
      throw new AppError('route_not_found');
    });

  if (options.bootstrap !== false) {
    await bootstrapDatabase(database.db, config, app.log);
    await keys.checkMasterKey(database.db);
  }
  startJobs(app);
  return app;
}

/** The population registry from the config: the in-process simulator, or the HTTP client to the URL. */
async function openRegistry(app: FastifyInstance, config: Config): Promise<PopulationRegistry> {
  let url = config.registry.url;
  app.decorate('registrySimulator', null);
  if (url === 'simulator') {
    const sim = await startRegistrySimulator({ port: 0, size: config.registry.simulatorSize });
    app.registrySimulator = sim.app;
    app.addHook('onClose', async () => {
      await sim.app.close();
    });
    url = sim.url;
  }
  return new HttpPopulationRegistry({
    url,
    timeoutMs: config.registry.timeoutMs,
    retries: config.registry.retries,
    breakerThreshold: config.registry.breakerThreshold,
    breakerCooldownMs: config.registry.breakerCooldownMs,
    source: config.registry.url === 'simulator' ? 'registry-sim' : undefined,
  });
}

/** Background jobs of this node (each safe to run on several nodes at once; each its own period, 0 = off). */
function startJobs(app: FastifyInstance): void {
  // Links the audit log's new entries into its hash chain, a second or two after they are written.
  startAuditSealer(app);
  // Next year's partition of the audit log, made well before the year starts.
  startAuditPartitioner(app);
  if (app.deps.sms.name !== 'outbox') every(app, 2000, 'SMS dispatch', () => dispatchPendingSms(app.db, app.deps.sms));
  every(
    app,
    app.config.reportEscalationIntervalMs,
    'report escalation',
    () => escalateOverdue(app.db, app.deps.clock()),
    (n) => n && app.log.warn({ escalated: n }, 'overdue reports escalated to the parent units'),
  );
  // Counts the doses, people and reports changed since the last run into the statistics.
  every(app, app.config.statsFoldIntervalMs, 'statistics fold', () => foldStats(app.db, statsSources));
  // Runs the bulk imports waiting (or left by a node that stopped), batch by batch; stops between
  // two batches when the node closes. Off in the server's tests, which run it when they choose
  // (runImportsNow).
  const stopImports = new AbortController();
  app.addHook('preClose', async () => stopImports.abort());
  every(app, app.config.importsIntervalMs, 'bulk import', () =>
    runImports(app.db, app.deps, {
      signal: stopImports.signal,
      leaseMs: app.config.importsLeaseMs,
      ...(app.config.database.kind === 'pglite'
        ? {
            batchSize: IMPORT_BATCH_SIZE_EMBEDDED,
            batchTargetMs: app.config.importsBatchTargetMs || undefined,
          }
        : { batchSize: IMPORT_BATCH_SIZE }),
    }),
  );
  // The e-health book's next-dose reminders: an SMS on the day a member's dose is due (the job
  // runs through the day; each reminder is sent once, marked in the same transaction).
  every(app, 15 * 60_000, 'health-book reminders', () =>
    unitOfWork(app.db, (trx) => sendDueReminders(trx, bookDeps(app), systemAuditContext('health-book-reminders'))),
  );
  // Vaccine passports: made again after any change to their record (followed in the audit log, a
  // minute behind at most) and before they expire; withdrawn when something comes to block them.
  every(app, app.config.passportRefreshIntervalMs, 'passport refresh', () =>
    unitOfWork(app.db, (trx) =>
      refreshPassports(trx, { keys: app.deps.keys, clock: app.deps.clock }, systemAuditContext('passport-refresh')),
    ),
  );
  every(
    app,
    app.config.recheckIntervalMs,
    'identity re-check',
    () => runRecheckBatch(app.db, app.deps, systemAuditContext('identity-recheck')),
    (n) => n && app.log.info({ checked: n }, 'identity re-check batch'),
  );
}
