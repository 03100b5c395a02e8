import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';
import { nameWordsQuery } from './people.queries.js';

const now = new Date('2021-11-20T02:00:00Z');
const t = await useTestApp({ deps: { clock: () => now } });

const names = (res: { body: { items: { fullName: string }[] } }) => res.body.items.map((p) => p.fullName);

describe('finding a person by any whole word of the name', () => {
  // Registered at the desk of TP Cao Lãnh (Đồng Tháp), with two namesakes elsewhere in the name.
  let binh: Promise<{ id: string }>;
  let others: Promise<unknown>;
  beforeAll(async () => {
    binh = createPersonVia(t, buildPersonIn('87', { fullName: 'Nguyễn Văn Bình', districtCode: '866' }));
    others = Promise.all([
      createPersonVia(t, buildPersonIn('87', { fullName: 'Bình Thị Hoa', districtCode: '866' })),
      createPersonVia(t, buildPersonIn('87', { fullName: 'Lê Bính', districtCode: '866' })),
    ]);
    await Promise.all([binh, others]);
  });

  it('a single given name, typed without diacritics, finds the person', async () => {
    const person = await binh;
    await others;
    for (const q of ['binh', 'Bình', 'BINH', '  binh ']) {
      const res = await t.call('GET', `/api/people?q=${encodeURIComponent(q)}&limit=100`, { as: 'caolanh.tiem' });
      expect(res.status, q).toBe(200);
      expect(
        res.body.items.some((p: { id: string }) => p.id === person.id),
        q,
      ).toBe(true);
      // "Bình Thị Hoa" starts with the word; "Lê Bính" has "binh" as a word too (no diacritics).
      expect(names(res), q).toEqual(expect.arrayContaining(['Nguyễn Văn Bình', 'Bình Thị Hoa', 'Lê Bính']));
    }
  });

  it('several words in any order; the start of the name as before; a part of a word is no word', async () => {
    await binh;
    const find = async (q: string) =>
      names(await t.call('GET', `/api/people?q=${encodeURIComponent(q)}&limit=100`, { as: 'caolanh.tiem' }));
    expect(await find('van binh')).toContain('Nguyễn Văn Bình');
    expect(await find('binh nguyen')).toContain('Nguyễn Văn Bình');
    expect(await find('nguyen van b')).toContain('Nguyễn Văn Bình');
    expect(await find('bin')).not.toContain('Nguyễn Văn Bình');
    expect(await find('binh hoa')).toEqual(['Bình Thị Hoa']);
    // The answers come in name order (the diacritic-free key), without repeats.
    const all = await find('binh');
    expect(new Set(all).size).toBe(all.length);
  });

  it('stays within the caller’s scope', async () => {
    const person = await binh;
    const seen = async (as: string) =>
      (await t.call('GET', '/api/people?q=binh&limit=100', { as })).body.items.some(
        (p: { id: string }) => p.id === person.id,
      );
    expect(await seen('dongthap.admin')).toBe(true);
    expect(await seen('caolanh.admin')).toBe(true);
    expect(await seen('admin')).toBe(true);
    // Hà Nội: its province administrator, and its site (a facility searches its own province).
    expect(await seen('hanoi.admin')).toBe(false);
    expect(await seen('hanoi.tiem')).toBe(false);
  });

  it('is answered by an index, not by reading every person (the plan, on 20,000 more people)', async () => {
    await binh;
    // 20,000 people more, in this transaction only (undone at the end): five family names, "thi"
    // or "van", one of 400 given names — "binh" stays rare, "thi" is in every other name. The
    // planner then has statistics of the words to choose by.
    const rollback = new Error('rollback');
    let plans: string[] = [];
    const explain = async (q: { explain(): Promise<Record<string, unknown>[]> }) =>
      (await q.explain()).map((r) => String(Object.values(r)[0])).join('\n');
    await t.db
      .transaction()
      .execute(async (trx) => {
        await sql`insert into people (id, full_name, name_key, date_of_birth, gender, legacy, province_code)
          select 'bulk-' || g, 'x',
                 (array['nguyen', 'tran', 'le', 'pham', 'hoang'])[1 + g % 5]
                   || case when g % 2 = 0 then ' thi ' else ' van ' end || 'ten' || (g % 400),
                 date '1980-01-01', 'female', true, case when g % 3 = 0 then '01' else '87' end
            from generate_series(1, 20000) g`.execute(trx);
        // What autovacuum does after a bulk load: the index's pending list merged, statistics taken.
        await sql`select gin_clean_pending_list('people_name_words')`.execute(trx);
        await sql`analyze people`.execute(trx);
        plans = [
          await explain(nameWordsQuery(trx, ['binh'], {}, 20)),
          await explain(nameWordsQuery(trx, ['van', 'binh'], { province_code: '87' }, 20)),
          await explain(nameWordsQuery(trx, ['thi'], {}, 20)),
          await explain(nameWordsQuery(trx, ['thi'], { province_code: '87' }, 20)),
        ];
        throw rollback;
      })
      .catch((e) => {
        if (e !== rollback) throw e;
      });
    expect(plans).toHaveLength(4);
    // A rare word: the word index (the planner matched the query's expression to the index's).
    expect(plans[0]).toMatch(/Bitmap Index Scan on people_name_words/);
    expect(plans[1]).toMatch(/Bitmap Index Scan on people_name_words/);
    // A common word: the ordered name index, stopping once the page is full.
    expect(plans[2]).toMatch(/Index Scan using people_name_key/);
    expect(plans[3]).toMatch(/Index Scan using people_province_name_key|Index Scan using people_name_key/);
    for (const p of plans) expect(p).not.toMatch(/Seq Scan on people/);
  });
});
