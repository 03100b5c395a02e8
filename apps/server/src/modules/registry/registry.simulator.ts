import { genderSchema, isoDateSchema, normalizeName, type SyntheticPerson, syntheticPopulation } from '@tiemchung/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';

/**
 * A stand-in for the national population database: a real HTTP service with its own deterministic
 * data set of citizens (from the synthetic population, seed `registry-sim-v1`). Started by
 * `npm run registry-sim`, and in-process for tests and the demo. It compares exactly what the real
 * one is asked to: ID number, full name (letters and diacritics; case, spacing and Unicode form
 * aside — "Bửu Lộc" is not "Bảo Lộc"), date of birth and sex.
 *
 * Test controls (never in the real service): `POST /__sim/citizens` adds citizens,
 * `POST /__sim/mode` makes it fail (`down`: 503) or slow (`latencyMs`).
 */
export const SIMULATOR_SEED = 'registry-sim-v1';
export const SIMULATOR_DEFAULT_SIZE = 5_000;

export interface Citizen {
  readonly idNumber: string;
  readonly fullName: string;
  readonly dateOfBirth: string;
  readonly gender: 'male' | 'female';
}

/** The simulator's built-in citizens, in order (the same on every machine). */
export function simulatorCitizens(size = SIMULATOR_DEFAULT_SIZE): SyntheticPerson[] {
  return [...syntheticPopulation(SIMULATOR_SEED, size)];
}

function comparableName(name: string): string {
  const n = normalizeName(name);
  return (n.ok ? n.value : name).normalize('NFC').toLocaleLowerCase('vi');
}

const verifyBody = z.object({
  idNumber: z.string().min(1).max(20),
  fullName: z.string().min(1).max(200),
  dateOfBirth: isoDateSchema,
  gender: genderSchema,
});

export async function buildRegistrySimulator(
  options: { size?: number; logger?: boolean } = {},
): Promise<FastifyInstance> {
  const citizens = new Map<string, Citizen>();
  for (const c of simulatorCitizens(options.size)) citizens.set(c.idNumber, c);
  const mode = { down: false, latencyMs: 0 };
  // A stand-in closes at once: no waiting out a client's keep-alive connection (Fastify keeps an
  // open one for its keep-alive timeout, 72 s, before `close()` returns).
  const app = Fastify({ logger: options.logger ?? false, forceCloseConnections: true });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/__sim')) return;
    if (mode.latencyMs) await new Promise((r) => setTimeout(r, mode.latencyMs));
    if (mode.down) return reply.status(503).send({ error: 'unavailable' });
  });

  app.get('/v1/health', async () => ({ status: 'ok', citizens: citizens.size }));

  app.post('/v1/identity/verify', async (request, reply) => {
    const parsed = verifyBody.safeParse(request.body);
    if (!parsed.success) return reply.status(400).send({ error: 'bad_request' });
    const q = parsed.data;
    const c = citizens.get(q.idNumber);
    if (!c) return { result: 'not_found' };
    const mismatches: string[] = [];
    if (comparableName(c.fullName) !== comparableName(q.fullName)) mismatches.push('fullName');
    if (c.dateOfBirth !== q.dateOfBirth) mismatches.push('dateOfBirth');
    if (c.gender !== q.gender) mismatches.push('gender');
    return mismatches.length ? { result: 'mismatch', mismatches } : { result: 'match' };
  });

  app.post('/__sim/citizens', async (request) => {
    const list = z.array(verifyBody).parse(request.body);
    for (const c of list) citizens.set(c.idNumber, c);
    return { citizens: citizens.size };
  });

  app.post('/__sim/mode', async (request) => {
    const m = z
      .object({ down: z.boolean().optional(), latencyMs: z.number().int().min(0).max(60_000).optional() })
      .parse(request.body);
    Object.assign(mode, m);
    return mode;
  });

  return app;
}

/** Starts the simulator on a port (0: any free one) and returns its base URL. */
export async function startRegistrySimulator(
  options: { port?: number; host?: string; size?: number; logger?: boolean } = {},
): Promise<{ url: string; app: FastifyInstance }> {
  const app = await buildRegistrySimulator(options);
  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  return { url: address, app };
}
