import { useId } from 'react';
import type { Role } from '../../../auth/roles';
import { FieldError } from '../../../ui/Field';
import { SelectField } from '../../../ui/SelectField';
import { useFacilities, useUnit, useUnits } from './api';
import { useAdminUsersT } from './i18n';
import { type CallerScope, type PlaceChoice, placeSteps } from './logic';

export type PlaceField = keyof PlaceChoice;

/** The id of a place select, to focus it when it is in error. */
export const placeFieldId = (prefix: string, field: PlaceField) => `${prefix}-${field}`;

/** Focuses the first select of the place fields (after the server refused the place). */
export function focusPlace(prefix: string): void {
  document.getElementById(`${prefix}-place`)?.querySelector<HTMLSelectElement>('select')?.focus();
}

/**
 * Where an account works: the selects its role needs (province for a national administrator,
 * district, commune, facility), each offering only the units and facilities inside the signed-in
 * administrator's own — the lists are asked for below the caller's unit, never nationwide (the
 * server checks the same and answers 403 `out_of_scope` for anything else).
 */
export function PlaceFields({
  role,
  scope,
  choice,
  onChange,
  errors,
  groupError,
  idPrefix,
}: {
  role: Role | '';
  scope: CallerScope;
  choice: PlaceChoice;
  onChange: (choice: PlaceChoice) => void;
  errors: Partial<Record<PlaceField, string>>;
  /** The server's refusal of the place as a whole (`out_of_scope`, a level the role cannot take…). */
  groupError?: string | undefined;
  idPrefix: string;
}) {
  const t = useAdminUsersT();
  const groupErrorId = `${useId()}-place-error`;
  const steps = placeSteps(role, scope);
  const province = scope.kind === 'nation' ? choice.province : scope.kind === 'province' ? scope.provinceCode : '';
  const district = scope.kind === 'district' ? scope.districtCode : choice.district;

  const provinces = useUnits(null, steps.province !== false);
  const districts = useUnits(province, steps.district !== false && steps.district !== 'fixed' && province !== '');
  const fixedDistrict = useUnit(steps.district === 'fixed' ? district : null);
  const communes = useUnits(district, steps.commune !== false && district !== '');
  const facilities = useFacilities(
    steps.facility === false
      ? null
      : district
        ? { districtCode: district }
        : province
          ? { provinceCode: province }
          : null,
  );

  if (!steps.province && !steps.district && !steps.commune && !steps.facility) return null;
  const options = (items: { code: string; name: string }[] | undefined) =>
    (items ?? []).map((u) => ({ value: u.code, label: u.name }));

  return (
    <fieldset
      id={`${idPrefix}-place`}
      className="users-place stack stack--tight"
      aria-describedby={groupError ? groupErrorId : undefined}
    >
      <legend className="field__label">{t('fields.place')}</legend>
      <p className="field__hint">{t('fields.placeHint')}</p>
      {groupError && <FieldError id={groupErrorId}>{groupError}</FieldError>}
      {steps.province && (
        <SelectField
          id={placeFieldId(idPrefix, 'province')}
          label={t('fields.province')}
          required
          placeholder={t('fields.chooseProvince')}
          options={options(provinces.data)}
          value={choice.province}
          error={errors.province}
          onChange={(e) => onChange({ province: e.target.value, district: '', commune: '', facility: '' })}
        />
      )}
      {steps.district === 'fixed' && (
        <p className="users-place__fixed">
          {t('fields.fixedDistrict', { name: fixedDistrict.data?.name ?? district })}
        </p>
      )}
      {steps.district && steps.district !== 'fixed' && (
        <SelectField
          id={placeFieldId(idPrefix, 'district')}
          label={t('fields.district')}
          required={steps.district === 'required'}
          placeholder={
            steps.district === 'required'
              ? t('fields.chooseDistrict')
              : steps.commune
                ? t('fields.wholeProvince')
                : t('fields.anyDistrict')
          }
          options={options(districts.data)}
          value={choice.district}
          disabled={province === ''}
          error={errors.district}
          onChange={(e) => onChange({ ...choice, district: e.target.value, commune: '', facility: '' })}
        />
      )}
      {steps.commune && district !== '' && (
        <SelectField
          id={placeFieldId(idPrefix, 'commune')}
          label={t('fields.commune')}
          placeholder={t('fields.wholeDistrict')}
          options={options(communes.data)}
          value={choice.commune}
          error={errors.commune}
          onChange={(e) => onChange({ ...choice, commune: e.target.value })}
        />
      )}
      {steps.facility && (
        <SelectField
          id={placeFieldId(idPrefix, 'facility')}
          label={t('fields.facility')}
          required={steps.facility === 'required'}
          placeholder={steps.facility === 'required' ? t('fields.chooseFacility') : t('fields.noFacility')}
          options={(facilities.data ?? []).map((f) => ({ value: f.id, label: f.name }))}
          value={choice.facility}
          disabled={province === '' && district === ''}
          error={errors.facility}
          onChange={(e) => onChange({ ...choice, facility: e.target.value })}
        />
      )}
    </fieldset>
  );
}
