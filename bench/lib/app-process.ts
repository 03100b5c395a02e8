/**
 * The real app under test in its own Node process (entry: `app-process.child.ts`), so that its CPU
 * can be told apart from the load generator's and PostgreSQL's (see `cpu.ts`), and so that a
 * restart (another pool size, another database setting) starts from a clean process.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '../../apps/server/src/config.js';
import { REPO_ROOT } from './report.js';

/** One statement text as the app sent it, with its calls and the time the app waited for them. */
export interface StatementCount {
  readonly text: string;
  readonly calls: number;
  /** Summed time from sending the statement to having its result, ms (includes waiting for a connection's turn). */
  readonly ms: number;
}

/** What the app did since the counters were last reset. */
export interface AppCounters {
  readonly statements: StatementCount[];
  /** Responses sent (any status). */
  readonly responses: number;
  /** Share of the time the app's event loop (its one JavaScript thread) was busy, 0–1. */
  readonly eventLoopUtilization: number;
}

/** Messages to the child. */
export type AppProcessRequest =
  | {
      readonly type: 'start';
      readonly id: number;
      readonly env: Record<string, string>;
      /** Add `POST /api/__bench/insert` (one plain INSERT into `bench_baseline`). */
      readonly baselineRoute: boolean;
    }
  | { readonly type: 'counters'; readonly id: number; readonly reset: boolean }
  | { readonly type: 'profile-start'; readonly id: number; readonly intervalUs: number }
  | { readonly type: 'profile-stop'; readonly id: number; readonly file: string }
  | { readonly type: 'memory'; readonly id: number }
  | { readonly type: 'close'; readonly id: number };

/** Messages from the child. */
export type AppProcessReply =
  | { readonly type: 'ready'; readonly id: number; readonly port: number; readonly pid: number }
  | {
      readonly type: 'counters';
      readonly id: number;
      readonly statements: StatementCount[];
      readonly responses: number;
      readonly eventLoopUtilization: number;
      readonly cpu: NodeJS.CpuUsage;
    }
  | { readonly type: 'memory'; readonly id: number; readonly usage: NodeJS.MemoryUsage }
  | { readonly type: 'ok'; readonly id: number }
  | { readonly type: 'error'; readonly id: number; readonly message: string };

/** A running app process. */
export interface AppProcess {
  readonly origin: string;
  readonly pid: number;
  /** The statements sent and responses answered since the last reset (and resets when asked). */
  counters(reset: boolean): Promise<AppCounters>;
  /** Starts V8's sampling CPU profiler in the app (the one `--cpu-prof` uses). */
  startProfile(intervalUs?: number): Promise<void>;
  /** Stops it and writes the `.cpuprofile` to `file`. */
  stopProfile(file: string): Promise<void>;
  /**
   * The app's memory right after a full garbage collection (V8's, through the inspector): what it
   * keeps, without the garbage a sample of RSS catches at some random point of V8's cycle.
   */
  memoryAfterGc(): Promise<NodeJS.MemoryUsage>;
  /** Closes the app (and its pool) and waits for the process to exit. */
  close(): Promise<void>;
}

/**
 * The master key of every benchmark database (synthetic data only): one for all runs, so that a kept
 * database (`--reuse-db`) opens the signing keys an earlier run made — the app refuses to start with
 * another key.
 */
export const BENCH_MASTER_KEY = createHash('sha256').update('tiemchung benchmark databases').digest('base64');

/** What the app is started with. */
export interface AppProcessOptions {
  /** Environment for `loadConfig` (DATABASE_URL, DATABASE_POOL_MAX, …). */
  readonly env: Record<string, string>;
  readonly baselineRoute?: boolean;
}

/** Starts the app in a child process (`node --conditions=source --import tsx`) and waits until it listens. */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const entry = fileURLToPath(new URL('./app-process.child.ts', import.meta.url));
  const child: ChildProcess = fork(entry, [], {
    cwd: REPO_ROOT,
    execArgv: ['--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: options.env.NODE_ENV ?? 'test' },
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (m: AppProcessReply) => void; reject: (e: Error) => void }>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.on('message', (raw: unknown) => {
    const m = raw as AppProcessReply;
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.type === 'error') p.reject(new Error(`app process: ${m.message}`));
    else p.resolve(m);
  });
  child.once('exit', (code) => {
    for (const p of pending.values()) p.reject(new Error(`the app process exited (code ${code})`));
    pending.clear();
  });
  type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
  const ask = (m: WithoutId<AppProcessRequest>): Promise<AppProcessReply> =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send({ ...m, id } as AppProcessRequest);
    });

  let ready: AppProcessReply;
  try {
    ready = await ask({ type: 'start', env: options.env, baselineRoute: options.baselineRoute ?? false });
  } catch (err) {
    child.kill();
    throw err;
  }
  if (ready.type !== 'ready') throw new Error(`unexpected reply ${ready.type}`);
  let closed = false;
  return {
    origin: `http://127.0.0.1:${ready.port}`,
    pid: ready.pid,
    async counters(reset) {
      const r = await ask({ type: 'counters', reset });
      if (r.type !== 'counters') throw new Error(`unexpected reply ${r.type}`);
      return { statements: r.statements, responses: r.responses, eventLoopUtilization: r.eventLoopUtilization };
    },
    async startProfile(intervalUs = 1000) {
      await ask({ type: 'profile-start', intervalUs });
    },
    async stopProfile(file) {
      await ask({ type: 'profile-stop', file });
    },
    async memoryAfterGc() {
      const r = await ask({ type: 'memory' });
      if (r.type !== 'memory') throw new Error(`unexpected reply ${r.type}`);
      return r.usage;
    },
    async close() {
      if (closed) return;
      closed = true;
      await ask({ type: 'close' }).catch(() => {});
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Signs in through the API and returns the bearer token. */
export async function signIn(origin: string, username: string, password: string = DEMO_PASSWORD): Promise<string> {
  const res = await fetch(`${origin}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login of ${username} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** The app's own bootstrap on a new benchmark database (schema, provinces, vaccines, the demo units, facilities, users and lots): the app started once and closed. */
export async function bootstrapBenchDatabase(url: string): Promise<void> {
  const app = await startAppProcess({
    env: {
      DATABASE_URL: url,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      RECHECK_INTERVAL_MS: '0',
      TIEMCHUNG_MASTER_KEY: BENCH_MASTER_KEY,
      TIEMCHUNG_DEMO_DATA: 'true',
    },
  });
  await app.close();
}
