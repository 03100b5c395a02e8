import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEMO_UNITS } from '../../bootstrap/demo-data.js';
import { statsSources } from '../../bootstrap/stats-sources.js';
import { buildPersonIn, otherCccd } from '../../test/factories.js';
import { foldStatsNow, type TestApp, useTestApp } from '../../test/harness.js';
import { verifyStats } from './stats.verify.js';

/**
 * Issue 15, acceptance: any random sequence of writes through the API — people registered,
 * doses recorded (retroactive ones renumber the history), doses and people corrected, records
 * merged (twin doses become duplicates), citizens' reports filed, reassigned and resolved — with
 * the fold run at random points, leaves every aggregate equal to a recount from the records, and
 * the summary equal to direct counts of the tables. Runs on PGlite, and on PostgreSQL with
 * DATABASE_URL. FC_RUNS sets the number of runs (default 22); a failure prints the seed and the
 * shrunk sequence of operations.
 */

let now = new Date('2022-01-10T03:00:00Z');
// The clock moves forward (reports resolved hours after they came): sessions last the whole run.
const t = await useTestApp({ deps: { clock: () => now }, config: { SESSION_TTL_HOURS: '720' } });

const PROVINCES = ['01', '79', '87'] as const;
const FACILITIES = ['HN-BD-01', 'HN-HK-01', 'HCM-Q1-01', 'HCM-GV-01', 'DT-CL-01', 'DT-SD-01'] as const;
const VACCINES = [
  { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587' },
  { vaccineCode: 'EU/1/21/1529', lotNumber: 'ABV5811' },
  { vaccineCode: 'EU/1/20/1507', lotNumber: '3002183' },
  { vaccineCode: 'EU/1/20/1525', lotNumber: '1821006' },
  { vaccineCode: 'BBIBP-CorV', lotNumber: '202108B2316' },
] as const;
/** Few dates, so that doses of two records of one person are often twins, and entries often retroactive. */
const DOSE_DATES = [
  '2021-07-15',
  '2021-08-20',
  '2021-09-10',
  '2021-10-01',
  '2021-10-29',
  '2021-11-20',
  '2021-12-15',
  '2022-01-05',
] as const;
/** Birth dates either side of the age bands' edges (a correction may move a person's doses to another band). */
const BIRTH_DATES = ['1950-03-01', '1961-12-31', '1962-01-02', '1976-06-15', '1996-02-29', '2004-01-01', '2009-11-11'];
/** Who registers: the nation (no facility) or a site (the person is registered with its facility). */
const CREATORS = ['admin', 'caolanh.tiem', 'hanoi.tiem'] as const;

/** A residence of the demo units: a province, a district of it, a commune of that. */
function residence(province: string, pick: number) {
  const districts = DEMO_UNITS[province] ?? [];
  const places: { provinceCode: string; districtCode?: string; communeCode?: string }[] = [{ provinceCode: province }];
  for (const d of districts) {
    places.push({ provinceCode: province, districtCode: d.code });
    for (const [c] of d.communes) places.push({ provinceCode: province, districtCode: d.code, communeCode: c });
  }
  return places[pick % places.length]!;
}

type Op =
  | {
      kind: 'person';
      province: number;
      place: number;
      creator: number;
      foreigner: boolean;
      birth: number;
      female: boolean;
    }
  | { kind: 'twin'; person: number }
  | { kind: 'copyDose'; pair: number; dose: number }
  | { kind: 'dose'; person: number; vaccine: number; facility: number; date: number; as: number }
  | { kind: 'correctDose'; person: number; dose: number; vaccine?: number; date?: number; facility?: number }
  | { kind: 'correctPerson'; person: number; birth?: number; female?: boolean; province?: number; place?: number }
  | { kind: 'merge'; survivor: number; other: number; twins: boolean }
  | { kind: 'report'; person: number; category: number }
  | { kind: 'reassign'; report: number; facility: number }
  | { kind: 'resolve'; report: number }
  | { kind: 'clock'; hours: number }
  | { kind: 'fold' };

const idx = fc.nat({ max: 1000 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('person' as const),
      province: idx,
      place: idx,
      creator: idx,
      foreigner: fc.boolean(),
      birth: idx,
      female: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('twin' as const), person: idx }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('copyDose' as const), pair: idx, dose: idx }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('dose' as const),
      person: idx,
      vaccine: idx,
      facility: idx,
      date: idx,
      as: idx,
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record(
      {
        kind: fc.constant('correctDose' as const),
        person: idx,
        dose: idx,
        vaccine: idx,
        date: idx,
        facility: idx,
      },
      { requiredKeys: ['kind', 'person', 'dose'] },
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.constant('correctPerson' as const),
        person: idx,
        birth: idx,
        female: fc.boolean(),
        province: idx,
        place: idx,
      },
      { requiredKeys: ['kind', 'person'] },
    ),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('merge' as const), survivor: idx, other: idx, twins: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('report' as const), person: idx, category: idx }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('reassign' as const), report: idx, facility: idx }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('resolve' as const), report: idx }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clock' as const), hours: fc.integer({ min: 1, max: 30 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'fold' as const }) },
);

interface Person {
  id: string;
  body: Record<string, any>;
}

/** What the operations did, over all runs: the test checks that each kind of write really happened. */
const done = new Map<string, number>();
const tally = (what: string) => done.set(what, (done.get(what) ?? 0) + 1);
/** Why operations were refused (printed with STATS_PROPERTY_DEBUG, to keep the mix of operations useful). */
const refused = new Map<string, number>();
const refuse = (what: string, res: { status: number; body: any }) => {
  const key = `${what} ${res.status} ${res.body?.error?.code ?? ''} ${res.body?.violations?.map((v: any) => v.code).join(',') ?? ''}`;
  refused.set(key, (refused.get(key) ?? 0) + 1);
};
let ipCounter = 0;
const nextIp = () => {
  ipCounter++;
  return `10.${77 + (ipCounter >> 16)}.${(ipCounter >> 8) & 255}.${ipCounter & 255}`;
};

/** A sequence's world: the people and reports it made (indices pick among them). */
class World {
  people: Person[] = [];
  reports: { id: string; personId: string | null }[] = [];
  /** Two records of one citizen (the second made by 'twin'). */
  twins: [Person, Person][] = [];
  constructor(private readonly t: TestApp) {}

  pick<T>(list: readonly T[], i: number): T | undefined {
    return list.length ? list[i % list.length] : undefined;
  }

  async run(op: Op): Promise<void> {
    const t = this.t;
    switch (op.kind) {
      case 'person': {
        const province = PROVINCES[op.province % PROVINCES.length]!;
        const place = residence(province, op.place);
        const body: Record<string, any> = op.foreigner
          ? {
              fullName: `Kim Min Jun ${randomBytes(2).toString('hex')}`.replace(/[0-9]/g, 'a'),
              dateOfBirth: BIRTH_DATES[op.birth % BIRTH_DATES.length],
              gender: op.female ? 'female' : 'male',
              idType: 'passport',
              nationality: 'KR',
              idNumber: `M${randomBytes(4).readUInt32BE() % 100_000_000}`.padEnd(9, '7'),
              phone: `098${String(randomBytes(4).readUInt32BE() % 10_000_000).padStart(7, '0')}`,
              ...place,
            }
          : { ...buildPersonIn(province), ...place };
        const creator = CREATORS[op.creator % CREATORS.length]!;
        const res = await t.call('POST', '/api/people', { as: creator, body });
        if (res.status === 201) {
          this.people.push({ id: res.body.id, body });
          tally('person');
        } else refuse('person', res);
        return;
      }
      case 'twin': {
        // A second record of a citizen (another CCCD of the same birth year and sex): a merge candidate.
        const p = this.pick(this.people, op.person);
        if (!p || p.body.idType === 'passport') return;
        const body = { ...p.body, idNumber: otherCccd(p.body.idNumber) };
        const res = await t.call('POST', '/api/people', { as: 'admin', body });
        if (res.status === 201) {
          const twin = { id: res.body.id, body };
          this.people.push(twin);
          this.twins.push([p, twin]);
          tally('twin');
        } else refuse('twin', res);
        return;
      }
      case 'dose': {
        const p = this.pick(this.people, op.person);
        if (!p) return;
        const facility = FACILITIES[op.facility % FACILITIES.length]!;
        const as = op.as % 3 === 0 ? 'admin' : facility === 'DT-CL-01' ? 'caolanh.tiem' : 'admin';
        const res = await t.call('POST', `/api/people/${p.id}/doses`, {
          as,
          headers: { 'idempotency-key': randomUUID() },
          body: {
            ...VACCINES[op.vaccine % VACCINES.length]!,
            administeredOn: DOSE_DATES[op.date % DOSE_DATES.length],
            facilityId: facility,
          },
        });
        if (res.status === 201) tally('dose');
        else refuse('dose', res);
        return;
      }
      case 'copyDose': {
        // The second record is given a dose the first already has: after a merge, one is a duplicate.
        const pair = this.pick(this.twins, op.pair);
        if (!pair) return;
        const doses = (await t.call('GET', `/api/people/${pair[0].id}/doses`, { as: 'admin' })).body.items ?? [];
        const d = this.pick(doses as any[], op.dose);
        if (!d) return;
        const res = await t.call('POST', `/api/people/${pair[1].id}/doses`, {
          as: 'admin',
          headers: { 'idempotency-key': randomUUID() },
          body: {
            vaccineCode: d.vaccineCode,
            lotNumber: d.lotNumber,
            administeredOn: d.administeredOn,
            facilityId: d.facilityId,
          },
        });
        if (res.status === 201) tally('copyDose');
        else refuse('copyDose', res);
        return;
      }
      case 'correctDose': {
        // A dose is corrected through a citizen's report about it (the only correction the API has).
        const p = this.pick(this.people, op.person);
        if (!p) return;
        const doses = (await t.call('GET', `/api/people/${p.id}/doses`, { as: 'admin' })).body.items ?? [];
        const dose = this.pick(doses as { id: string }[], op.dose);
        if (!dose) return;
        const report = await this.file(p, 'wrong_dose');
        if (!report || report.personId !== p.id) {
          refuse('correctDose-report', {
            status: 0,
            body: { error: { code: report ? `linked to ${report.personId}` : 'none' } },
          });
          return;
        }
        const change: Record<string, string> = {};
        if (op.vaccine !== undefined) Object.assign(change, VACCINES[op.vaccine % VACCINES.length]);
        if (op.date !== undefined) change.administeredOn = DOSE_DATES[op.date % DOSE_DATES.length]!;
        if (op.facility !== undefined) change.facilityId = FACILITIES[op.facility % FACILITIES.length]!;
        const res = await t.call('POST', `/api/reports/${report.id}/actions/correct-dose`, {
          as: 'admin',
          body: { doseId: dose.id, ...change },
        });
        if (res.status === 200) tally('correctDose');
        else refuse('correctDose', res);
        return;
      }
      case 'correctPerson': {
        const p = this.pick(this.people, op.person);
        if (!p) return;
        const patch: Record<string, unknown> = { reason: 'Sửa theo giấy tờ' };
        if (op.birth !== undefined) patch.dateOfBirth = BIRTH_DATES[op.birth % BIRTH_DATES.length];
        if (op.female !== undefined) patch.gender = op.female ? 'female' : 'male';
        if (op.province !== undefined) {
          const province = PROVINCES[op.province % PROVINCES.length]!;
          Object.assign(patch, residence(province, op.place ?? 0));
        }
        const res = await t.call('PATCH', `/api/people/${p.id}`, { as: 'admin', body: patch });
        if (res.status === 200) {
          Object.assign(p.body, patch);
          tally('correctPerson');
        } else refuse('correctPerson', res);
        return;
      }
      case 'merge': {
        const pair = op.twins ? this.pick(this.twins, op.survivor) : undefined;
        const [a, b] = pair
          ? op.other % 2
            ? pair
            : [pair[1], pair[0]]
          : [this.pick(this.people, op.survivor), this.pick(this.people, op.other)];
        if (!a || !b || a === b) return;
        const res = await t.call('POST', `/api/people/${a.id}/merge`, {
          as: 'admin',
          body: { duplicateId: b.id, reason: 'Hai hồ sơ của một người' },
        });
        if (res.status === 200) tally('merge');
        else refuse('merge', res);
        return;
      }
      case 'report': {
        const p = this.pick(this.people, op.person);
        if (p) await this.file(p, ['missing_dose', 'wrong_personal_info', 'other'][op.category % 3]!);
        return;
      }
      case 'reassign': {
        const r = this.pick(this.reports, op.report);
        if (!r) return;
        const res = await t.call('POST', `/api/reports/${r.id}/reassign`, {
          as: 'admin',
          body: { facilityId: FACILITIES[op.facility % FACILITIES.length], reason: 'Đúng cơ sở đã tiêm' },
        });
        if (res.status === 200) tally('reassign');
        else refuse('reassign', res);
        return;
      }
      case 'resolve': {
        const r = this.pick(this.reports, op.report);
        if (!r) return;
        const res = await t.call('POST', `/api/reports/${r.id}/resolution`, {
          as: 'admin',
          body: { outcome: 'corrected', note: 'Đã xử lý.' },
        });
        if (res.status === 200) tally('resolve');
        else refuse('resolve', res);
        return;
      }
      case 'clock':
        now = new Date(now.getTime() + op.hours * 3_600_000);
        return;
      case 'fold':
        await foldStatsNow(t);
        tally('fold');
        return;
    }
  }

  /** Files a citizen's report about the person (through the portal); null when it is refused. */
  async file(p: Person, category: string) {
    const res = await this.t.call('POST', '/api/portal/reports', {
      ip: nextIp(),
      body: {
        category,
        fullName: p.body.fullName,
        dateOfBirth: p.body.dateOfBirth,
        gender: p.body.gender,
        phone: p.body.phone,
        idNumber: p.body.idNumber,
        description: 'Thông tin trên hệ thống chưa đúng',
      },
    });
    if (res.status !== 201) {
      refuse('report', res);
      return null;
    }
    const found = await this.t.call('GET', `/api/reports?trackingCode=${res.body.trackingCode}`, { as: 'admin' });
    const r = found.body.items[0] as { id: string; personId: string | null };
    this.reports.push({ id: r.id, personId: r.personId });
    tally('report');
    return r;
  }
}

/** The summary's figures counted straight from the tables, for one unit (as `summary` defines them). */
async function directSummary(unit: { level: 'nation' | 'province' | 'district' | 'facility'; code: string }) {
  let people = t.db
    .selectFrom('people')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('merged_into', 'is', null);
  let doses = t.db
    .selectFrom('doses')
    .innerJoin('facilities', 'facilities.id', 'doses.facility_id')
    .select(['doses.dose_number', 'doses.vaccine_code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('doses.duplicate_of', 'is', null)
    .groupBy(['doses.dose_number', 'doses.vaccine_code']);
  if (unit.level === 'province') {
    people = people.where('province_code', '=', unit.code);
    doses = doses.where('facilities.province_code', '=', unit.code);
  } else if (unit.level === 'district') {
    people = people.where('district_code', '=', unit.code);
    doses = doses.where('facilities.district_code', '=', unit.code);
  } else if (unit.level === 'facility') {
    people = people.where('registered_facility_id', '=', unit.code);
    doses = doses.where('facilities.id', '=', unit.code);
  }
  const rows = await doses.execute();
  const byDoseNumber: Record<string, number> = {};
  const byVaccine: Record<string, number> = {};
  for (const r of rows) {
    byDoseNumber[String(r.dose_number)] = (byDoseNumber[String(r.dose_number)] ?? 0) + Number(r.n);
    byVaccine[r.vaccine_code] = (byVaccine[r.vaccine_code] ?? 0) + Number(r.n);
  }
  return {
    people: Number((await people.executeTakeFirstOrThrow()).n),
    doses: rows.reduce((s, r) => s + Number(r.n), 0),
    byDoseNumber,
    byVaccine,
  };
}

const VIEWERS = [
  { as: 'admin', unit: { level: 'nation', code: '' } },
  { as: 'dongthap.admin', unit: { level: 'province', code: '87' } },
  { as: 'hanoi.admin', unit: { level: 'province', code: '01' } },
  { as: 'caolanh.admin', unit: { level: 'district', code: '866' } },
  { as: 'caolanh.tiem', unit: { level: 'facility', code: 'DT-CL-01' } },
  { as: 'hanoi.tiem', unit: { level: 'facility', code: 'HN-BD-01' } },
] as const;

async function expectConsistent() {
  await foldStatsNow(t);
  const check = await verifyStats(t.db, statsSources);
  expect(check.differences).toEqual([]);
  for (const v of VIEWERS) {
    const res = await t.call('GET', '/api/stats/summary', { as: v.as });
    expect(res.status).toBe(200);
    const { people, doses, byDoseNumber, byVaccine } = res.body;
    expect({ viewer: v.as, people, doses, byDoseNumber, byVaccine }).toEqual({
      viewer: v.as,
      ...(await directSummary(v.unit)),
    });
    expect(res.body).toMatchObject({ pending: 0, lagSeconds: 0 });
  }
}

describe('statistics stay equal to the records (property)', () => {
  it('any sequence of registrations, doses, corrections, merges and reports, folded at any points, leaves every aggregate equal to a recount and the summary equal to direct counts', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 6, maxLength: 12 }), async (ops) => {
        const world = new World(t);
        // Every sequence starts from a citizen with a dose, a second record of them with the same dose, a
        // report about them, and a foreigner.
        await world.run({
          kind: 'person',
          province: 2,
          place: 3,
          creator: 1,
          foreigner: false,
          birth: 0,
          female: false,
        });
        await world.run({ kind: 'dose', person: 0, vaccine: 0, facility: 4, date: 3, as: 1 });
        await world.run({ kind: 'twin', person: 0 });
        await world.run({ kind: 'copyDose', pair: 0, dose: 0 });
        await world.run({ kind: 'person', province: 0, place: 1, creator: 0, foreigner: true, birth: 2, female: true });
        await world.run({ kind: 'report', person: 0, category: 0 });
        for (const op of ops) await world.run(op);
        await expectConsistent();
      }),
      { numRuns: Number(process.env.FC_RUNS ?? 22), endOnFailure: process.env.FC_SHRINK !== '1' },
    );
    const duplicates = await t.db
      .selectFrom('doses')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('duplicate_of', 'is not', null)
      .executeTakeFirstOrThrow();
    const what = JSON.stringify({
      done: Object.fromEntries(done),
      refused: Object.fromEntries(refused),
      duplicates: Number(duplicates.n),
    });
    if (process.env.STATS_PROPERTY_DEBUG) console.log(what);
    // The sequences really wrote: each kind of change happened (a test that skipped them all would prove nothing).
    for (const kind of [
      'person',
      'twin',
      'dose',
      'copyDose',
      'correctDose',
      'correctPerson',
      'merge',
      'report',
      'reassign',
      'resolve',
      'fold',
    ])
      expect(done.get(kind) ?? 0, `${kind}: ${what}`).toBeGreaterThan(0);
    expect(Number(duplicates.n), `duplicate doses: ${what}`).toBeGreaterThan(0);
  }, 600_000);
});
