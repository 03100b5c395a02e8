import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The server package directory (where `src/main.ts` lives). */
export const SERVER_DIR = path.resolve(fileURLToPath(import.meta.url), '../../..');

/**
 * The options `npm start` gives node (the root package.json's `start` script: `node <options>
 * apps/server/dist/main.js`) — the V8 heap's settings production runs with. Throws when the script
 * is no longer of that form, so that a server started "as production runs it" cannot quietly run
 * with other settings.
 */
export function startScriptNodeArgs(): string[] {
  const pkg = JSON.parse(readFileSync(path.resolve(SERVER_DIR, '../../package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const words = (pkg.scripts?.start ?? '').trim().split(/\s+/);
  const entry = words.indexOf('apps/server/dist/main.js');
  if (words[0] !== 'node' || entry !== words.length - 1 || words.slice(1, entry).some((w) => !w.startsWith('--')))
    throw new Error(`the start script is not "node [--option…] apps/server/dist/main.js": ${pkg.scripts?.start}`);
  return words.slice(1, entry);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a && typeof a === 'object' ? resolve(a.port) : reject(new Error('no port'))));
    });
  });
}

export interface ServerProcess {
  readonly proc: ChildProcess;
  readonly base: string;
  readonly exited: Promise<number | null>;
  output(): string;
}

/**
 * Starts the real server (`src/main.ts` through tsx; with `built`, `dist/main.js` with the node
 * options of `npm start`, as production runs it) as a child process and waits until
 * `GET /api/health` answers. `env` is added to a clean test environment; `nodeArgs`, when given,
 * go to node instead (`--max-old-space-size=…`).
 */
export async function startServerProcess(
  env: Record<string, string>,
  o: { built?: boolean; nodeArgs?: readonly string[] } = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const entry = o.built ? ['dist/main.js'] : ['--conditions=source', '--import', 'tsx', 'src/main.ts'];
  const nodeArgs = o.nodeArgs ?? (o.built ? startScriptNodeArgs() : []);
  const proc = spawn(process.execPath, [...nodeArgs, ...entry], {
    cwd: SERVER_DIR,
    env: {
      ...process.env,
      DATABASE_URL: '',
      PORT: String(port),
      HOST: '127.0.0.1',
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      WEB_DIST: '/nonexistent',
      RECHECK_INTERVAL_MS: '0',
      REPORT_ESCALATION_INTERVAL_MS: '0',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout?.on('data', (d) => {
    output += d;
  });
  proc.stderr?.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`server exited early: ${output}`);
    try {
      const r = await fetch(`${base}/api/health`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) throw new Error(`server did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { proc, base, exited, output: () => output };
}

/** Signs in through HTTP and returns the headers for later calls. */
export async function httpLogin(base: string, username: string, password: string): Promise<Record<string, string>> {
  const r = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!r.ok) throw new Error(`login ${username}: ${r.status}`);
  const { token } = (await r.json()) as { token: string };
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

/**
 * Runs `node --conditions=source --import tsx <args>` in the server package (a command: `src/cli.ts …`,
 * or the server: `src/main.ts`) on the embedded database unless `env` says otherwise; its exit code
 * and output. Killed after `timeoutMs` (a server that did start).
 */
export function runTsx(
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 45_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...args], {
      cwd: SERVER_DIR,
      env: { ...process.env, DATABASE_URL: '', NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => {
      stdout += d;
    });
    proc.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
