import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_QUEUE_LIMITS, type QueueLimits } from './db/connection-queue.js';

/**
 * One typed, frozen configuration, read from the environment and validated synchronously at start
 * (before any other code runs). Every variable is documented in the README's configuration table.
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

const envSchema = z
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
    RECHECK_INTERVAL_MS: z.coerce.number().int().min(0).default(60_000),
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
