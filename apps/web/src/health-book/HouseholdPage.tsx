import { Link } from 'react-router';
import { buttonClass } from '../ui/Button';
import { usePageTitle } from '../ui/usePageTitle';
import type { HouseholdMember } from './api';
import { formatDate, localized } from './format';
import { useBookT } from './i18n';
import { bookPaths } from './paths';
import { StatusChip } from './StatusChip';
import { useBook } from './store';

function MemberCard({ member }: { member: HouseholdMember }) {
  const t = useBookT();
  const { certificate, nextDose } = member;
  const { person } = certificate;
  return (
    <li className={`book-member book-member--${certificate.color}`}>
      <h2 className="book-member__name">
        <Link className="book-member__link" to={bookPaths.member(member.personId)}>
          {person.fullName}
        </Link>
      </h2>
      <p className="text-muted">{t('household.bornOn', { date: formatDate(person.dateOfBirth) })}</p>
      <StatusChip certificate={certificate} />
      <p className="book-member__next">
        <span className="book-member__next-label">{t('household.nextDose')}</span>{' '}
        {nextDose.due && nextDose.dueNow && <strong>{t('nextDose.dueNow')} · </strong>}
        {localized(nextDose.message)}
      </p>
    </li>
  );
}

/** `/so-suc-khoe` signed in: the household — each member with their status colour and next dose. */
export function HouseholdPage() {
  const t = useBookT();
  const headingRef = usePageTitle(t('household.title'));
  const book = useBook();
  if (!book) return null;
  const { members } = book.household;
  return (
    <div className="stack">
      <h1 ref={headingRef} tabIndex={-1}>
        {t('household.title')}
      </h1>
      {members.length === 0 ? (
        <p>{t('household.empty')}</p>
      ) : (
        <ul className="book-members" aria-label={t('household.listLabel', { count: members.length })}>
          {members.map((member) => (
            <MemberCard key={member.personId} member={member} />
          ))}
        </ul>
      )}
      <p>
        <Link className={buttonClass('secondary', true)} to={bookPaths.addMember}>
          {t('household.add')}
        </Link>
      </p>
      <p className="text-muted">{t('household.addHint')}</p>
    </div>
  );
}
