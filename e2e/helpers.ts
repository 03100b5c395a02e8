import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCREENING_QUESTIONS } from '@tiemchung/core';
import {
  type Browser,
  type BrowserContext,
  type BrowserContextOptions,
  chromium,
  type Locator,
  type Page,
} from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startScriptNodeArgs } from '../apps/server/src/test/process.js';

/** The repository root (this file lives in <root>/e2e). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');

/** The admin password the test server is started with (TIEMCHUNG_ADMIN_PASSWORD). */
export const TEST_ADMIN_USERNAME = 'admin';
export const TEST_ADMIN_PASSWORD = 'Mat-khau-kiem-thu-2021!';

/** Variables Vitest sets in its own process (import.meta.env), not meant for the server. */
const VITEST_ENV_MARKERS = new Set(['TEST', 'MODE', 'DEV', 'PROD', 'SSR', 'BASE_URL']);

const HEALTH_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 15_000;

/** Launches the system Chromium (no browser download on this machine) headless. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('could not read the port of a probe server'));
        return;
      }
      server.close(() => resolvePort(address.port));
    });
  });
}

export interface TestServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  baseUrl: string;
  /** The data directory the server was given (removed by stop()). */
  dataDir: string;
  /** Server output so far (stdout and stderr), for failure messages. */
  output(): string;
  /** Sends SIGTERM, waits for the process to exit (SIGKILL after 15 s), removes the data dir. */
  stop(): Promise<void>;
}

export interface StartServerOptions {
  /** Extra environment for the server process. */
  env?: Record<string, string>;
}

function delay(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((done) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      done(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      done(true);
    };
    child.once('exit', onExit);
  });
}

async function isHealthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.status === 200;
  } catch {
    return false;
  }
}

/** A new, empty database on the PostgreSQL server of `baseUrl`, and how to drop it. */
async function createPgDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const name = `tc_e2e_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/**
 * Starts the built server as `npm start` runs it (`node` with the start script's heap options,
 * `apps/server/dist/main.js`) on a free port with a fresh data directory, a known admin password
 * and NODE_ENV=test (DATABASE_URL passes through when set), and waits until `GET /api/health`
 * answers 200.
 */
export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  // E2E_SERVER_ENTRY lets the harness itself be checked against a stand-in server.
  const entry = resolve(REPO_ROOT, process.env.E2E_SERVER_ENTRY ?? 'apps/server/dist/main.js');
  if (!existsSync(entry)) {
    throw new Error(`${entry} not found: build the server first (npm run build)`);
  }
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'tiemchung-e2e-'));
  // The server gets this process's environment (PATH, DATABASE_URL, ...) less Vitest's own markers.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && !VITEST_ENV_MARKERS.has(key)),
  );
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    TIEMCHUNG_ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    NODE_ENV: 'test',
    ...options.env,
  };
  // On PostgreSQL every server gets a database of its own (created here, dropped by stop()), as
  // every embedded one gets a fresh data directory: tests never see each other's people.
  const pgDatabase = process.env.DATABASE_URL ? await createPgDatabase(process.env.DATABASE_URL) : null;
  if (pgDatabase) env.DATABASE_URL = pgDatabase.url;

  const nodeArgs = process.env.E2E_SERVER_ENTRY ? [] : startScriptNodeArgs();
  const child = spawn(process.execPath, [...nodeArgs, entry], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const append = (chunk: Buffer) => {
    log += chunk.toString('utf8');
    if (log.length > 200_000) log = log.slice(-100_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  if (process.env.E2E_SERVER_LOG) {
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if (!(await waitForExit(child, STOP_TIMEOUT_MS))) {
        child.kill('SIGKILL');
        await waitForExit(child, 5_000);
      }
    }
    if (!process.env.E2E_KEEP_DATA) {
      await rm(dataDir, { recursive: true, force: true });
      await pgDatabase?.drop();
    }
  };
  const tail = () => log.slice(-4_000);

  // The server may listen on IPv4 or on "localhost" only: accept whichever answers.
  const hosts = ['127.0.0.1', 'localhost'];
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  try {
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was healthy:\n${tail()}`);
      }
      for (const host of hosts) {
        const baseUrl = `http://${host}:${port}`;
        if (await isHealthy(`${baseUrl}/api/health`)) {
          return { baseUrl, dataDir, output: () => log, stop };
        }
      }
      if (Date.now() > deadline) {
        throw new Error(`server not healthy after ${HEALTH_TIMEOUT_MS / 1000} s on port ${port}:\n${tail()}`);
      }
      await delay(250);
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Fails early with a clear message when the web app has not been built. */
export function assertWebBuilt(): void {
  const index = join(REPO_ROOT, 'apps/web/dist/index.html');
  if (!existsSync(index)) {
    throw new Error(`${index} not found: build the web app first (npm run build:web)`);
  }
}

/** The demo accounts' password (README, demo accounts). */
export const DEMO_PASSWORD = 'TiemChung@2021';

/** A demo account's sign-in (every demo account has DEMO_PASSWORD). */
export const demoUser = (username: string) => ({ username, password: DEMO_PASSWORD });
/** The demo site staff of Trạm Y tế Phường 1, TP Cao Lãnh (DT-CL-01, Đồng Tháp, province 87). */
export const SITE_STAFF = demoUser('caolanh.tiem');
/** That site, the demo's Pfizer (Comirnaty) and the lot the site holds. */
export const FACILITY_ID = 'DT-CL-01';
export const PFIZER = 'EU/1/20/1528';
export const PFIZER_LOT = 'FF2587';

/** A date in Vietnam (UTC+7), `days` after today, as `YYYY-MM-DD`: the sites' day. */
export function vnDate(days = 0): string {
  return new Date(Date.now() + 7 * 3_600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** Calls the test server's API with JSON; `token` signs the call in as a staff member. */
export async function apiJson<T>(
  server: Pick<TestServer, 'baseUrl'>,
  path: string,
  init: RequestInit & { token?: string } = {},
): Promise<{ status: number; body: T }> {
  const { token, headers, ...rest } = init;
  const res = await fetch(`${server.baseUrl}${path}`, {
    ...rest,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(headers as Record<string, string> | undefined),
    },
  });
  return { status: res.status, body: (res.status === 204 ? undefined : await res.json()) as T };
}

/** Signs in through the API and returns the bearer token. */
export async function apiToken(
  server: Pick<TestServer, 'baseUrl'>,
  username: string,
  password = DEMO_PASSWORD,
): Promise<string> {
  const login = await apiJson<{ token: string }>(server, '/api/auth/login', {
    method: 'POST',
    body: JSON.stringify({ username, password }),
  });
  if (login.status !== 200) throw new Error(`login ${username}: ${login.status}`);
  return login.body.token;
}

/**
 * The server and the browser of a test file: started before its tests (the web app must be built),
 * closed after them; with the API shortcuts bound to the server.
 */
export function useServerAndBrowser() {
  const env = {
    server: undefined as unknown as TestServer,
    browser: undefined as unknown as Browser,
    json: <T>(path: string, init?: RequestInit & { token?: string }) => apiJson<T>(env.server, path, init),
    token: (username: string, password?: string) => apiToken(env.server, username, password),
  };
  beforeAll(async () => {
    assertWebBuilt();
    env.server = await startServer();
    env.browser = await launchBrowser();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.server?.stop();
  });
  return env;
}

/** Signs in through the login page of `page` and waits for the staff app. */
export async function signInThroughPage(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/dang-nhap');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu').fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.waitForURL('**/quan-tri**');
}

/** What a registrant gives on the portal (a citizen of the registry simulator, say). */
export interface PortalRegistrant {
  fullName: string;
  dateOfBirth: string;
  gender: string;
  phone: string;
  idNumber: string;
  provinceCode: string;
}

/**
 * Registers `who` on the portal (Đăng ký tiêm: all checklist answers "no", consent) and confirms
 * with the OTP read from the SMS outbox as the administrator. `extra` adds or overrides fields.
 */
export async function registerOnPortal(
  server: Pick<TestServer, 'baseUrl'>,
  who: PortalRegistrant,
  extra: Record<string, unknown> = {},
) {
  const start = await apiJson<{ registrationId: string }>(server, '/api/portal/registrations', {
    method: 'POST',
    body: JSON.stringify({
      fullName: who.fullName,
      dateOfBirth: who.dateOfBirth,
      gender: who.gender,
      phone: who.phone,
      idNumber: who.idNumber,
      priorityGroup: 'other',
      provinceCode: who.provinceCode,
      nationality: 'VN',
      checklist: Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no'])),
      consent: true,
      ...extra,
    }),
  });
  const admin = await apiToken(server, TEST_ADMIN_USERNAME, TEST_ADMIN_PASSWORD);
  const outbox = async () =>
    (await apiJson<{ items: { text: string }[] }>(server, `/api/admin/sms-outbox?to=${who.phone}`, { token: admin }))
      .body.items;
  const otp = /\b(\d{6})\b/.exec((await outbox())[0]?.text ?? '')?.[1] ?? '';
  const confirmed = await apiJson<{ code: string; qr: string }>(
    server,
    `/api/portal/registrations/${start.body.registrationId}/verify`,
    { method: 'POST', body: JSON.stringify({ otp }) },
  );
  return { start, confirmed, outbox };
}

/** The WCAG 2.0 and 2.1 level A and AA rules of axe-core (what the accessibility tests hold pages to). */
export const AXE_WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] as const;

/** One failed axe-core rule on a page: which, how bad, and where (CSS selectors) with axe's summary. */
export interface AxeViolation {
  rule: string;
  impact: string | null;
  help: string;
  nodes: { target: string; html: string; summary: string }[];
}

let axeSource: string | undefined;

/**
 * Runs axe-core (node_modules/axe-core) in `page` with the WCAG 2.1 A/AA rules and returns what
 * fails. axe is injected as an inline script: the page's browser context must be created with
 * `bypassCSP: true` (the app's own Content-Security-Policy stays as it is).
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) {
    axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
    await page.addScriptTag({ content: axeSource });
  }
  return page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: typeof import('axe-core') }).axe;
    const results = await axe.run(document, {
      runOnly: { type: 'tag', values: [...tags] },
      resultTypes: ['violations'],
    });
    return results.violations.map((v) => ({
      rule: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes.map((n) => ({
        target: n.target.map(String).join(' '),
        html: n.html.slice(0, 240),
        summary: n.failureSummary ?? '',
      })),
    }));
  }, AXE_WCAG_TAGS);
}

/** A staff account: what the login page and POST /api/auth/login take. */
export interface StaffAccount {
  username: string;
  password: string;
}

/**
 * Waits until React has taken over a pre-rendered page: its form's submit button is rendered as a
 * plain button before that (ui/Button.tsx), so a click or a field filled earlier is lost.
 */
export async function formReady(page: Page, timeout = 15_000): Promise<void> {
  await page.locator('main form button[type="submit"]').first().waitFor({ timeout });
}

/** Waits (auto-retrying) until the locator is visible. */
export async function visible(locator: Locator, timeout = 15_000): Promise<Locator> {
  await locator.waitFor({ state: 'visible', timeout });
  return locator;
}

/** Whether the locator's element has the focus. */
export async function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluate((el) => el === document.activeElement);
}

/** Today as the browser and the server see it (same machine, same time zone), as `YYYY-MM-DD`. */
export function todayIso(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "Nguyễn Thị Ánh" → "nguyen thi anh": what a desk types without diacritics. */
export function withoutDiacritics(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase();
}

/**
 * Calls the API with a bearer token (as the public when `token` is null); a body goes as JSON and
 * an empty answer reads as undefined.
 */
export async function callApi<T>(
  server: Pick<TestServer, 'baseUrl'>,
  token: string | null,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: {
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/**
 * The newest one-time code (6 digits) of `kind` sent to `phone`, read from the demo SMS outbox with
 * a national administrator's `token`; waits up to 15 s for it.
 */
export async function otpFromOutbox(
  server: Pick<TestServer, 'baseUrl'>,
  token: string,
  phone: string,
  kind: string,
): Promise<string> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const outbox = await callApi<{ items: { text: string; kind: string }[] }>(
      server,
      token,
      'GET',
      `/api/admin/sms-outbox?to=${phone}`,
    );
    if (outbox.status !== 200) throw new Error(`the SMS outbox answered ${outbox.status}`);
    const message = outbox.body.items.find((m) => m.kind === kind);
    const otp = message && /\b(\d{6})\b/.exec(message.text)?.[1];
    if (otp) return otp;
    if (Date.now() > deadline) throw new Error(`no ${kind} SMS to ${phone}: ${JSON.stringify(outbox.body)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A new browser context and page on `server` (its page errors pushed to `pageErrors`), signed in
 * as `user` through the login page (exact labels) and on the staff app's home, /quan-tri.
 */
export async function openStaffPage(
  browser: Browser,
  server: Pick<TestServer, 'baseUrl'>,
  user: StaffAccount,
  pageErrors: Error[],
  viewport = { width: 1280, height: 900 },
  contextOptions: Omit<BrowserContextOptions, 'viewport' | 'baseURL'> = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ ...contextOptions, viewport, baseURL: server.baseUrl });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error));
  await page.goto('/dang-nhap');
  await page.getByLabel('Tên đăng nhập', { exact: true }).fill(user.username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Đăng nhập', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/quan-tri');
  return { context, page };
}

/** Saves a screenshot of the page as `<name>.png` in E2E_SCREENSHOT_DIR when that is set (else nothing). */
export async function saveScreenshot(page: Page, name: string, fullPage = true): Promise<void> {
  const dir = process.env.E2E_SCREENSHOT_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage });
}
