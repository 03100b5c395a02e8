/**
 * The unit picker of the facility form: which levels the user chooses and which are fixed by the
 * account's own unit. A facility sits under a district or a commune of the 2021 list; the choices
 * offered are only ever the units under the user's own (a province administrator picks among the
 * province's districts, a district administrator among the district's communes). The server
 * checks the same (403 `out_of_scope`).
 */
export interface PickerPlan {
  /** The province, fixed by the account (a province or district administrator), or null: chosen. */
  readonly province: string | null;
  /** The district, fixed by the account (a district administrator), or null: chosen. */
  readonly district: string | null;
}

/** What the picker fixes for a user anchored at `unitCode` (null: the nation). */
export function pickerFor(user: { unitCode: string | null }): PickerPlan {
  const code = user.unitCode;
  if (!code) return { province: null, district: null };
  if (code.length === 2) return { province: code, district: null };
  // A district (3 digits); its province is read from the unit itself when shown.
  return { province: null, district: code.slice(0, 3) };
}

/** The picker's current choice. */
export interface UnitChoice {
  province: string;
  district: string;
  commune: string;
}

/**
 * The units whose children the picker lists, given the plan and the choice: the nation's provinces
 * (null) only when the province is chosen, a province's districts only when the district is chosen,
 * and the communes of the district (fixed or chosen). Nothing above the user's own unit.
 */
export function listsToLoad(plan: PickerPlan, choice: UnitChoice): { parentCode: string | null; level: string }[] {
  const lists: { parentCode: string | null; level: string }[] = [];
  if (plan.district) return [{ parentCode: plan.district, level: 'commune' }];
  if (!plan.province) lists.push({ parentCode: null, level: 'province' });
  const province = plan.province ?? choice.province;
  if (province) lists.push({ parentCode: province, level: 'district' });
  if (choice.district) lists.push({ parentCode: choice.district, level: 'commune' });
  return lists;
}

/** The code the facility is placed under: the commune when one is chosen, else the district. */
export function unitCodeOf(plan: PickerPlan, choice: UnitChoice): string {
  return choice.commune || plan.district || choice.district;
}
