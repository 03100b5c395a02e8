import { describe, expect, it } from 'vitest';
import { auditDiff, exportHref, filtersFrom, fromLocalInput, hasContent, queryOf, toLocalInput } from './logic';

describe('filters', () => {
  it('reads the known filters from the address and writes them back in one order', () => {
    const filters = filtersFrom(new URLSearchParams('action=person.read&personId=%20p1%20&junk=1&actor='));
    expect(filters).toEqual({ personId: 'p1', action: 'person.read' });
    expect(queryOf(filters)).toEqual({ personId: 'p1', action: 'person.read' });
    expect(exportHref('csv', filters)).toBe('/api/audit/export.csv?personId=p1&action=person.read');
    expect(exportHref('xlsx', {})).toBe('/api/audit/export.xlsx');
  });

  it('turns the time fields into instants and back', () => {
    const iso = fromLocalInput('2021-11-20T09:30');
    expect(iso).toBe(new Date(2021, 10, 20, 9, 30).toISOString());
    expect(toLocalInput(iso)).toBe('2021-11-20T09:30');
    expect(fromLocalInput('')).toBeUndefined();
    expect(toLocalInput('nonsense')).toBe('');
  });
});

describe('the difference of an entry', () => {
  it('lists the fields that changed, nested ones by their path', () => {
    const before = { fullName: 'Nguyễn Văn A', address: null, verification: { status: 'pending', fields: [] } };
    const after = { fullName: 'Nguyễn Văn A', address: 'Số 5', verification: { status: 'verified', fields: [] } };
    expect(auditDiff(before, after)).toEqual([
      { field: 'address', before: null, after: 'Số 5' },
      { field: 'verification.status', before: 'pending', after: 'verified' },
    ]);
  });

  it('shows every field of a creation or a removal, and values other than objects whole', () => {
    expect(auditDiff(null, { doses: 40, to: 'D:866' })).toEqual([
      { field: 'doses', before: null, after: '40' },
      { field: 'to', before: null, after: 'D:866' },
    ]);
    expect(auditDiff({ status: 'open' }, undefined)).toEqual([{ field: 'status', before: 'open', after: null }]);
    expect(auditDiff(null, [1, 2])).toEqual([{ field: '', before: null, after: '[1,2]' }]);
    expect(auditDiff({ a: 1 }, { a: 1 })).toEqual([]);
    expect(hasContent({ before: null, after: null })).toBe(false);
    expect(hasContent({ before: null, after: { a: 1 } })).toBe(true);
  });
});
