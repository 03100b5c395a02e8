import { type CreatePersonBody, SCREENING_QUESTIONS } from '@tiemchung/core';
import { expect } from 'vitest';
import type { Actor } from '../lib/authz.js';
import { simulatorCitizens } from '../modules/registry/registry.simulator.js';
import type { TestApp } from './harness.js';

const citizens = simulatorCitizens(2000);

/**
 * The next citizen's position, counted per test file: the files of a worker share this module
 * (vitest.config.ts: `isolate: false`), and each file starts again from the first citizen, so a
 * file's database never sees a citizen twice however many files ran before it in the worker.
 */
const positions = new Map<string, number>();
function nextPosition(): number {
  const file = expect.getState().testPath ?? '';
  const n = positions.get(file) ?? 0;
  positions.set(file, n + 1);
  return n;
}

/**
 * The details of a citizen the population-registry simulator knows (so the identity verifies),
 * a different one at each call within a test file. Override any field.
 */
export function buildPerson(overrides: Partial<CreatePersonBody> = {}): CreatePersonBody {
  return { ...personBodyOf(citizens[nextPosition() % citizens.length]!), ...overrides };
}

/** A citizen of the simulator living in a given province (for scope tests). */
export function buildPersonIn(provinceCode: string, overrides: Partial<CreatePersonBody> = {}): CreatePersonBody {
  for (let i = 0; i < citizens.length; i++) {
    const c = citizens[nextPosition() % citizens.length]!;
    if (c.provinceCode === provinceCode) return { ...personBodyOf(c), ...overrides } as CreatePersonBody;
  }
  throw new Error(`no simulator citizen in province ${provinceCode}`);
}

/** The registration body of a citizen the registry simulator knows (API tests and browser tests). */
export function personBodyOf(c: (typeof citizens)[number]): CreatePersonBody {
  return {
    fullName: c.fullName,
    dateOfBirth: c.dateOfBirth,
    gender: c.gender,
    idNumber: c.idNumber,
    phone: c.phone,
    provinceCode: c.provinceCode,
  };
}

/**
 * Another valid CCCD for the same birth year, sex and province (the last six digits changed): a
 * second record of one person, which the platform lists as a duplicate candidate.
 */
export function otherCccd(idNumber: string): string {
  return `${idNumber.slice(0, 6)}${String((Number(idNumber.slice(6)) + 377_001) % 1_000_000).padStart(6, '0')}`;
}

/** A citizen's report (`POST /api/portal/reports`) about a registered person; override any field. */
export function reportBodyAbout(
  p: Pick<CreatePersonBody, 'fullName' | 'dateOfBirth' | 'gender' | 'phone' | 'idNumber'>,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    category: 'wrong_personal_info',
    fullName: p.fullName,
    dateOfBirth: p.dateOfBirth,
    gender: p.gender,
    phone: p.phone,
    idNumber: p.idNumber,
    description: 'Thông tin trên hệ thống chưa đúng',
    ...overrides,
  };
}

/** Registers a person through the API as `as` (default: Đồng Tháp site staff) and returns the body. */
export async function createPersonVia(t: TestApp, body: CreatePersonBody, as = 'caolanh.tiem'): Promise<any> {
  const res = await t.call('POST', '/api/people', { as, body });
  if (res.status !== 201) throw new Error(`create person: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Makes the registry simulator fail (`down`) or answer slowly, for tests of the unavailable path. */
export async function setRegistryMode(t: TestApp, mode: { down?: boolean; latencyMs?: number }): Promise<void> {
  const sim = t.app.registrySimulator;
  if (!sim) throw new Error('the test app has no registry simulator');
  await sim.inject({ method: 'POST', url: '/__sim/mode', payload: mode });
}

/** A national administrator as a service sees the caller (for direct service calls); name it. */
export function nationalActor(who: Pick<Actor, 'id' | 'username' | 'displayName'>): Actor {
  return {
    ...who,
    role: 'national_admin',
    scope: {
      level: 'nation',
      unitCode: null,
      provinceCode: null,
      districtCode: null,
      communeCode: null,
      facilityId: null,
    },
  };
}

/** The screening checklist with every question answered "no". */
export function allScreeningNo(): Record<string, string> {
  return Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no']));
}

/**
 * Checks the person in at the session (`id` and `method` as given) and screens them "vaccinate"
 * with every answer "no", as `as` (default: Cao Lãnh site staff): the visit is ready for its dose.
 * Returns the visit's id; throws unless the check-in answers 201 and the screening 200.
 */
export async function screenedVisit(
  t: TestApp,
  sessionId: string,
  personId: string,
  options: { as?: string; id?: string; method?: string; vitals?: Record<string, number> } = {},
): Promise<string> {
  const { as = 'caolanh.tiem', id, method, vitals } = options;
  const visit = await t.call('POST', `/api/sessions/${sessionId}/visits`, {
    as,
    body: { ...(id === undefined ? {} : { id }), personId, ...(method === undefined ? {} : { method }) },
  });
  if (visit.status !== 201) throw new Error(`check-in: ${visit.status} ${JSON.stringify(visit.body)}`);
  const screening = await t.call('POST', `/api/visits/${visit.body.id}/screening`, {
    as,
    body: { answers: allScreeningNo(), ...(vitals === undefined ? {} : { vitals }), outcome: 'vaccinate' },
  });
  if (screening.status !== 200) throw new Error(`screening: ${screening.status} ${JSON.stringify(screening.body)}`);
  return visit.body.id as string;
}
