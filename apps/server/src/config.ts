import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_QUEUE_LIMITS, type QueueLimits } from './db/connection-queue.js';

/**
 * One typed, frozen configuration, read from the environment and validated synchronously at start
 * (before any other code runs). Every variable of the schema is described in CONFIG_VARIABLES, and
 * the README's configuration table lists exactly those, with the same defaults (config.test.ts).
 */
export interface Config {
  readonly env: 'development' | 'test' | 'production';
  readonly host: string;
  readonly port: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly database:
    | {
        readonly kind: 'postgres';
        readonly url: string;
        readonly poolMax: number;
        /** Named server-side prepared statements for the hot statements (default on; off behind PgBouncer < 1.21 in transaction mode). */
        readonly preparedStatements?: boolean;
        /** A read replica (or a pooler in front of the replicas) for read-only routes: statistics. */
        readonly readUrl?: string;
      }
    | { readonly kind: 'pglite'; readonly dataDir: string };
  /** The bounded wait for a database connection: beyond it, 503 with Retry-After (db/connection-queue.ts). */
  readonly databaseQueue: QueueLimits;
  /** Password of the national administrator `admin`; required in production. */
  readonly adminPassword: string | undefined;
  /** Seed demo units, facilities and one user per role into an empty database. */
  readonly demoData: boolean;
  readonly sessionTtlHours: number;
  /** Directory of the built web app served at `/`, or null to serve the API only. */
  readonly webDist: string | null;
  readonly trustProxy: boolean;
  /**
   * The address clients reach the server at (`https://tiemchung.example.gov.vn`, no trailing `/`):
   * the absolute links the server writes (the FHIR API's) start with it; null when unset.
   */
  readonly publicBaseUrl: string | null;
  /** Wrong logins allowed per username within the window before answers become 429. */
  readonly loginMaxFailures: number;
  readonly loginLockMinutes: number;
  /** The national population database: `simulator` (in-process stand-in) or the service's URL. */
  readonly registry: {
    readonly url: string;
    readonly timeoutMs: number;
    readonly retries: number;
    readonly breakerThreshold: number;
    readonly breakerCooldownMs: number;
    readonly simulatorSize: number;
    readonly simulatorPort: number;
  };
  /** How often the background job re-checks identities the registry could not answer (0: never). */
  readonly recheckIntervalMs: number;
  /** How often the vaccine passports are brought up to date: corrections, expiry (0: never). */
  readonly passportRefreshIntervalMs: number;
  /** How often the background job escalates reports past their due time (0: never); independent of the re-check. */
  readonly reportEscalationIntervalMs: number;
  /** How often the statistics job counts the changes marked since its last run into the aggregates (0: never). */
  readonly statsFoldIntervalMs: number;
  /** How often the bulk-import runner looks for imports to run or resume; 0: never. */
  readonly importsIntervalMs: number;
  /** How long a runner holds an import without committing a batch; past it (a server stopped), another runner resumes the job. */
  readonly importsLeaseMs: number;
  /** On the embedded database: how long an import's batch should hold its one connection (0: fixed batches of 200 rows). */
  readonly importsBatchTargetMs: number;
  /** AES-256 key that encrypts the certificate signing keys at rest (TIEMCHUNG_MASTER_KEY); null: demo key file. */
  readonly masterKey: Buffer | null;
  readonly sms: {
    readonly provider: 'outbox' | 'http';
    readonly gatewayUrl: string | null;
    readonly gatewayToken: string | null;
    /** Strip diacritics (GSM 7-bit gateways). */
    readonly ascii: boolean;
  };
  /** Where evidence photos of citizens' reports are stored (outside the web root). */
  readonly evidenceDir: string;
}

/** The password of demo accounts (and of `admin` when TIEMCHUNG_ADMIN_PASSWORD is unset, outside production). */
export const DEMO_PASSWORD = 'TiemChung@2021';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Longest period of a background job (one day; a timer beyond 2³¹ − 1 ms would fire every millisecond). */
const MAX_INTERVAL_MS = 86_400_000;

/** The environment the server reads (exported for the documentation check in config.test.ts). */
export const envSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
      .optional(),
    DATABASE_READ_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL' })
      .optional(),
    DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(500).default(20),
    DATABASE_PREPARED_STATEMENTS: bool.optional(),
    DATABASE_QUEUE_MAX: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_QUEUE_LIMITS.maxWaiting),
    DATABASE_QUEUE_PUBLIC_MAX: z.coerce
      .number()
      .int()
      .min(0)
      .max(100_000)
      .default(DEFAULT_QUEUE_LIMITS.maxPublicWaiting),
    DATABASE_QUEUE_WAIT_MS: z.coerce.number().int().min(10).max(60_000).default(DEFAULT_QUEUE_LIMITS.maxWaitMs),
    TIEMCHUNG_ADMIN_PASSWORD: z.string().min(10, { message: 'at least 10 characters' }).optional(),
    TIEMCHUNG_DEMO_DATA: bool.optional(),
    SESSION_TTL_HOURS: z.coerce
      .number()
      .positive()
      .max(24 * 30)
      .default(12),
    WEB_DIST: z.string().optional(),
    TRUST_PROXY: bool.default(false),
    PUBLIC_BASE_URL: z
      .string()
      .regex(/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/, { message: 'an http(s):// URL without query or fragment' })
      .transform((v) => v.replace(/\/+$/, ''))
      .optional(),
    LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
    LOGIN_LOCK_MINUTES: z.coerce
      .number()
      .positive()
      .max(24 * 60)
      .default(15),
    REGISTRY_URL: z
      .string()
      .regex(/^(simulator|https?:\/\/.+)$/, { message: 'simulator or an http(s) URL' })
      .optional(),
    REGISTRY_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(3000),
    REGISTRY_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
    REGISTRY_BREAKER_THRESHOLD: z.coerce.number().int().min(1).max(1000).default(5),
    REGISTRY_BREAKER_COOLDOWN_MS: z.coerce.number().int().min(0).max(3_600_000).default(30_000),
    REGISTRY_SIM_SIZE: z.coerce.number().int().min(0).max(2_000_000).default(5000),
    REGISTRY_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(3900),
    RECHECK_INTERVAL_MS: z.coerce.number().int().min(0).max(MAX_INTERVAL_MS).default(60_000),
    PASSPORT_REFRESH_INTERVAL_MS: z.coerce.number().int().min(0).max(MAX_INTERVAL_MS).default(60_000),
    REPORT_ESCALATION_INTERVAL_MS: z.coerce.number().int().min(0).max(MAX_INTERVAL_MS).default(60_000),
    STATS_FOLD_INTERVAL_MS: z.coerce.number().int().min(0).max(MAX_INTERVAL_MS).default(1000),
    IMPORTS_INTERVAL_MS: z.coerce.number().int().min(0).max(MAX_INTERVAL_MS).default(2000),
    IMPORTS_LEASE_MS: z.coerce.number().int().min(1000).max(MAX_INTERVAL_MS).default(300_000),
    IMPORTS_BATCH_TARGET_MS: z.coerce.number().int().min(0).max(60_000).default(250),
    SMS_PROVIDER: z.enum(['outbox', 'http']).optional(),
    SMS_GATEWAY_URL: z
      .string()
      .regex(/^https?:\/\/.+/)
      .optional(),
    SMS_GATEWAY_TOKEN: z.string().optional(),
    SMS_ASCII: bool.default(true),
    EVIDENCE_DIR: z.string().optional(),
    TIEMCHUNG_MASTER_KEY: z
      .string()
      .refine((v) => /^[0-9a-fA-F]{64}$/.test(v) || Buffer.from(v, 'base64').length === 32, {
        message: '32 bytes, as base64 or 64 hex digits',
      })
      .optional(),
  })
  .superRefine((e, ctx) => {
    if (e.DATABASE_READ_URL && !e.DATABASE_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['DATABASE_READ_URL'],
        message: 'only with DATABASE_URL (the embedded database has no replica)',
      });
    }
    if (e.NODE_ENV === 'production' && !e.TIEMCHUNG_ADMIN_PASSWORD) {
      ctx.addIssue({
        code: 'custom',
        path: ['TIEMCHUNG_ADMIN_PASSWORD'],
        message: 'required when NODE_ENV=production',
      });
    }
    if ((e.SMS_PROVIDER ?? (e.NODE_ENV === 'production' ? 'http' : 'outbox')) === 'http' && !e.SMS_GATEWAY_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['SMS_GATEWAY_URL'],
        message: 'required for the http SMS provider (the default in production)',
      });
    }
    if (e.NODE_ENV === 'production' && !e.TIEMCHUNG_MASTER_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['TIEMCHUNG_MASTER_KEY'],
        message: 'required when NODE_ENV=production (it encrypts the certificate signing keys)',
      });
    }
    if (e.NODE_ENV === 'production' && !e.REGISTRY_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['REGISTRY_URL'],
        message: 'required when NODE_ENV=production (the population registry URL, or "simulator" for a trial)',
      });
    }
  });

/** The environment variables the server reads. */
export type ConfigVariable = keyof z.input<typeof envSchema>;

/** The variables of the schema, in the order the README's table lists them. */
export const CONFIG_VARIABLE_NAMES = Object.keys(envSchema.shape) as ConfigVariable[];

/**
 * Every variable's default and meaning, as the README's configuration table shows them (Markdown;
 * config.test.ts checks the table against this and against the schema's own defaults). A variable
 * added to the schema without an entry here does not compile.
 */
export const CONFIG_VARIABLES: {
  readonly [V in ConfigVariable]: { readonly default: string; readonly description: string };
} = {
  NODE_ENV: {
    default: '`development`',
    description:
      '`development`, `test` or `production`. Production refuses to start without `TIEMCHUNG_ADMIN_PASSWORD`, `TIEMCHUNG_MASTER_KEY`, `REGISTRY_URL` and (for the `http` SMS provider, its default there) `SMS_GATEWAY_URL`; seeds no demo data, sends cookies `Secure` and HSTS.',
  },
  HOST: { default: '`0.0.0.0`', description: 'interface to listen on' },
  PORT: { default: '`3000`', description: 'HTTP port' },
  LOG_LEVEL: { default: '`info` (`warn` in test)', description: 'pino log level (`fatal` … `trace`, or `silent`)' },
  DATA_DIR: {
    default: '`./data`',
    description: 'directory of the embedded database (PGlite); `memory://` for a throw-away one',
  },
  DATABASE_URL: {
    default: '—',
    description: '`postgres://…` of a PostgreSQL server; when set, the embedded database is not used',
  },
  DATABASE_READ_URL: {
    default: '—',
    description:
      '`postgres://…` of a read replica (or of a pooler routing to the replicas, `npm run cluster:up`): the statistics routes — dashboards, public figures, open data — read there; only with `DATABASE_URL`; unset, everything reads the primary',
  },
  DATABASE_POOL_MAX: { default: '`20`', description: 'connections in the PostgreSQL pool of one API node' },
  DATABASE_PREPARED_STATEMENTS: {
    default: '`true`',
    description:
      "the dose path's statements as named prepared statements (parsed and planned once per connection); set `false` behind a pooler that cannot keep them (PgBouncer before 1.21 in transaction mode)",
  },
  DATABASE_QUEUE_MAX: {
    default: '`128`',
    description:
      'requests waiting for a database connection at most; beyond, 503 `service_unavailable` with `Retry-After` (the embedded database has one connection)',
  },
  DATABASE_QUEUE_PUBLIC_MAX: {
    default: '`16`',
    description:
      'of those, new public-portal requests at most: the portal is shed first, the health check and staff are served first',
  },
  DATABASE_QUEUE_WAIT_MS: {
    default: '`2000`',
    description: "longest wait for a database connection before 503 (also the PostgreSQL pool's connection timeout)",
  },
  TIEMCHUNG_ADMIN_PASSWORD: {
    default: '— (demo: `TiemChung@2021`)',
    description:
      "password of the national administrator `admin` (at least 10 characters); required in production; when it changes, `admin`'s password is reset to it at the next start (audited)",
  },
  TIEMCHUNG_DEMO_DATA: {
    default: '`true` outside production',
    description: 'seed demo units, facilities and users into an empty database',
  },
  SESSION_TTL_HOURS: { default: '`12`', description: 'lifetime of a staff session (at most 720)' },
  WEB_DIST: {
    default: '`apps/web/dist`',
    description: 'directory of the built web app served at `/`; without an `index.html` there, only the API is served',
  },
  TRUST_PROXY: {
    default: '`false`',
    description: 'trust `X-Forwarded-For` (set behind a load balancer so rate limits see client addresses)',
  },
  PUBLIC_BASE_URL: {
    default: '— (`http://localhost:PORT`)',
    description:
      "the address clients reach the server at, as `https://host` (a path prefix allowed): the FHIR API's links and `fullUrl`s start with it, never with the request's `Host`; unset, with `http://HOST:PORT` (`localhost` for `0.0.0.0`). Set it in production",
  },
  LOGIN_MAX_FAILURES: {
    default: '`5`',
    description: 'wrong logins allowed per username before the next attempts answer 429',
  },
  LOGIN_LOCK_MINUTES: { default: '`15`', description: 'the window of those failures and the length of the lock' },
  REGISTRY_URL: {
    default: '`simulator` outside production',
    description:
      'the national population database that verifies identities: the `http(s)://` URL of its service, or `simulator` for an in-process stand-in with synthetic citizens; required in production',
  },
  REGISTRY_TIMEOUT_MS: { default: '`3000`', description: 'time-out of one call to the registry' },
  REGISTRY_RETRIES: {
    default: '`2`',
    description:
      'further attempts after a network error, time-out or 5xx answer of the registry (waiting 100 ms, 200 ms, … at most 1 s between them)',
  },
  REGISTRY_BREAKER_THRESHOLD: {
    default: '`5`',
    description:
      'consecutive failed verifications that open the circuit breaker: verifications then answer `unavailable` at once, and the identity is re-checked later',
  },
  REGISTRY_BREAKER_COOLDOWN_MS: {
    default: '`30000`',
    description: 'how long an open circuit fails fast before one trial call decides whether it closes',
  },
  REGISTRY_SIM_SIZE: {
    default: '`5000`',
    description: 'synthetic citizens in the registry simulator (`REGISTRY_URL=simulator` and `npm run registry-sim`)',
  },
  REGISTRY_SIM_PORT: {
    default: '`3900`',
    description: 'port of the stand-alone simulator `npm run registry-sim` (the in-process one takes a free port)',
  },
  PASSPORT_REFRESH_INTERVAL_MS: {
    default: '`60000`',
    description:
      'how often the background job brings vaccine passports up to date: made again after any change to their record (followed in the audit log) and within 30 days of expiry, withdrawn when something comes to block them; `0`: never (a passport read or verified is still brought up to date then)',
  },
  RECHECK_INTERVAL_MS: {
    default: '`60000`',
    description:
      'how often the background job verifies again the identities the registry could not answer (each 15 minutes after the failure, 50 at a time); `0`: never. It has no effect on report escalation',
  },
  REPORT_ESCALATION_INTERVAL_MS: {
    default: '`60000`',
    description:
      'how often the background job escalates the reports past their 48-hour due time: the parent unit sees them and both units are notified, once; `0`: never (overdue reports are still shown as overdue). Independent of `RECHECK_INTERVAL_MS`',
  },
  STATS_FOLD_INTERVAL_MS: {
    default: '`1000`',
    description:
      'how often the statistics job counts the doses, people and reports changed since its last run into the aggregates (the figures lag the records by about this much, shown as `lagSeconds`); `0`: never (tests count on demand)',
  },
  IMPORTS_INTERVAL_MS: {
    default: '`2000`',
    description:
      'how often the bulk-import runner looks for imports to run, or to resume after a server stopped (it then runs them batch by batch); `0`: never (tests run imports on demand)',
  },
  IMPORTS_LEASE_MS: {
    default: '`300000`',
    description:
      "how long a runner holds an import without committing a batch (each batch renews it); after a crash, the import resumes at its first uncommitted row once this lease has expired, on any server. Keep it well above a batch's duration (at least `1000`)",
  },
  IMPORTS_BATCH_TARGET_MS: {
    default: '`250`',
    description:
      'on the embedded database only: how long one batch of an import should hold the database (its one connection), the batch’s rows following the time the last batch took (at most 200); the staff’s requests wait for it. `0`: fixed batches of 200 rows (on PostgreSQL batches are always 2,000 rows: the pool has other connections)',
  },
  SMS_PROVIDER: {
    default: '`outbox` (`http` in production)',
    description:
      '`outbox` only stores the messages (staff read them at `GET /api/admin/sms-outbox`); `http` sends them to `SMS_GATEWAY_URL` (every 2 s, each message tried up to 5 times)',
  },
  SMS_GATEWAY_URL: {
    default: '—',
    description:
      'the `http(s)://` endpoint of the SMS gateway, sent `POST {"to": "+84…", "text": …}`; required for the `http` provider',
  },
  SMS_GATEWAY_TOKEN: { default: '—', description: 'sent to the gateway as `Authorization: Bearer <token>`' },
  SMS_ASCII: {
    default: '`true`',
    description: 'strip the Vietnamese diacritics from messages (đ → d) for gateways limited to the GSM 7-bit alphabet',
  },
  EVIDENCE_DIR: {
    default: '`DATA_DIR/evidence`',
    description:
      "where the evidence photos of citizens' reports are stored (re-encoded, by month, outside the web root); with `DATA_DIR=memory://`, `tiemchung-evidence` in the system's temporary directory",
  },
  TIEMCHUNG_MASTER_KEY: {
    default: '— (demo: `DATA_DIR/master.key`)',
    description:
      "32 bytes (base64 or 64 hex digits): the AES-256 key that encrypts the certificate signing keys at rest (another key cannot read them) and derives the portal's one-time-code and link secret; required in production. Outside production, when unset, generated once into `DATA_DIR/master.key` (`./data/master.key` on PostgreSQL or `memory://`)",
  },
};

/**
 * The address the server's absolute links start with (`PUBLIC_BASE_URL`): configured, never taken
 * from a request's `Host` (which a client chooses). Unset: the listening address, `localhost` for
 * an address of every interface.
 */
export function publicBaseUrlOf(config: Pick<Config, 'publicBaseUrl' | 'host' | 'port'>): string {
  if (config.publicBaseUrl) return config.publicBaseUrl;
  const host =
    config.host === '0.0.0.0' || config.host === '::'
      ? 'localhost'
      : config.host.includes(':')
        ? `[${config.host}]`
        : config.host;
  return `http://${host}:${config.port}`;
}

/** Thrown when the environment is invalid; the message lists every problem. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const defaultWebDist = fileURLToPath(new URL('../../web/dist', import.meta.url));

/** Reads and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings (VAR= in a shell or .env file) mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const webDist = e.WEB_DIST ? path.resolve(e.WEB_DIST) : defaultWebDist;
  return Object.freeze({
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === 'test' ? 'warn' : 'info'),
    database: e.DATABASE_URL
      ? {
          kind: 'postgres',
          url: e.DATABASE_URL,
          poolMax: e.DATABASE_POOL_MAX,
          preparedStatements: e.DATABASE_PREPARED_STATEMENTS ?? true,
          ...(e.DATABASE_READ_URL ? { readUrl: e.DATABASE_READ_URL } : {}),
        }
      : { kind: 'pglite', dataDir: e.DATA_DIR === 'memory://' ? e.DATA_DIR : path.resolve(e.DATA_DIR) },
    databaseQueue: {
      maxWaiting: e.DATABASE_QUEUE_MAX,
      maxPublicWaiting: Math.min(e.DATABASE_QUEUE_PUBLIC_MAX, e.DATABASE_QUEUE_MAX),
      maxWaitMs: e.DATABASE_QUEUE_WAIT_MS,
    },
    adminPassword: e.TIEMCHUNG_ADMIN_PASSWORD,
    demoData: e.TIEMCHUNG_DEMO_DATA ?? e.NODE_ENV !== 'production',
    sessionTtlHours: e.SESSION_TTL_HOURS,
    webDist: existsSync(path.join(webDist, 'index.html')) ? webDist : null,
    trustProxy: e.TRUST_PROXY,
    publicBaseUrl: e.PUBLIC_BASE_URL ?? null,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockMinutes: e.LOGIN_LOCK_MINUTES,
    registry: {
      url: e.REGISTRY_URL ?? 'simulator',
      timeoutMs: e.REGISTRY_TIMEOUT_MS,
      retries: e.REGISTRY_RETRIES,
      breakerThreshold: e.REGISTRY_BREAKER_THRESHOLD,
      breakerCooldownMs: e.REGISTRY_BREAKER_COOLDOWN_MS,
      simulatorSize: e.REGISTRY_SIM_SIZE,
      simulatorPort: e.REGISTRY_SIM_PORT,
    },
    recheckIntervalMs: e.RECHECK_INTERVAL_MS,
    passportRefreshIntervalMs: e.PASSPORT_REFRESH_INTERVAL_MS,
    reportEscalationIntervalMs: e.REPORT_ESCALATION_INTERVAL_MS,
    statsFoldIntervalMs: e.STATS_FOLD_INTERVAL_MS,
    importsIntervalMs: e.IMPORTS_INTERVAL_MS,
    importsLeaseMs: e.IMPORTS_LEASE_MS,
    importsBatchTargetMs: e.IMPORTS_BATCH_TARGET_MS,
    masterKey: e.TIEMCHUNG_MASTER_KEY
      ? Buffer.from(e.TIEMCHUNG_MASTER_KEY, /^[0-9a-fA-F]{64}$/.test(e.TIEMCHUNG_MASTER_KEY) ? 'hex' : 'base64')
      : null,
    sms: {
      provider: e.SMS_PROVIDER ?? (e.NODE_ENV === 'production' ? 'http' : 'outbox'),
      gatewayUrl: e.SMS_GATEWAY_URL ?? null,
      gatewayToken: e.SMS_GATEWAY_TOKEN ?? null,
      ascii: e.SMS_ASCII,
    },
    evidenceDir: path.resolve(
      e.EVIDENCE_DIR ??
        path.join(e.DATA_DIR === 'memory://' ? path.join(os.tmpdir(), 'tiemchung-evidence') : e.DATA_DIR, 'evidence'),
    ),
  } satisfies Config);
}
