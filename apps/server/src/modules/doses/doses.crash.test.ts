import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../config.js';
import { createTestDatabase } from '../../test/harness.js';
import { httpLogin, startServerProcess } from '../../test/process.js';
import { simulatorCitizens } from '../registry/registry.simulator.js';

/**
 * Crash safety: the server is killed with SIGKILL in the middle of a stream of dose requests.
 * After a restart every acknowledged (2xx) dose is there, and the client's retries of every
 * request (same Idempotency-Key) make no second dose.
 */
const dataDir = mkdtempSync(path.join(tmpdir(), 'tc-crash-'));
const pg = process.env.DATABASE_URL ? await createTestDatabase() : null;
afterAll(async () => {
  rmSync(dataDir, { recursive: true, force: true });
  await pg?.drop();
});
const env =
  pg && pg.config.database.kind === 'postgres' ? { DATABASE_URL: pg.config.database.url } : { DATA_DIR: dataDir };
if (pg) await pg.database.close();

const PEOPLE = 60;

describe('a crash during dose recording', () => {
  it('loses no acknowledged dose and doubles none on retry', async () => {
    let server = await startServerProcess(env);
    let headers = await httpLogin(server.base, 'caolanh.tiem', DEMO_PASSWORD);
    const citizens = simulatorCitizens(PEOPLE + 10).slice(10, 10 + PEOPLE);
    const people: string[] = [];
    for (const c of citizens) {
      const r = await fetch(`${server.base}/api/people`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ ...c, provinceCode: c.provinceCode }),
      });
      expect(r.status, await r.clone().text()).toBe(201);
      people.push(((await r.json()) as { id: string }).id);
    }
    const requests = people.map((personId) => ({
      personId,
      key: randomUUID(),
      body: JSON.stringify({
        vaccineCode: 'EU/1/20/1528',
        lotNumber: 'FF2587',
        administeredOn: '2021-11-20',
        facilityId: 'DT-CL-01',
      }),
    }));
    const send = (base: string, h: Record<string, string>, r: (typeof requests)[number]) =>
      fetch(`${base}/api/people/${r.personId}/doses`, {
        method: 'POST',
        headers: { ...h, 'idempotency-key': r.key },
        body: r.body,
      });

    // A stream of doses, 6 at a time; SIGKILL once a third are acknowledged.
    const acknowledged = new Map<string, string>();
    let next = 0;
    let killed = false;
    const worker = async () => {
      while (next < requests.length) {
        const r = requests[next++]!;
        try {
          const res = await send(server.base, headers, r);
          if (res.ok) acknowledged.set(r.key, ((await res.json()) as { id: string }).id);
        } catch {
          // connection reset by the crash: the client does not know whether the dose was recorded
        }
        if (!killed && acknowledged.size >= PEOPLE / 3) {
          killed = true;
          server.proc.kill('SIGKILL');
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    await server.exited;
    expect(killed).toBe(true);
    expect(acknowledged.size).toBeGreaterThanOrEqual(PEOPLE / 3);
    expect(acknowledged.size).toBeLessThan(PEOPLE);

    server = await startServerProcess(env);
    headers = await httpLogin(server.base, 'caolanh.tiem', DEMO_PASSWORD);
    // Every acknowledged dose survived the crash.
    for (const r of requests) {
      const id = acknowledged.get(r.key);
      if (!id) continue;
      const list = (await (await fetch(`${server.base}/api/people/${r.personId}/doses`, { headers })).json()) as {
        items: { id: string }[];
      };
      expect(list.items.map((d) => d.id)).toContain(id);
    }
    // The client retries everything: acknowledged ones come back the same, the rest are recorded once.
    for (const r of requests) {
      const res = await send(server.base, headers, r);
      expect([200, 201]).toContain(res.status);
      const { id } = (await res.json()) as { id: string };
      if (acknowledged.has(r.key)) {
        expect(res.status).toBe(200);
        expect(id).toBe(acknowledged.get(r.key));
      }
    }
    for (const r of requests) {
      const list = (await (await fetch(`${server.base}/api/people/${r.personId}/doses`, { headers })).json()) as {
        items: unknown[];
      };
      expect(list.items).toHaveLength(1);
    }
    server.proc.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  }, 240_000);
});
