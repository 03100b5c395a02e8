import { describe, expect, it } from 'vitest';
import {
  confirmable,
  inGroups,
  isPassportState,
  localDate,
  PASSPORT_STATE_ORDER,
  PASSPORT_STATE_TONES,
  selectedConfirmable,
  summarizeConfirmation,
} from './passports';

const row = (personId: string, state: 'blocked' | 'ready' | 'confirmed' | 'issued') => ({ personId, state });

describe('vaccine passport list rules', () => {
  it('knows the four states, in the order a record goes through them, each with its badge', () => {
    expect(PASSPORT_STATE_ORDER).toEqual(['blocked', 'ready', 'confirmed', 'issued']);
    expect(Object.keys(PASSPORT_STATE_TONES).sort()).toEqual([...PASSPORT_STATE_ORDER].sort());
    expect(isPassportState('ready')).toBe(true);
    expect(isPassportState('issued')).toBe(true);
    expect(isPassportState('signed')).toBe(false);
    expect(isPassportState('')).toBe(false);
    expect(isPassportState(null)).toBe(false);
  });

  it('offers only the records nothing blocks and no site has confirmed for confirmation', () => {
    const items = [
      row('a', 'blocked'),
      row('b', 'ready'),
      row('c', 'confirmed'),
      row('d', 'ready'),
      row('e', 'issued'),
    ];
    expect(confirmable(items)).toEqual(['b', 'd']);
    // A record confirmed elsewhere since, or no longer listed, leaves the selection.
    expect(selectedConfirmable(items, new Set(['a', 'b', 'c', 'x']))).toEqual(['b']);
    expect(selectedConfirmable([row('b', 'confirmed'), row('d', 'ready')], new Set(['b', 'd']))).toEqual(['d']);
    expect(selectedConfirmable(items, new Set())).toEqual([]);
  });

  it('splits a large confirmation into requests of at most 200 records, none lost or repeated', () => {
    const ids = Array.from({ length: 450 }, (_, i) => `p${i}`);
    const groups = inGroups(ids, 200);
    expect(groups.map((g) => g.length)).toEqual([200, 200, 50]);
    expect(groups.flat()).toEqual(ids);
    expect(inGroups(['a'], 200)).toEqual([['a']]);
    expect(inGroups([], 200)).toEqual([]);
    expect(() => inGroups(ids, 0)).toThrow(RangeError);
  });

  it('says what a confirmation did: confirmed, already issued, blocked with why', () => {
    const blocker = { code: 'doses_incomplete', message: { vi: 'Chưa tiêm đủ liều cơ bản.', en: 'Not complete.' } };
    const summary = summarizeConfirmation([
      { personId: 'a', state: 'confirmed', blockers: [] },
      { personId: 'b', state: 'blocked', blockers: [blocker] },
      { personId: 'c', state: 'issued', blockers: [] },
      { personId: 'd', state: 'confirmed', blockers: [] },
    ]);
    expect(summary).toEqual({
      confirmed: 2,
      issued: 1,
      blocked: [{ personId: 'b', state: 'blocked', blockers: [blocker] }],
    });
  });

  it('writes a validity instant as the local day, dd/MM/yyyy', () => {
    const noon = new Date(2022, 2, 1, 12, 0, 0).toISOString();
    expect(localDate(noon)).toBe('01/03/2022');
    const lateEvening = new Date(2023, 11, 31, 23, 30, 0).toISOString();
    expect(localDate(lateEvening)).toBe('31/12/2023');
    expect(localDate(null)).toBe('');
    expect(localDate('not a date')).toBe('not a date');
  });
});
