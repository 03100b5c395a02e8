import { useQuery } from '@tanstack/react-query';
import type { CertificateDose, Dose } from '@tiemchung/core';
import { useTranslation } from 'react-i18next';
import { api } from '../../api/client';
import { Alert } from '../../ui/Alert';
import type { ItemsResponse } from './api';
import { certificateQuery } from './CertificatePanel';
import { formatDate } from './format';
import { doseOrigin, newestFirst, vaccineName } from './history';

/**
 * "Lịch sử tiêm": every dose of the person (`GET /api/people/{id}/doses`), newest first — its
 * number and kind, the vaccine (core's vaccineDisplayName), the lot, the date, where it was given
 * and how it was recorded (at a session, by hand, a retroactive entry, from a citizen's report,
 * an import). The site's name comes with the certificate's doses; the id when it does not.
 */
export function DoseHistory({ personId }: { personId: string }) {
  const { t } = useTranslation();
  const doses = useQuery({
    queryKey: ['people', 'doses', personId],
    queryFn: ({ signal }) =>
      api.get<ItemsResponse<Dose>>(`/api/people/${encodeURIComponent(personId)}/doses`, { signal }),
  });
  const cert = useQuery(certificateQuery(personId));
  const siteOf = new Map<string, CertificateDose>((cert.data?.doses ?? []).map((d) => [d.id, d]));
  const items = doses.data ? newestFirst(doses.data.items) : undefined;

  return (
    <section className="card stack" aria-labelledby="doses-title">
      <h2 id="doses-title" className="h3">
        {t('reception.history.title')}
      </h2>
      {doses.isPending && <p className="text-muted">{t('reception.history.loading')}</p>}
      {doses.isError && (
        <Alert variant="error">
          <p>{t('reception.history.loadFailed')}</p>
        </Alert>
      )}
      {items && items.length === 0 && <p>{t('reception.history.none')}</p>}
      {items && items.length > 0 && (
        <>
          <p>{t('reception.history.count', { count: items.length })}</p>
          <ol className="dose-history">
            {items.map((d) => (
              <li key={d.id} className="dose-entry">
                <h3 className="dose-entry__title">
                  {t('reception.history.doseTitle', {
                    n: d.doseNumber,
                    kind: t(`reception.history.kinds.${d.doseKind}`),
                  })}
                </h3>
                <dl className="details dose-entry__details">
                  <div>
                    <dt>{t('reception.history.vaccine')}</dt>
                    <dd>{vaccineName(d.vaccineCode)}</dd>
                  </div>
                  <div>
                    <dt>{t('reception.history.lot')}</dt>
                    <dd>{d.lotNumber}</dd>
                  </div>
                  <div>
                    <dt>{t('reception.history.date')}</dt>
                    <dd>{formatDate(d.administeredOn)}</dd>
                  </div>
                  <div>
                    <dt>{t('reception.history.site')}</dt>
                    <dd>{siteOf.get(d.id)?.facilityName ?? d.facilityId}</dd>
                  </div>
                  <div>
                    <dt>{t('reception.history.origin')}</dt>
                    <dd>
                      {t(`reception.history.origins.${doseOrigin(d)}`)}
                      {d.override && (
                        <span className="dose-entry__override">
                          {t('reception.history.override', { reason: d.override.reason })}
                        </span>
                      )}
                    </dd>
                  </div>
                </dl>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
