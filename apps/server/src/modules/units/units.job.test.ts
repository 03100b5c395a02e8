import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { UnitImportJob } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/harness.js';
import { systemAuditContext } from '../audit/audit.service.js';
import { UnitImportJobs } from './units.job.js';
import { countUnits } from './units.queries.js';

/** The official lists, kept in the repository (`reference/admin-units/`, public data). */
const dataDir = path.resolve(fileURLToPath(import.meta.url), '../../../../../../reference/admin-units');
const text = (f: string) => readFileSync(path.join(dataDir, f), 'utf8');

const t = await useTestApp();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls the job until it ends; returns every answer seen. */
async function follow(id: string, as = 'admin'): Promise<UnitImportJob[]> {
  const seen: UnitImportJob[] = [];
  for (let i = 0; i < 2400; i++) {
    const res = await t.call('GET', `/api/units/imports/${id}`, { as });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    seen.push(res.body);
    if (res.body.status === 'done' || res.body.status === 'failed') return seen;
    await sleep(25);
  }
  throw new Error('the import did not end');
}

/** A 2025 two-level list of one made-up province (code 99) with `wards` communes 90000, 90001… */
function made2025(wards: number, duplicateAt?: number) {
  const list = Array.from({ length: wards }, (_, i) => ({
    Code: String(90_000 + i),
    FullName: `Phường Thử ${i}`,
    ProvinceCode: '99',
  }));
  if (duplicateAt !== undefined) list.splice(duplicateAt + 1, 0, { ...list[duplicateAt]! });
  return JSON.stringify([{ Code: '99', FullName: 'Tỉnh Thử Nghiệm', Wards: list }]);
}

/** A 2021 three-level list of one district of a made-up province 98. */
function made2021(communes: number, badAt?: number) {
  return JSON.stringify({
    data_date: '01/11/2021',
    data: [
      {
        level1_id: '98',
        name: 'Tỉnh Thử',
        type: 'Tỉnh',
        level2s: [
          {
            level2_id: '998',
            name: 'Huyện Thử',
            type: 'Huyện',
            level3s: Array.from({ length: communes }, (_, i) => ({
              level3_id: i === badAt ? '9800' : String(98_000 + i),
              name: `Xã Thử ${i}`,
              type: 'Xã',
            })),
          },
        ],
      },
    ],
  });
}

const unitsOf = (scheme: '2021' | '2025', provinceCode: string) =>
  t.db
    .selectFrom('admin_units')
    .select(['code', 'valid_to'])
    .where('scheme', '=', scheme)
    .where('province_code', '=', provinceCode)
    .execute();

describe('importing the official unit lists from the screen (a background job)', () => {
  it('the 2021 list: 202 with the job, progress up to 100 %, the counts, an audit entry', async () => {
    const started = await t.call('POST', '/api/units/imports', {
      as: 'admin',
      body: { files: [{ name: 'admin-units-2021-11.json', content: text('admin-units-2021-11.json') }] },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({
      status: 'queued',
      createdBy: 'admin',
      files: [{ name: 'admin-units-2021-11.json', kind: 'units-2021', status: 'waiting', rows: null }],
      error: null,
    });
    const seen = await follow(started.body.id);
    const last = seen.at(-1)!;
    expect(last).toMatchObject({
      status: 'done',
      progress: { done: 11_367, total: 11_367, percent: 100 },
      files: [{ kind: 'units-2021', status: 'done', rows: 11_367 }],
      error: null,
    });
    expect(last.finishedAt).not.toBeNull();
    const percents = seen.map((j) => j.progress.percent);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));

    const counts = await countUnits(t.db);
    const n = (level: string) => counts.find((c) => c.scheme === '2021' && c.level === level)?.n;
    expect([n('province'), n('district'), n('commune')]).toEqual([63, 705, 10_599]);
    const summary = await t.call('GET', '/api/units/summary');
    expect(summary.body.counts).toEqual(expect.arrayContaining([{ scheme: '2021', level: 'commune', count: 10_599 }]));

    const audit = await t.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'units.import')
      .where('actor_username', '=', 'admin')
      .execute();
    expect(audit.map((a) => a.after)).toContainEqual({
      job: started.body.id,
      file: 'admin-units-2021-11.json',
      kind: 'units-2021',
      rows: 11_367,
    });
    // Answered from the record as well (another node, or after this one forgot it).
    const row = await t.db
      .selectFrom('unit_import_jobs')
      .selectAll()
      .where('id', '=', started.body.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('done');
  }, 180_000);

  it('reports each written chunk as it goes, and the old → new mapping then reads both ways', async () => {
    const jobs = new UnitImportJobs(t.db);
    const steps: UnitImportJob[] = [];
    jobs.listen((j) => steps.push(j));
    await jobs.start(
      [
        { name: '2025.json', kind: 'units-2025', doc: JSON.parse(text('admin-units-2025.json')) },
        { name: 'mapping.json', kind: 'mapping-2025', doc: JSON.parse(text('admin-units-2025-mapping.json')) },
      ],
      systemAuditContext('test'),
      new Date(),
    );
    await jobs.close();
    const running = steps.filter((s) => s.status === 'running' && s.progress.total > 0);
    const total = running[0]!.progress.total;
    expect(total).toBeGreaterThan(3_355);
    // One step per statement of 1,000 rows, each further than the one before, then done.
    const done = running.map((s) => s.progress.done);
    expect(done.length).toBeGreaterThan(Math.floor(total / 1000));
    for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThan(done[i - 1]!);
    expect(steps.at(-1)).toMatchObject({ status: 'done', progress: { done: total, total, percent: 100 } });
    expect(steps.at(-1)!.files.map((f) => [f.kind, f.status])).toEqual([
      ['units-2025', 'done'],
      ['mapping-2025', 'done'],
    ]);

    // Phường 1 of TP Sa Đéc (2021: 29905) became part of Phường Sa Đéc (2025: 29905); and back.
    const forward = await t.call('GET', '/api/units/29905/mapping?scheme=2021');
    expect(forward.status).toBe(200);
    expect(forward.body).toMatchObject({ direction: 'old-to-new', unit: { name: 'Phường 1', scheme: '2021' } });
    expect(forward.body.pairs).toEqual([
      { level: 'commune', oldCode: '29905', oldName: 'Phường 1', newCode: '29905', newName: 'Phường Sa Đéc' },
    ]);
    const back = await t.call('GET', '/api/units/29905/mapping?scheme=2025');
    expect(back.body).toMatchObject({ direction: 'new-to-old', unit: { name: 'Phường Sa Đéc', scheme: '2025' } });
    expect(back.body.pairs.map((p: { oldCode: string }) => p.oldCode)).toEqual([
      '29902',
      '29905',
      '29908',
      '29911',
      '29914',
      '29917',
      '29919',
      '29920',
    ]);
    // A 2021 commune merged before 2025 is not in the mapping under its old code.
    const merged = await t.call('GET', '/api/units/29866/mapping?scheme=2021');
    expect(merged.body.pairs).toEqual([]);
    // A district (abolished in 2025): the pairs of its communes.
    const district = await t.call('GET', '/api/units/866/mapping?scheme=2021');
    // (13 of its 15 communes: two were merged before 2025.)
    expect(district.body.pairs.length).toBe(13);
    expect(district.body.pairs).toContainEqual({
      level: 'commune',
      oldCode: '29869',
      oldName: 'Phường 1',
      newCode: '29869',
      newName: 'Phường Cao Lãnh',
    });
    // Search by a name without diacritics, and by code.
    const byName = await t.call('GET', `/api/units/search?q=${encodeURIComponent('cao lanh')}`);
    const names = byName.body.items.map((u: { scheme: string; name: string }) => `${u.scheme} ${u.name}`);
    expect(names).toEqual(expect.arrayContaining(['2021 Thành phố Cao Lãnh', '2025 Phường Cao Lãnh']));
    const byCode = await t.call('GET', '/api/units/search?q=29866&scheme=2021');
    expect(byCode.body.items[0]).toMatchObject({
      code: '29866',
      parentName: 'Thành phố Cao Lãnh',
      provinceName: 'Tỉnh Đồng Tháp',
    });
  }, 180_000);

  it('a list that fails while written leaves none of its rows; the lists before it stay whole', async () => {
    const before2021 = await t.db
      .selectFrom('admin_units')
      .select('code')
      .where('scheme', '=', '2021')
      .where('valid_to', 'is not', null)
      .execute();
    const started = await t.call('POST', '/api/units/imports', {
      as: 'admin',
      body: {
        files: [
          { name: 'small-2021.json', content: made2021(30) },
          // 1,500 communes, one twice in the second statement: the database refuses it there.
          { name: 'broken-2025.json', content: made2025(1500, 1100) },
          { name: 'after.json', content: made2021(5) },
        ],
      },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const last = (await follow(started.body.id)).at(-1)!;
    expect(last.status).toBe('failed');
    expect(last.error?.code).toBe('internal_error');
    expect(last.files.map((f) => [f.name, f.status, f.rows])).toEqual([
      ['small-2021.json', 'done', 32],
      ['broken-2025.json', 'failed', null],
      ['after.json', 'skipped', null],
    ]);
    expect(last.progress.done).toBe(32);
    // Its first statement (1,000 rows) was written and undone with the rest.
    expect(await unitsOf('2025', '99')).toEqual([]);
    expect((await unitsOf('2021', '98')).length).toBe(32);
    // Nor did the 2025 list's end of the 2021 units' validity stay.
    const after2021 = await t.db
      .selectFrom('admin_units')
      .select('code')
      .where('scheme', '=', '2021')
      .where('valid_to', 'is not', null)
      .execute();
    expect(after2021.length).toBe(before2021.length);
  }, 120_000);

  it('a file that is not what it looks like fails the job before anything is written', async () => {
    await t.db.deleteFrom('admin_units').where('province_code', '=', '98').execute();
    const started = await t.call('POST', '/api/units/imports', {
      as: 'admin',
      body: {
        files: [
          { name: 'good.json', content: made2021(3) },
          { name: 'bad.json', content: made2021(3, 1) },
        ],
      },
    });
    expect(started.status).toBe(202);
    const last = (await follow(started.body.id)).at(-1)!;
    expect(last).toMatchObject({
      status: 'failed',
      error: { code: 'unit_import_invalid' },
      files: [
        { name: 'good.json', status: 'skipped' },
        { name: 'bad.json', status: 'failed' },
      ],
    });
    expect(last.error!.message).toContain('bad.json');
    expect(await unitsOf('2021', '98')).toEqual([]);
    // In Vietnamese when asked.
    const vi = await t.call('GET', `/api/units/imports/${started.body.id}`, {
      as: 'admin',
      headers: { 'accept-language': 'vi' },
    });
    expect(vi.body.error.message).toMatch(/^Tệp "bad\.json" không phải danh mục/);
  });

  it('refuses at once what is not JSON or not an official list (400 naming the file)', async () => {
    for (const content of ['{"data": [', JSON.stringify({ foo: 1 })]) {
      const res = await t.call('POST', '/api/units/imports', {
        as: 'admin',
        body: { files: [{ name: 'x.json', content }] },
      });
      expect(res.status, content).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'unit_import_invalid', field: 'files.0.content' });
    }
    const notAdmin = await t.call('POST', '/api/units/imports', {
      as: 'dongthap.admin',
      body: { files: [{ name: 'x.json', content: made2021(1) }] },
    });
    expect(notAdmin.status).toBe(403);
  });

  it('a job its node left unfinished long ago is answered as interrupted; an unknown one is 404', async () => {
    const id = '01900000-0000-7000-8000-000000000001';
    await t.db
      .insertInto('unit_import_jobs')
      .values({
        id,
        status: 'running',
        files: JSON.stringify([{ name: 'a.json', kind: 'units-2021', status: 'running', rows: null }]),
        created_by: 'admin',
        created_at: new Date(Date.now() - 2 * 3_600_000),
      })
      .execute();
    const res = await t.call('GET', `/api/units/imports/${id}`, { as: 'admin' });
    expect(res.body).toMatchObject({
      status: 'failed',
      error: { code: 'unit_import_interrupted' },
      files: [{ status: 'skipped' }],
    });
    const unknown = await t.call('GET', '/api/units/imports/nope', { as: 'admin' });
    expect(unknown.status).toBe(404);
  });
});
