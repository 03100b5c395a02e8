/**
 * Synthetic vaccination history for the statistics benchmark: districts, communes and facilities
 * across the 63 provinces (added to the demo ones), then doses for the people already loaded,
 * streamed with `COPY people … TO STDOUT` → generated → `COPY doses … FROM STDIN`.
 *
 * Realistic shapes, deterministic (seeded): first doses from July 2021 with the campaign's peak in
 * September–October, second doses after the vaccine's interval, boosters from three months on
 * into 2022; the primary series of one vaccine of the catalogue (the mix Việt Nam used: mostly
 * AstraZeneca, Sinopharm, Pfizer, Moderna), boosters of an mRNA vaccine or AstraZeneca; each dose at
 * the person's home facility most of the time, else another of their province, now and then
 * elsewhere. Some people have no dose at all (they are the ones the recording load vaccinates).
 *
 * Every row satisfies the table's constraints: the foreign keys (person, vaccine, facility) are
 * dropped for the COPY and added again afterwards — PostgreSQL validates them over the whole table
 * then; the secondary indexes (the unique ones included) are re-created the same way.
 */
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { nameSearchKey, PROVINCES_2021, prng, seedOf, uuidv7 } from '@tiemchung/core';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { DEMO_FACILITIES, DEMO_LOTS } from '../../apps/server/src/bootstrap/demo-data.js';
import { copyText, loadPeople } from './load-people.js';

/** A facility doses are given at. */
export interface BenchFacility {
  readonly id: string;
  readonly provinceCode: string;
  readonly districtCode: string | null;
  readonly communeCode: string | null;
}

export interface FacilitiesResult {
  readonly districts: number;
  readonly communes: number;
  /** Synthetic facilities added (the demo ones are kept and used too). */
  readonly facilities: number;
  readonly byProvince: ReadonlyMap<string, readonly BenchFacility[]>;
}

/** Codes the demo data uses: synthetic units take others. */
const DEMO_DISTRICTS = new Set(['001', '002', '760', '764', '866', '867']);

/**
 * Adds, per province, districts in proportion to its people (5 to 30), ten communes per district,
 * a commune health station per commune and a district health centre per district (not in a
 * commune: it hangs under the district). Names say they are synthetic ("mô phỏng").
 */
export async function loadFacilities(client: pg.ClientBase): Promise<FacilitiesResult> {
  const { rows: counts } = await client.query<{ province_code: string; n: string }>(
    'select province_code, count(*)::text as n from people group by province_code',
  );
  const people = new Map(counts.map((r) => [r.province_code, Number(r.n)]));
  const total = [...people.values()].reduce((a, b) => a + b, 0) || 1;
  const units: string[] = [];
  const facilities: string[] = [];
  const byProvince = new Map<string, BenchFacility[]>();
  for (const f of DEMO_FACILITIES) {
    const list = byProvince.get(f.province_code) ?? [];
    list.push({
      id: f.id,
      provinceCode: f.province_code,
      districtCode: f.district_code,
      communeCode: f.commune_code,
    });
    byProvince.set(f.province_code, list);
  }
  let districtCode = 100;
  let communeCode = 30_000;
  let districts = 0;
  let communes = 0;
  const unitLine = (code: string, level: string, name: string, type: string, parent: string, p: string, d: string) =>
    ['2021', code, level, name, type, parent, p, d, nameSearchKey(name), '2021-11-01'].map(copyText).join('\t');
  for (const province of PROVINCES_2021) {
    const share = (people.get(province.code) ?? 0) / total;
    const nDistricts = Math.max(5, Math.min(30, Math.round(share * 700)));
    const list = byProvince.get(province.code) ?? [];
    for (let d = 0; d < nDistricts; d++) {
      while (DEMO_DISTRICTS.has(String(districtCode))) districtCode++;
      const dc = String(districtCode++);
      districts++;
      units.push(unitLine(dc, 'district', `Huyện mô phỏng ${dc}`, 'Huyện', province.code, province.code, dc));
      const centre = `BENCH-${dc}`;
      facilities.push(
        [centre, `Trung tâm Y tế huyện mô phỏng ${dc}`, 'district_health_centre', province.code, dc, null]
          .map(copyText)
          .join('\t'),
      );
      list.push({ id: centre, provinceCode: province.code, districtCode: dc, communeCode: null });
      for (let c = 0; c < 10; c++) {
        const cc = String(communeCode++);
        communes++;
        units.push(unitLine(cc, 'commune', `Xã mô phỏng ${cc}`, 'Xã', dc, province.code, dc));
        const station = `BENCH-${cc}`;
        facilities.push(
          [station, `Trạm Y tế xã mô phỏng ${cc}`, 'health_station', province.code, dc, cc].map(copyText).join('\t'),
        );
        list.push({ id: station, provinceCode: province.code, districtCode: dc, communeCode: cc });
      }
    }
    byProvince.set(province.code, list);
  }
  await copyLines(
    client,
    'copy admin_units (scheme, code, level, name, type, parent_code, province_code, district_code, name_key, valid_from) from stdin',
    units,
  );
  await copyLines(
    client,
    'copy facilities (id, name, kind, province_code, district_code, commune_code) from stdin',
    facilities,
  );
  await client.query('analyze admin_units; analyze facilities');
  return { districts, communes, facilities: facilities.length, byProvince };
}

async function copyLines(client: pg.ClientBase, statement: string, lines: readonly string[]): Promise<void> {
  const copy = client.query(copyFrom(statement));
  await pipeline(Readable.from([`${lines.join('\n')}\n`]), copy);
}

/** Primary series: vaccine code, share of people, days between doses [min, max]. */
const PRIMARY: readonly { code: string; share: number; gap: readonly [number, number] }[] = [
  { code: 'EU/1/21/1529', share: 0.35, gap: [56, 84] }, // AstraZeneca
  { code: 'BBIBP-CorV', share: 0.28, gap: [21, 35] }, // Sinopharm (Vero Cell)
  { code: 'EU/1/20/1528', share: 0.22, gap: [21, 42] }, // Pfizer-BioNTech
  { code: 'EU/1/20/1507', share: 0.08, gap: [28, 42] }, // Moderna
  { code: 'Abdala', share: 0.03, gap: [14, 28] }, // three-dose primary series
  { code: 'Sputnik-V', share: 0.02, gap: [21, 28] },
  { code: 'Hayat-Vax', share: 0.01, gap: [21, 28] },
  { code: 'EU/1/20/1525', share: 0.01, gap: [0, 0] }, // Janssen, one dose
];
const PRIMARY_DOSES: Readonly<Record<string, number>> = { Abdala: 3, 'EU/1/20/1525': 1 };
const BOOSTER: readonly { code: string; share: number }[] = [
  { code: 'EU/1/20/1528', share: 0.5 },
  { code: 'EU/1/20/1507', share: 0.3 },
  { code: 'EU/1/21/1529', share: 0.2 },
];
/** The lot number written with each vaccine's doses (the demo lot where there is one). */
const LOT: Readonly<Record<string, string>> = Object.fromEntries(DEMO_LOTS.map((l) => [l.vaccineCode, l.lotNumber]));

const DAY0 = Date.UTC(2021, 6, 1); // 2021-07-01
const LAST_DAY = Date.UTC(2022, 11, 31);
const DAY_MS = 86_400_000;

/** Columns of the doses COPY (the others take their defaults). */
const DOSE_COLUMNS = [
  'id',
  'person_id',
  'vaccine_code',
  'lot_number',
  'administered_on',
  'facility_id',
  'province_code',
  'district_code',
  'dose_number',
  'dose_kind',
  'source',
] as const;

function pick<T extends { share: number }>(list: readonly T[], r: number): T {
  let acc = 0;
  for (const x of list) {
    acc += x.share;
    if (r < acc) return x;
  }
  return list[list.length - 1]!;
}

/**
 * How many doses one person has: 3 (30 %), 2 (50 %), 1 (10 %), none (10 %) at two doses a person,
 * scaled for other ratios of doses to people (at most 2.25 a person: a tenth have none).
 */
function doseCountOf(r: number, scale: number): number {
  const p3 = 0.3 * scale;
  const p2 = 0.5 * scale;
  const p1 = 0.1 * scale;
  return r < p3 ? 3 : r < p3 + p2 ? 2 : r < p3 + p2 + p1 ? 1 : 0;
}

/** Day of a first dose: the 2021 campaign, rising in August, peaking in late September–October. */
function firstDay(rnd: () => number): number {
  // A sum of three uniforms (bell-shaped) over ~200 days from 1 July, centred on early October.
  const x = (rnd() + rnd() + rnd()) / 3;
  return Math.floor(x * 200);
}

const isoDay = (offset: number) => new Date(DAY0 + offset * DAY_MS).toISOString().slice(0, 10);

export interface DoseLoadOptions {
  readonly doses: number;
  readonly facilities: ReadonlyMap<string, readonly BenchFacility[]>;
  readonly seed?: string;
  readonly log?: (line: string) => void;
  /** Keep the secondary indexes and foreign keys of `doses` during the COPY, as a live system has them (default: dropped and re-created after). */
  readonly keepIndexes?: boolean;
}

export interface DoseLoadResult {
  readonly doses: number;
  readonly peopleWithDoses: number;
  readonly peopleWithout: number;
  readonly byDoseNumber: Record<string, number>;
  readonly copyMs: number;
  readonly indexMs: number;
  readonly constraintMs: number;
  readonly analyzeMs: number;
  readonly dosesPerSecond: number;
  readonly tableBytes: number;
  readonly indexBytes: number;
}

/** Turns `id\tdate_of_birth\tprovince_code` lines of people into dose lines. */
class DoseGenerator extends Transform {
  private rest = '';
  private readonly rnd: () => number;
  private readonly provinces: readonly string[];
  readonly counts = { doses: 0, peopleWith: 0, peopleWithout: 0, byDoseNumber: {} as Record<string, number> };

  constructor(
    private readonly target: number,
    private readonly scale: number,
    private readonly facilities: ReadonlyMap<string, readonly BenchFacility[]>,
    seed: string,
  ) {
    super({ readableObjectMode: false, writableObjectMode: false });
    this.rnd = prng(seedOf(seed));
    this.provinces = [...facilities.keys()];
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    const text = this.rest + chunk.toString('utf8');
    const lines = text.split('\n');
    this.rest = lines.pop() ?? '';
    let out = '';
    for (const line of lines) if (line) out += this.person(line);
    if (out) this.push(out);
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.rest) this.push(this.person(this.rest));
    done();
  }

  private person(line: string): string {
    const [id, , province] = line.split('\t') as [string, string, string];
    const rnd = this.rnd;
    const wanted = this.counts.doses >= this.target ? 0 : doseCountOf(rnd(), this.scale);
    const count = Math.min(wanted, this.target - this.counts.doses);
    if (count <= 0) {
      this.counts.peopleWithout++;
      return '';
    }
    this.counts.peopleWith++;
    const local = this.facilities.get(province) ?? [];
    const home = local.length ? local[Math.floor(rnd() * local.length)]! : null;
    const facilityFor = (): BenchFacility => {
      const r = rnd();
      if (home && r < 0.85) return home;
      if (local.length && r < 0.97) return local[Math.floor(rnd() * local.length)]!;
      const other = this.facilities.get(this.provinces[Math.floor(rnd() * this.provinces.length)]!)!;
      return other[Math.floor(rnd() * other.length)]!;
    };
    const primary = pick(PRIMARY, rnd());
    const primaryDoses = PRIMARY_DOSES[primary.code] ?? 2;
    const booster = pick(BOOSTER, rnd());
    let day = firstDay(rnd);
    let out = '';
    for (let n = 1; n <= count; n++) {
      if (n > 1) {
        day +=
          n <= primaryDoses
            ? primary.gap[0] + Math.floor(rnd() * (primary.gap[1] - primary.gap[0] + 1))
            : 90 + Math.floor(rnd() * 150);
      }
      const at = Math.min(day, (LAST_DAY - DAY0) / DAY_MS - (count - n));
      day = at;
      const vaccine = n <= primaryDoses ? primary.code : booster.code;
      const f = facilityFor();
      out += `${[
        uuidv7(DAY0 + at * DAY_MS + Math.floor(rnd() * DAY_MS)),
        id,
        vaccine,
        LOT[vaccine] ?? 'BENCH-LOT',
        isoDay(at),
        f.id,
        f.provinceCode,
        f.districtCode,
        String(n),
        n <= primaryDoses ? 'primary' : 'booster',
        'site',
      ]
        .map(copyText)
        .join('\t')}\n`;
      this.counts.byDoseNumber[n] = (this.counts.byDoseNumber[n] ?? 0) + 1;
    }
    this.counts.doses += count;
    return out;
  }
}

interface Definition {
  name: string;
  definition: string;
}

/**
 * Loads `doses` doses for the people in the table (in id order, seeded), with the secondary
 * indexes and foreign keys of `doses` dropped during the COPY and re-created (validated) after —
 * or kept throughout with `keepIndexes`.
 */
export async function loadDoses(url: string, options: DoseLoadOptions): Promise<DoseLoadResult> {
  const log = options.log ?? (() => {});
  const reader = new pg.Client({ connectionString: url });
  const writer = new pg.Client({ connectionString: url });
  await reader.connect();
  await writer.connect();
  try {
    const { rows: pc } = await writer.query<{ n: string; d: string }>(
      'select (select count(*) from people)::text as n, (select count(*) from doses)::text as d',
    );
    const people = Number(pc[0]!.n);
    if (Number(pc[0]!.d) > 0) throw new Error('doses is not empty');
    const ratio = options.doses / Math.max(1, people);
    if (ratio > 2.25) throw new Error(`at most 2.25 doses a person: ${options.doses} doses for ${people} people`);
    // 2 % more than needed, so the target is reached (the last people in id order then get none).
    const scale = Math.min(1.125, (ratio / 2) * 1.02);

    const { rows: indexes } = options.keepIndexes
      ? { rows: [] as Definition[] }
      : await writer.query<Definition>(`
      select i.relname as name, pg_get_indexdef(i.oid) as definition
        from pg_index x join pg_class i on i.oid = x.indexrelid
       where x.indrelid = 'doses'::regclass
         and not exists (select 1 from pg_constraint c where c.conindid = i.oid)`);
    const { rows: fks } = options.keepIndexes
      ? { rows: [] as Definition[] }
      : await writer.query<Definition>(`
      select conname as name, pg_get_constraintdef(oid) as definition
        from pg_constraint where conrelid = 'doses'::regclass and contype = 'f'
         -- A foreign key of the partitioned table to itself also has a row per partition it
         -- references (conparentid set): those go and come back with the parent's.
         and conparentid = 0`);
    for (const fk of fks) await writer.query(`alter table doses drop constraint ${fk.name}`);
    for (const ix of indexes) await writer.query(`drop index ${ix.name}`);

    log(`generating ${options.doses.toLocaleString('en')} doses for ${people.toLocaleString('en')} people (COPY)`);
    const started = performance.now();
    const generator = new DoseGenerator(
      options.doses,
      scale,
      options.facilities,
      `${options.seed ?? 'bench-v1'}/doses`,
    );
    const source = reader.query(
      copyTo('copy (select id, date_of_birth, province_code from people order by id) to stdout'),
    );
    const sink = writer.query(copyFrom(`copy doses (${DOSE_COLUMNS.join(', ')}) from stdin`));
    await pipeline(source, generator, sink);
    const copyMs = performance.now() - started;
    log(`  COPY: ${generator.counts.doses.toLocaleString('en')} doses in ${(copyMs / 1000).toFixed(1)} s`);

    const indexStarted = performance.now();
    for (const ix of indexes) {
      log(`  re-creating ${ix.name}`);
      await writer.query(ix.definition);
    }
    const indexMs = performance.now() - indexStarted;
    const constraintStarted = performance.now();
    for (const fk of fks) {
      log(`  adding (and validating) ${fk.name}`);
      await writer.query(`alter table doses add constraint ${fk.name} ${fk.definition}`);
    }
    const constraintMs = performance.now() - constraintStarted;
    const analyzeStarted = performance.now();
    await writer.query('vacuum (analyze) doses');
    await writer.query('checkpoint').catch(() => {});
    const analyzeMs = performance.now() - analyzeStarted;
    const { rows: sizes } = await writer.query<{ table: string; indexes: string }>(
      `select sum(pg_table_size(relid))::text as table, sum(pg_indexes_size(relid))::text as indexes
         from pg_partition_tree('doses') where isleaf`,
    );
    return {
      doses: generator.counts.doses,
      peopleWithDoses: generator.counts.peopleWith,
      peopleWithout: generator.counts.peopleWithout,
      byDoseNumber: generator.counts.byDoseNumber,
      copyMs,
      indexMs,
      constraintMs,
      analyzeMs,
      dosesPerSecond: generator.counts.doses / ((copyMs + indexMs + constraintMs) / 1000),
      tableBytes: Number(sizes[0]?.table ?? 0),
      indexBytes: Number(sizes[0]?.indexes ?? 0),
    };
  } finally {
    await reader.end();
    await writer.end();
  }
}

/**
 * `people` synthetic people, the synthetic units and facilities, and two doses a person on average,
 * into a new database the app's bootstrap has made (what a scenario measures on when it is not
 * given the national data set).
 */
export async function loadPeopleWithDoses(url: string, people: number, log: (line: string) => void): Promise<void> {
  await loadPeople(url, { count: people, indexes: 'keep', log });
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    const facilities = await loadFacilities(admin);
    await loadDoses(url, { doses: people * 2, facilities: facilities.byProvince, log });
  } finally {
    await admin.end();
  }
}
