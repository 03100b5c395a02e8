import { parseCccdQr } from '@tiemchung/core';
import { describe, expect, it } from 'vitest';
import { findByQr, type KnownPerson, knownFromVisit, mergeKnown, numberMatches, searchKnown } from './people';

function known(id: string, fullName: string, extra: Partial<KnownPerson> = {}): KnownPerson {
  return { ...knownFromVisit(id, { fullName, dateOfBirth: '1998-10-10', gender: 'male' }, 1), ...extra };
}

const people = [
  known('a', 'Nguyễn Văn Bình', { idNumber: '087******221', phone: '092****943' }),
  known('b', 'Nguyễn Thị Huyền', { dateOfBirth: '1968-03-01', gender: 'female', idNumber: '087168461555' }),
  known('c', 'Trần Bình Minh'),
];

describe('people known on the device', () => {
  it('matches partly hidden numbers against the full number', () => {
    expect(numberMatches('087******221', '087098461221')).toBe(true);
    expect(numberMatches('087******221', '087098461222')).toBe(false);
    expect(numberMatches('087******221', '08709846122')).toBe(false);
    expect(numberMatches('************', '087098461221')).toBe(false);
    expect(numberMatches(null, '087098461221')).toBe(false);
  });

  it('searches by name with or without diacritics (start of any word), ID number or phone', () => {
    expect(searchKnown(people, 'nguyen van b').map((p) => p.id)).toEqual(['a']);
    expect(searchKnown(people, 'Bình').map((p) => p.id)).toEqual(['a', 'c']);
    expect(searchKnown(people, 'nguyen').map((p) => p.id)).toEqual(['b', 'a']);
    expect(searchKnown(people, '087098461221').map((p) => p.id)).toEqual(['a']);
    expect(searchKnown(people, '087168461555').map((p) => p.id)).toEqual(['b']);
    expect(searchKnown(people, '0929 281 943').map((p) => p.id)).toEqual(['a']);
    expect(searchKnown(people, 'n')).toEqual([]);
  });

  it('finds the person of a CCCD QR code by name, date of birth and a fitting ID number', () => {
    const qr = parseCccdQr('087098461221||Nguyễn Văn Bình|10101998|Nam|Phường 1, Cao Lãnh|01012021');
    expect(qr.ok).toBe(true);
    if (!qr.ok) return;
    expect(findByQr(people, qr.value)?.id).toBe('a');
    expect(findByQr(people, { ...qr.value, dateOfBirth: '1998-10-11' })).toBeNull();
    expect(findByQr(people, { ...qr.value, idNumber: '087098461999' })).toBeNull();
  });

  it('keeps a full number when a later sighting only has a hidden one', () => {
    const full = known('a', 'Nguyễn Văn Bình', { idNumber: '087098461221' });
    const masked = known('a', 'Nguyễn Văn Bình', { idNumber: '087******221', seenAt: 2 });
    expect(mergeKnown(full, masked)).toMatchObject({ idNumber: '087098461221', seenAt: 2 });
    expect(mergeKnown(masked, full).idNumber).toBe('087098461221');
  });
});
