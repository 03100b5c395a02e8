import { describe, expect, it } from 'vitest';
import { listsToLoad, pickerFor, unitCodeOf } from './unitPicker';

const none = { province: '', district: '', commune: '' };

describe('the facility form’s unit picker offers only the user’s units', () => {
  it('a national administrator chooses the province, then its districts, then communes', () => {
    const plan = pickerFor({ unitCode: null });
    expect(plan).toEqual({ province: null, district: null });
    expect(listsToLoad(plan, none)).toEqual([{ parentCode: null, level: 'province' }]);
    expect(listsToLoad(plan, { province: '01', district: '001', commune: '' })).toEqual([
      { parentCode: null, level: 'province' },
      { parentCode: '01', level: 'district' },
      { parentCode: '001', level: 'commune' },
    ]);
  });

  it('a province administrator is offered the province’s districts only, never the list of provinces', () => {
    const plan = pickerFor({ unitCode: '87' });
    expect(plan).toEqual({ province: '87', district: null });
    expect(listsToLoad(plan, none)).toEqual([{ parentCode: '87', level: 'district' }]);
    // Whatever the choice says about a province, the districts listed are the account's province's.
    const lists = listsToLoad(plan, { province: '01', district: '866', commune: '' });
    expect(lists).toEqual([
      { parentCode: '87', level: 'district' },
      { parentCode: '866', level: 'commune' },
    ]);
    expect(lists.some((l) => l.parentCode === null || l.parentCode === '01')).toBe(false);
  });

  it('a district administrator is offered the district’s communes only', () => {
    const plan = pickerFor({ unitCode: '866' });
    expect(plan).toEqual({ province: null, district: '866' });
    expect(listsToLoad(plan, { province: '01', district: '001', commune: '' })).toEqual([
      { parentCode: '866', level: 'commune' },
    ]);
    expect(unitCodeOf(plan, { province: '', district: '001', commune: '' })).toBe('866');
    expect(unitCodeOf(plan, { province: '', district: '', commune: '29869' })).toBe('29869');
  });
});
