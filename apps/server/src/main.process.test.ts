import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startScriptNodeArgs, startServerProcess } from './test/process.js';

/**
 * The real server process on the embedded database: data survives a restart, and SIGTERM while
 * requests are in flight lets them finish and exits cleanly.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'tc-proc-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(o: { nodeArgs?: readonly string[]; logLevel?: string } = {}) {
  return startServerProcess({ DATA_DIR: dataDir, LOG_LEVEL: o.logLevel ?? 'warn' }, { nodeArgs: o.nodeArgs });
}

async function login(base: string, username: string, password: string) {
  return fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
}

describe('the server process', () => {
  it('keeps its data across a restart, and SIGTERM during requests drains them and exits 0', async () => {
    const first = await start();
    const health = await (await fetch(`${first.base}/api/health`)).json();
    expect(health).toEqual({ status: 'ok', database: 'pglite' });

    const adminLogin = await login(first.base, 'admin', 'TiemChung@2021');
    const { token } = (await adminLogin.json()) as { token: string };
    const created = await fetch(`${first.base}/api/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        username: 'ben.restart',
        password: 'MatKhau@12345',
        role: 'province_admin',
        unitCode: '87',
      }),
    });
    expect(created.status).toBe(201);

    // Requests in flight (each login hashes with argon2, so they take a while), then SIGTERM.
    const inflight = Array.from({ length: 6 }, () => login(first.base, 'dongthap.admin', 'TiemChung@2021'));
    await new Promise((r) => setTimeout(r, 30));
    first.proc.kill('SIGTERM');
    const results = await Promise.allSettled(inflight);
    for (const r of results) {
      // Every request that reached the server got a full answer; none was cut off.
      if (r.status === 'fulfilled') expect([200, 503]).toContain(r.value.status);
    }
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThan(0);
    expect(await first.exited, first.output()).toBe(0);

    // Started again with npm start's node options: its heap is bounded (1 GB old space, 16 MB
    // semi-spaces; Node's default here is about 4 GB), and its first log line says so.
    const second = await start({ nodeArgs: startScriptNodeArgs(), logLevel: 'info' });
    const again = await login(second.base, 'ben.restart', 'MatKhau@12345');
    expect(again.status).toBe(200);
    for (let i = 0; i < 50 && !second.output().includes('is running at'); i++)
      await new Promise((r) => setTimeout(r, 100));
    const running = second
      .output()
      .split('\n')
      .flatMap((line) => (line.includes('is running at') ? [JSON.parse(line) as { heapLimitMb: number }] : []));
    expect(running).toHaveLength(1);
    expect(running[0]!.heapLimitMb).toBeGreaterThanOrEqual(1024);
    expect(running[0]!.heapLimitMb).toBeLessThanOrEqual(1024 + 3 * 16);
    second.proc.kill('SIGTERM');
    expect(await second.exited, second.output()).toBe(0);
  }, 180_000);
});
