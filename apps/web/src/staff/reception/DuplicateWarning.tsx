import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/Button';
import type { Person } from './api';
import { formatDate, genderLabel, provinceName } from './format';
import { VerificationBadge } from './VerificationBadge';

export interface DuplicateWarningProps {
  people: readonly Person[];
  onUse: (person: Person) => void;
  onCreateAnyway: () => void;
  creating: boolean;
  /** Shown after the user tried to create without choosing. */
  pleaseChoose: boolean;
  headingRef?: Ref<HTMLHeadingElement>;
}

/**
 * "Có thể người này đã có hồ sơ": the likely existing records of the person being registered,
 * each with "Dùng hồ sơ này", and "Vẫn tạo hồ sơ mới" to go on anyway.
 */
export function DuplicateWarning({
  people,
  onUse,
  onCreateAnyway,
  creating,
  pleaseChoose,
  headingRef,
}: DuplicateWarningProps) {
  const { t } = useTranslation();
  return (
    <section className="alert alert--warning duplicate-warning" aria-labelledby="duplicates-title">
      <svg className="alert__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path fill="currentColor" d="M10 1.8 1 17.5h18L10 1.8Zm-.9 5.7h1.8v5h-1.8v-5Zm0 6.5h1.8v1.8h-1.8V14Z" />
      </svg>
      <div className="alert__body">
        <h2 id="duplicates-title" ref={headingRef} tabIndex={-1} className="alert__title h3">
          {t('reception.duplicates.title')}
        </h2>
        <p>{t('reception.duplicates.text')}</p>
        {pleaseChoose && <p className="duplicate-warning__ask">{t('reception.duplicates.pleaseChoose')}</p>}
        <ul className="duplicate-list">
          {people.map((person) => (
            <li key={person.id} className="duplicate-list__item">
              <div className="duplicate-list__who">
                <strong>{person.fullName}</strong>
                <span className="result__meta">
                  <span>{formatDate(person.dateOfBirth)}</span>
                  <span>{genderLabel(t, person.gender)}</span>
                  {person.idNumber && <span>{person.idNumber}</span>}
                  {person.phone && <span>{person.phone}</span>}
                  <span>{provinceName(person.provinceCode)}</span>
                </span>
                <VerificationBadge verification={person.verification} />
              </div>
              <Button
                variant="primary"
                onClick={() => onUse(person)}
                aria-label={t('reception.duplicates.useNamed', { name: person.fullName })}
              >
                {t('reception.duplicates.use')}
              </Button>
            </li>
          ))}
        </ul>
        <div>
          <Button variant="secondary" onClick={onCreateAnyway} disabled={creating} busy={creating}>
            {t('reception.duplicates.createAnyway')}
          </Button>
        </div>
      </div>
    </section>
  );
}
