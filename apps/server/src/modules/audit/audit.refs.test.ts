import fc from 'fast-check';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';

const t = await useTestApp();

/** The lists as the audit service joins them (migration 0013): one text, items separated by U+001F. */
const joined = (items: readonly string[]) => items.join('\u001f');

describe('audit_entry_refs_listed() (migration 0024)', () => {
  it('answers as audit_entry_refs() for any entry whose entity is not read: units and people, sorted, without repeats', async () => {
    // People with every unit, with a province only (a record from before the district was known),
    // facilities, and ids that name nothing.
    const full = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const other = await createPersonVia(t, buildPersonIn('01'));
    const { rows: legacy } = await sql<{ id: string }>`
      select id from people where district_code is null limit 1`.execute(t.db);
    const { rows: facilities } = await sql<{ id: string }>`select id from facilities order by id limit 4`.execute(t.db);
    const people = [full.id, other.id, ...legacy.map((r) => r.id), 'nobody-0001'];
    const facilityIds = [...facilities.map((f) => f.id), 'NO-SUCH-FACILITY'];
    const tag = fc.constantFrom('p:87', 'd:866', 'c:29866', 'p:01', 'f:DT-CL-01', 'p:79', 'd:760');
    const entry = fc.record({
      type: fc.constantFrom<string | null>('person', 'facility', 'dose', 'visit', null),
      id: fc.constantFrom(...people, ...facilityIds, 'd-0001'),
      tags: fc.option(fc.array(tag, { maxLength: 5 }).map(joined)),
      persons: fc.option(fc.array(fc.constantFrom(...people), { maxLength: 4 }).map(joined)),
      facilities: fc.option(fc.array(fc.constantFrom(...facilityIds), { maxLength: 3 }).map(joined)),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 20 }), async (entries) => {
        const { rows } = await sql<{ same: boolean; a: unknown; b: unknown }>`
          select a.unit_codes is not distinct from b.unit_codes
                   and a.person_ids is not distinct from b.person_ids as same,
                 row(a.unit_codes, a.person_ids)::text as a, row(b.unit_codes, b.person_ids)::text as b
          from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb)
            as e(type text, id text, tags text, persons text, facilities text)
          cross join lateral audit_entry_refs(e.type, e.id, e.tags, e.persons, e.facilities) a
          cross join lateral audit_entry_refs_listed(e.type, e.id, e.tags, e.persons, e.facilities) b`.execute(t.db);
        expect(rows).toHaveLength(entries.length);
        for (const r of rows) expect(r.b, JSON.stringify(entries)).toBe(r.a);
      }),
      { numRuns: 200 },
    );
  });
});
