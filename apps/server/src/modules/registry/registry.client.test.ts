import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpPopulationRegistry } from './registry.client.js';
import { simulatorCitizens, startRegistrySimulator } from './registry.simulator.js';

const sim = await startRegistrySimulator({ size: 50 });
afterAll(() => sim.app.close());
const citizen = simulatorCitizens(50)[7]!;
const query = {
  idNumber: citizen.idNumber,
  fullName: citizen.fullName,
  dateOfBirth: citizen.dateOfBirth,
  gender: citizen.gender,
};

function client(over: Partial<ConstructorParameters<typeof HttpPopulationRegistry>[0]> = {}) {
  return new HttpPopulationRegistry({
    url: sim.url,
    timeoutMs: 500,
    retries: 0,
    breakerThreshold: 3,
    breakerCooldownMs: 1000,
    ...over,
  });
}

/** A stand-in that fails its first `failures` requests with 503, then answers like the registry. */
async function flaky(failures: number): Promise<{ url: string; hits: () => number; server: Server }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits++;
    req.resume();
    if (hits <= failures) {
      res.writeHead(503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ result: 'match' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, server };
}

describe('the population registry client', () => {
  it('maps the registry’s answers: verified, mismatch with the fields, not found', async () => {
    const c = client();
    expect(await c.verify(query)).toEqual({ status: 'verified' });
    expect(
      await c.verify({
        ...query,
        fullName: `${query.fullName} X`,
        gender: query.gender === 'male' ? 'female' : 'male',
      }),
    ).toEqual({
      status: 'mismatch',
      fields: ['fullName', 'gender'],
    });
    expect(await c.verify({ ...query, idNumber: '001099999999' })).toEqual({ status: 'not_found' });
  });

  it('a registry slower than the timeout → unavailable (timeout)', async () => {
    await sim.app.inject({ method: 'POST', url: '/__sim/mode', payload: { latencyMs: 4000 } });
    const started = Date.now();
    const r = await client({ timeoutMs: 200 }).verify(query);
    await sim.app.inject({ method: 'POST', url: '/__sim/mode', payload: { latencyMs: 0 } });
    expect(r).toEqual({ status: 'unavailable', reason: 'timeout' });
    // Given up at the timeout, long before the registry's answer (4 s) would have come.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('retries a failing registry, and succeeds when it recovers within the retries', async () => {
    const f = await flaky(2);
    const r = await client({ url: f.url, retries: 2 }).verify(query);
    f.server.close();
    expect(r).toEqual({ status: 'verified' });
    expect(f.hits()).toBe(3);
  });

  it('the circuit breaker opens after consecutive failures, fails fast, then lets one trial through after the cool-down', async () => {
    const f = await flaky(3); // down for three calls, then healthy again
    let now = 1_000_000;
    const c = client({ url: f.url, retries: 0, breakerThreshold: 3, breakerCooldownMs: 30_000, now: () => now });
    for (let i = 0; i < 3; i++) expect((await c.verify(query)).status).toBe('unavailable');
    expect(c.breakerState).toBe('open');
    expect(await c.verify(query)).toEqual({ status: 'unavailable', reason: 'circuit_open' });
    expect(f.hits()).toBe(3); // failing fast: the registry was not called while open
    now += 30_001;
    expect(c.breakerState).toBe('half-open');
    expect(await c.verify(query)).toEqual({ status: 'verified' }); // the trial call
    expect(f.hits()).toBe(4);
    expect(c.breakerState).toBe('closed');
    f.server.close();
  });

  it('an unreachable registry → unavailable (network error)', async () => {
    const r = await client({ url: 'http://127.0.0.1:9' }).verify(query);
    expect(r).toEqual({ status: 'unavailable', reason: 'network_error' });
  });
});
