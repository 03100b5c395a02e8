import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { unitOfWork } from '../../db/transaction.js';
import { useTestApp } from '../../test/harness.js';
import { detectUnitListKind, importUnitList, mappingsFrom2025, unitsFrom2021, unitsFrom2025 } from './units.import.js';
import { countUnits } from './units.queries.js';

/** The official lists, kept in the repository (`reference/admin-units/`, public data). */
const dataDir = path.resolve(fileURLToPath(import.meta.url), '../../../../../../reference/admin-units');
const load = (f: string): unknown => JSON.parse(readFileSync(path.join(dataDir, f), 'utf8'));

const t = await useTestApp();

describe('the official administrative-unit lists', () => {
  it('reads a small 2021 three-level list', () => {
    const doc = {
      data_date: '01/11/2021',
      data: [
        {
          level1_id: '87',
          name: 'Tỉnh Đồng Tháp',
          type: 'Tỉnh',
          level2s: [
            {
              level2_id: '866',
              name: 'Thành phố Cao Lãnh',
              type: 'Thành phố',
              level3s: [{ level3_id: '29866', name: 'Phường 1', type: 'Phường' }],
            },
          ],
        },
      ],
    };
    expect(detectUnitListKind(doc)).toBe('units-2021');
    const rows = unitsFrom2021(doc);
    expect(rows.map((r) => [r.code, r.level, r.parent_code, r.province_code, r.district_code])).toEqual([
      ['87', 'province', null, '87', null],
      ['866', 'district', '87', '87', '866'],
      ['29866', 'commune', '866', '87', '866'],
    ]);
    expect(rows[1]?.name_key).toBe('thanh pho cao lanh');
  });

  it('reads the 2025 two-level list and the old → new mapping', () => {
    const list = [
      {
        Code: '82',
        FullName: 'Tỉnh Đồng Tháp',
        Wards: [{ Code: '28270', FullName: 'Phường Cao Lãnh', ProvinceCode: '82' }],
      },
    ];
    expect(detectUnitListKind(list)).toBe('units-2025');
    expect(unitsFrom2025(list).map((r) => [r.code, r.level, r.type, r.parent_code])).toEqual([
      ['82', 'province', 'Tỉnh', null],
      ['28270', 'commune', 'Phường', '82'],
    ]);
    const mapping = {
      data: [
        {
          level1_id: '87',
          name: 'Tỉnh Đồng Tháp',
          splits: [{ new_id: '82', name: 'Tỉnh Đồng Tháp' }],
          level3s: [{ level3_id: '29866', name: 'Phường 1', splits: [{ new_id: '28270', name: 'Phường Cao Lãnh' }] }],
        },
      ],
    };
    expect(detectUnitListKind(mapping)).toBe('mapping-2025');
    expect(mappingsFrom2025(mapping)).toEqual([
      { level: 'province', old_code: '87', new_code: '82', old_name: 'Tỉnh Đồng Tháp', new_name: 'Tỉnh Đồng Tháp' },
      { level: 'commune', old_code: '29866', new_code: '28270', old_name: 'Phường 1', new_name: 'Phường Cao Lãnh' },
    ]);
  });

  it('rejects a document in none of the formats', async () => {
    expect(detectUnitListKind({ foo: 1 })).toBeNull();
    await expect(unitOfWork(t.db, (trx) => importUnitList(trx, { foo: 1 }))).rejects.toThrow(/official formats/);
  });

  it('imports the full official lists, and importing them again changes nothing', async () => {
    const files = ['admin-units-2021-11.json', 'admin-units-2025.json', 'admin-units-2025-mapping.json'];
    for (const f of files) await unitOfWork(t.db, (trx) => importUnitList(trx, load(f)));
    const first = await countUnits(t.db);
    const count = (scheme: string, level: string) => first.find((r) => r.scheme === scheme && r.level === level)?.n;
    expect(count('2021', 'province')).toBe(63);
    expect(count('2021', 'district')).toBe(705);
    expect(count('2021', 'commune')).toBe(10_599);
    expect(count('2025', 'province')).toBe(34);
    expect(count('2025', 'commune')).toBe(3_321);

    for (const f of files) await unitOfWork(t.db, (trx) => importUnitList(trx, load(f)));
    expect(await countUnits(t.db)).toEqual(first);

    // A 2021 commune maps into today's province: Phường 1, TP Cao Lãnh (Đồng Tháp, 87) → new Đồng Tháp (82).
    const m = await t.db
      .selectFrom('admin_unit_mappings')
      .selectAll()
      .where('level', '=', 'province')
      .where('old_code', '=', '87')
      .execute();
    expect(m.map((r) => r.new_code)).toEqual(['82']);
    const units = await t.call('GET', '/api/units?parentCode=866');
    expect(units.body.items.length).toBeGreaterThan(10);
  }, 120_000);
});
