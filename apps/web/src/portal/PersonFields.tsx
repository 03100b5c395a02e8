import type { Ref } from 'react';
import { TextField } from '../ui/Field';
import { RadioGroup } from '../ui/RadioGroup';
import { tidyFormDate } from './format';
import { usePortalT } from './i18n';
import { type Errors, type Message, messageText, type PersonField, type PersonValues } from './validation';

export interface PersonFieldsProps {
  values: PersonValues;
  errors: Errors<PersonField>;
  onChange: (field: PersonField, value: string) => void;
  /** Ref callback of each field's control (the first radio for the sex). */
  fieldRef: (field: PersonField) => Ref<HTMLInputElement>;
  /** Whether the ID number must be given. */
  idRequired: boolean;
  idHint?: string;
  phoneHint?: string;
  /** Prefix of the controls' names/ids, unique on the page. */
  name: string;
}

/**
 * The person fields the portal asks for (name, date of birth, sex, ID number, phone), labelled
 * and checked like the staff forms; the date of birth is tidied to `dd/MM/yyyy` when left.
 */
export function PersonFields({
  values,
  errors,
  onChange,
  fieldRef,
  idRequired,
  idHint,
  phoneHint,
  name,
}: PersonFieldsProps) {
  const t = usePortalT();
  const text = (m: Message | undefined) => (m ? messageText(t, m) : undefined);
  return (
    <>
      <TextField
        ref={fieldRef('fullName')}
        id={`${name}-fullName`}
        name="fullName"
        label={t('person.fullName')}
        hint={t('person.fullNameHint')}
        required
        autoComplete="name"
        autoCapitalize="words"
        spellCheck={false}
        value={values.fullName}
        onChange={(e) => onChange('fullName', e.target.value)}
        error={text(errors.fullName)}
      />
      <TextField
        ref={fieldRef('dateOfBirth')}
        id={`${name}-dateOfBirth`}
        name="dateOfBirth"
        label={t('person.dateOfBirth')}
        hint={t('person.dateOfBirthHint')}
        required
        autoComplete="bday"
        inputMode="numeric"
        className="field--date"
        value={values.dateOfBirth}
        onChange={(e) => onChange('dateOfBirth', e.target.value)}
        onBlur={(e) => onChange('dateOfBirth', tidyFormDate(e.target.value))}
        error={text(errors.dateOfBirth)}
      />
      <RadioGroup
        firstRef={fieldRef('gender')}
        name={`${name}-gender`}
        legend={t('person.gender')}
        required
        value={values.gender}
        onChange={(value) => onChange('gender', value)}
        options={[
          { value: 'male', label: t('common.gender.male') },
          { value: 'female', label: t('common.gender.female') },
        ]}
        error={text(errors.gender)}
      />
      <TextField
        ref={fieldRef('idNumber')}
        id={`${name}-idNumber`}
        name="idNumber"
        label={t('person.idNumber')}
        hint={idHint ?? t('person.idNumberHint')}
        required={idRequired}
        labelExtra={idRequired ? undefined : <span className="field__optional">({t('common.optional')})</span>}
        inputMode="numeric"
        autoComplete="off"
        spellCheck={false}
        value={values.idNumber}
        onChange={(e) => onChange('idNumber', e.target.value)}
        error={text(errors.idNumber)}
      />
      <TextField
        ref={fieldRef('phone')}
        id={`${name}-phone`}
        name="phone"
        type="tel"
        label={t('person.phone')}
        hint={phoneHint ?? t('person.phoneHint')}
        required
        autoComplete="tel"
        inputMode="tel"
        value={values.phone}
        onChange={(e) => onChange('phone', e.target.value)}
        error={text(errors.phone)}
      />
    </>
  );
}
