import { useQuery } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { Alert } from '../../ui/Alert';
import { useNow } from '../../ui/useNow';
import { usePageTitle } from '../../ui/usePageTitle';
import { formatDate, genderLabel, provinceName } from '../reception/format';
import { receptionPaths } from '../reception/paths';
import { approvalsApi, approvalsKeys, type IdentityBlockedRecord } from './api';
import { ago } from './format';
import { type ApprovalsKey, useApprovalsT } from './i18n';
import { approvalsPaths } from './paths';
import { SubNav } from './SubNav';

const UNIT_CODE = /^\d{2,5}$/;
const FIELD_KEYS = ['fullName', 'dateOfBirth', 'gender', 'idNumber', 'idType'] as const;

/**
 * "Hồ sơ chặn hộ chiếu vắc xin": per unit of the supervisor's (one level down), the records whose
 * identity is neither confirmed by the population database nor approved, with why and the latest
 * request about each; each opens the person's record, where it is corrected, checked again or sent
 * for approval.
 */
export function BlockedPage() {
  const t = useApprovalsT();
  const id = useId();
  usePageTitle(t('blocked.title'));
  const [params] = useSearchParams();
  const raw = params.get('unit');
  const unitCode = raw && UNIT_CODE.test(raw) ? raw : null;
  const list = useQuery({
    queryKey: approvalsKeys.blocked(unitCode),
    queryFn: ({ signal }) => approvalsApi.blocked(unitCode, signal),
  });
  const data = list.data;
  const unitHref = (code: string | null) => (code ? `${approvalsPaths.blocked}?unit=${code}` : approvalsPaths.blocked);
  return (
    <div className="stack reception">
      <SubNav />
      <h1>{t('blocked.title')}</h1>
      <p className="text-muted">{t('blocked.intro')}</p>
      {list.isError && <Alert variant="error">{t('blocked.loadError')}</Alert>}
      {data && (
        <>
          <section className="stack stack--tight" aria-labelledby={`${id}-units`}>
            <h2 id={`${id}-units`} className="h3">
              {t('blocked.units')}
            </h2>
            <ul className="blocked-units">
              <li>
                <Link to={unitHref(null)} aria-current={unitCode === null ? 'true' : undefined}>
                  {unitCode === null ? t('blocked.allUnits', { count: data.total }) : t('nav.blocked')}
                </Link>
              </li>
              {data.units
                .filter((u) => u.code)
                .map((u) => (
                  <li key={u.code}>
                    <Link to={unitHref(u.code)} aria-current={unitCode === u.code ? 'true' : undefined}>
                      {t('blocked.unitCount', { name: u.name ?? provinceName(u.code) ?? u.code, count: u.count })}
                    </Link>
                  </li>
                ))}
              {data.units
                .filter((u) => !u.code)
                .map((u) => (
                  <li key="none">
                    <span>{t('blocked.unitCount', { name: t('blocked.unknownUnit'), count: u.count })}</span>
                  </li>
                ))}
            </ul>
          </section>
          <p aria-live="polite">
            {t('blocked.total', { count: data.total })}
            {data.items.length < data.total && ` ${t('blocked.showing', { shown: data.items.length })}`}
          </p>
          {data.items.length === 0 ? (
            <p>{t('blocked.empty')}</p>
          ) : (
            <ul className="stack plain-list" aria-label={t('blocked.listLabel')}>
              {data.items.map((r) => (
                <li key={r.personId}>
                  <BlockedRecord record={r} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </div>
  );
}

function BlockedRecord({ record: r }: { record: IdentityBlockedRecord }) {
  const t = useApprovalsT();
  const { t: tMain } = useTranslation();
  const now = useNow();
  const fields = r.verification.fields.map((f) =>
    (FIELD_KEYS as readonly string[]).includes(f)
      ? tMain(`reception.verification.fields.${f as (typeof FIELD_KEYS)[number]}`)
      : f,
  );
  const why =
    r.why === 'mismatch' && fields.length
      ? t('blocked.mismatchFields', { fields: fields.join(', ') })
      : t(`blocked.why.${r.why}` as ApprovalsKey);
  const a = r.approval;
  return (
    <article className="card blocked-record">
      <h2 className="h3">{r.fullName}</h2>
      <p className="text-muted">
        {formatDate(r.dateOfBirth)} · {genderLabel(tMain, r.gender)}
        {r.idNumberMasked && ` · ${r.idNumberMasked}`} · {provinceName(r.provinceCode)}
      </p>
      <p>
        <strong>{why}</strong>
      </p>
      {a?.status === 'pending' && <p>{t('blocked.approval.pending', { age: ago(a.requestedAt, now) })}</p>}
      {a?.status === 'refused' && <p>{t('blocked.approval.refused', { reason: a.decisionReason ?? '' })}</p>}
      <p>
        <Link to={receptionPaths.person(r.personId)}>{t('blocked.fix', { name: r.fullName })}</Link>
      </p>
    </article>
  );
}
