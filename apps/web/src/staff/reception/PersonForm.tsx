import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../../api/client';
import { TextField } from '../../ui/Field';
import { RadioGroup } from '../../ui/RadioGroup';
import { SelectField, type SelectOption } from '../../ui/SelectField';
import { useUnits } from './api';
import { type Message, messageText, provinceName } from './format';
import {
  type FieldErrors,
  isPersonField,
  PERSON_FIELDS,
  type PersonField,
  type PersonFormValues,
  tidyFormDate,
  type ValidationOptions,
  validateField,
} from './validation';

type FocusableField = PersonField | 'reason';

/**
 * State of the person form (create and edit): the values as typed, the per-field errors and the
 * elements to move the focus to. A field is checked again when it is left (if filled in) and,
 * once it shows an error, at every change so the error goes as soon as the value is right.
 */
export function usePersonForm(initial: PersonFormValues, options: ValidationOptions = {}) {
  const [values, setValues] = useState<PersonFormValues>(initial);
  const [errors, setErrors] = useState<FieldErrors>({});
  const elements = useRef<Partial<Record<FocusableField, HTMLElement | null>>>({});

  const refFor = (field: FocusableField) => (element: HTMLElement | null) => {
    elements.current[field] = element;
  };

  const focusField = (field: FocusableField) => {
    const element = elements.current[field];
    element?.focus();
    if (element instanceof HTMLInputElement && element.type !== 'radio') element.select();
  };

  /** Focuses the first field (in page order) that has an error; false when there is none. */
  const focusFirstError = (fieldErrors: FieldErrors): boolean => {
    const first = [...PERSON_FIELDS, 'reason' as const].find((field) => fieldErrors[field]);
    if (!first) return false;
    focusField(first);
    return true;
  };

  const setField = (field: PersonField, value: string) => {
    const next = { ...values, [field]: value } as PersonFormValues;
    // A new province or district empties the units below it.
    if (field === 'provinceCode') {
      next.districtCode = '';
      next.communeCode = '';
    }
    if (field === 'districtCode') next.communeCode = '';
    setValues(next);
    const updates: FieldErrors = {};
    if (errors[field]) updates[field] = validateField(next, field, options);
    // A CCCD number encodes sex and birth year: check it again when those change.
    if ((field === 'gender' && next.idNumber.trim()) || (field === 'dateOfBirth' && errors.idNumber)) {
      updates.idNumber = validateField(next, 'idNumber', options);
    }
    if (Object.keys(updates).length > 0) setErrors((previous) => ({ ...previous, ...updates }));
  };

  const onBlurField = (field: PersonField) => {
    let current = values;
    if (field === 'dateOfBirth') {
      const tidy = tidyFormDate(values.dateOfBirth);
      if (tidy !== values.dateOfBirth) {
        current = { ...values, dateOfBirth: tidy };
        setValues(current);
      }
    }
    const text = current[field];
    if (!text.trim() && !errors[field]) return;
    const error = validateField(current, field, options);
    // The ID number is checked against date of birth and sex: recheck it when those change.
    const idError =
      (field === 'dateOfBirth' || field === 'gender') && current.idNumber.trim()
        ? { idNumber: validateField(current, 'idNumber', options) }
        : {};
    setErrors((previous) => ({ ...previous, [field]: error, ...idError }));
  };

  /** Shows the error the server gave for a field under that field and focuses it; false if not a field. */
  const showServerFieldError = (error: ApiError): boolean => {
    if (!isPersonField(error.field)) return false;
    const field = error.field;
    setErrors((previous) => ({ ...previous, [field]: { text: error.message } }));
    focusField(field);
    return true;
  };

  return {
    values,
    setValues,
    errors,
    setErrors,
    setField,
    onBlurField,
    refFor,
    focusField,
    focusFirstError,
    showServerFieldError,
  };
}

export type PersonFormState = ReturnType<typeof usePersonForm>;

function byLabel(a: SelectOption, b: SelectOption): number {
  return a.label.localeCompare(b.label, 'vi');
}

/** Options of a unit select: the list, or one placeholder saying why it is empty. */
function useUnitOptions(parentCode: string | null, enabled: boolean) {
  const query = useUnits(parentCode, enabled);
  const options = useMemo<SelectOption[]>(
    () =>
      (query.data ?? [])
        .map((unit) => ({
          value: unit.code,
          // Provinces by their short name ("Đồng Tháp"), so that typing the name jumps to it.
          label: parentCode === null ? provinceName(unit.code) || unit.name : unit.name,
        }))
        .sort(byLabel),
    [query.data, parentCode],
  );
  return { options, loading: enabled && query.isPending, error: query.error };
}

export interface PersonFieldsProps {
  form: PersonFormState;
  /** Fields whose value came from a CCCD QR code (tagged as such). */
  fromQr?: ReadonlySet<PersonField>;
  /** Show the old CMND field (create only: corrections of it are not supported by the API). */
  showOldIdNumber?: boolean;
}

/** The fields of a person, grouped: identity, contact and residence, optional details. */
export function PersonFields({ form, fromQr, showOldIdNumber = true }: PersonFieldsProps) {
  const { t } = useTranslation();
  const { values, errors, setField, onBlurField, refFor } = form;
  const provinces = useUnitOptions(null, true);
  const districts = useUnitOptions(values.provinceCode || '', Boolean(values.provinceCode));
  const communes = useUnitOptions(values.districtCode || '', Boolean(values.districtCode));

  const errorText = (message: Message | undefined) => (message ? messageText(t, message) : undefined);
  const qrTag = (field: PersonField) =>
    fromQr?.has(field) && values[field] ? (
      <span className="tag" aria-hidden="true">
        {t('reception.form.fromQr')}
      </span>
    ) : null;

  const text = (field: PersonField) => ({
    ref: refFor(field),
    name: field,
    value: values[field],
    onChange: (event: { target: { value: string } }) => setField(field, event.target.value),
    onBlur: () => onBlurField(field),
    error: errorText(errors[field]),
    labelExtra: qrTag(field),
  });

  const unitPlaceholder = (
    loading: boolean,
    parentChosen: boolean,
    count: number,
    firstKey: 'province' | 'district',
  ) => {
    if (!parentChosen)
      return firstKey === 'province'
        ? t('reception.form.chooseProvinceFirst')
        : t('reception.form.chooseDistrictFirst');
    if (loading) return t('reception.form.unitsLoading');
    return count === 0 ? t('reception.form.noUnits') : t('reception.form.choose');
  };

  return (
    <>
      <fieldset className="form-section">
        <legend className="form-section__title">{t('reception.form.identityLegend')}</legend>
        <div className="form-grid">
          <TextField
            {...text('fullName')}
            label={t('reception.form.fullName')}
            required
            autoComplete="off"
            autoCapitalize="words"
            spellCheck={false}
            className="form-grid__wide"
          />
          <TextField
            {...text('dateOfBirth')}
            label={t('reception.form.dateOfBirth')}
            hint={t('reception.form.dateOfBirthHint')}
            required
            inputMode="numeric"
            autoComplete="off"
            placeholder="dd/mm/yyyy"
          />
          <RadioGroup
            legend={t('reception.form.gender')}
            name="gender"
            required
            value={values.gender}
            onChange={(value) => {
              setField('gender', value);
            }}
            options={[
              { value: 'male', label: t('reception.gender.male') },
              { value: 'female', label: t('reception.gender.female') },
            ]}
            error={errorText(errors.gender)}
            firstRef={refFor('gender')}
          />
          <TextField
            {...text('idNumber')}
            label={t('reception.form.idNumber')}
            hint={t('reception.form.idNumberHint')}
            required
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
          />
          {showOldIdNumber && (
            <TextField
              {...text('oldIdNumber')}
              label={t('reception.form.oldIdNumber')}
              inputMode="numeric"
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </div>
      </fieldset>

      <fieldset className="form-section">
        <legend className="form-section__title">{t('reception.form.contactLegend')}</legend>
        <div className="form-grid">
          <TextField
            {...text('phone')}
            label={t('reception.form.phone')}
            hint={t('reception.form.phoneHint')}
            required
            type="tel"
            inputMode="tel"
            autoComplete="off"
          />
          <SelectField
            ref={refFor('provinceCode')}
            name="provinceCode"
            label={t('reception.form.province')}
            required
            value={values.provinceCode}
            onChange={(event) => setField('provinceCode', event.target.value)}
            onBlur={() => onBlurField('provinceCode')}
            options={provinces.options}
            placeholder={unitPlaceholder(provinces.loading, true, provinces.options.length, 'province')}
            error={errorText(errors.provinceCode)}
          />
          <SelectField
            ref={refFor('districtCode')}
            name="districtCode"
            label={t('reception.form.district')}
            value={values.districtCode}
            onChange={(event) => setField('districtCode', event.target.value)}
            options={districts.options}
            placeholder={unitPlaceholder(
              districts.loading,
              Boolean(values.provinceCode),
              districts.options.length,
              'province',
            )}
            disabled={!values.provinceCode || districts.options.length === 0}
            error={errorText(errors.districtCode)}
          />
          <SelectField
            ref={refFor('communeCode')}
            name="communeCode"
            label={t('reception.form.commune')}
            value={values.communeCode}
            onChange={(event) => setField('communeCode', event.target.value)}
            options={communes.options}
            placeholder={unitPlaceholder(
              communes.loading,
              Boolean(values.districtCode),
              communes.options.length,
              'district',
            )}
            disabled={!values.districtCode || communes.options.length === 0}
            error={errorText(errors.communeCode)}
          />
          <TextField
            {...text('address')}
            label={t('reception.form.address')}
            hint={t('reception.form.addressHint')}
            autoComplete="off"
            className="form-grid__wide"
          />
        </div>
      </fieldset>

      <fieldset className="form-section">
        <legend className="form-section__title">{t('reception.form.optionalLegend')}</legend>
        <div className="form-grid">
          <TextField {...text('ethnicity')} label={t('reception.form.ethnicity')} autoComplete="off" />
          <TextField {...text('occupation')} label={t('reception.form.occupation')} autoComplete="off" />
          <TextField
            {...text('healthInsuranceNumber')}
            label={t('reception.form.healthInsuranceNumber')}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
      </fieldset>
    </>
  );
}
