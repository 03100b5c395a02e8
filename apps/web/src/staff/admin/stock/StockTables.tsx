import { useId } from 'react';
import { Badge } from '../../../ui/Badge';
import { cx } from '../../../ui/cx';
import { formatDate } from '../../reception/format';
import type { LotReconciliation, StockHolder, StockLot } from './api';
import { type AdminStockT, useAdminStockT } from './i18n';
import { expiryState } from './logic';
import { formatCount, vaccineName } from './parts';

/** The expiry of a lot in words (never by colour alone): "Sắp hết hạn: còn 20 ngày", "Đã hết hạn". */
function ExpiryNote({ lot, today, t }: { lot: StockLot; today: string; t: AdminStockT }) {
  const state = expiryState(lot, today);
  if (state.kind === 'expired') return <Badge tone="danger">{t('stock.expired')}</Badge>;
  if (state.kind === 'soon')
    return (
      <Badge tone="warning">
        {state.days === 0 ? t('stock.expiresToday') : t('stock.expiresSoon', { count: state.days })}
      </Badge>
    );
  return null;
}

/** One store (province, district or site) and its lots: a table that becomes cards on a narrow screen. */
function HolderCard({ holder, today, showEmpty }: { holder: StockHolder; today: string; showEmpty: boolean }) {
  const t = useAdminStockT();
  const id = useId();
  const lots = showEmpty ? holder.lots : holder.lots.filter((l) => l.dosesRemaining > 0);
  return (
    <section className="card stack stack--tight adm-stock__holder" aria-labelledby={`${id}-name`}>
      <div className="adm-stock__holder-head">
        <h4 id={`${id}-name`} className="adm-stock__holder-name">
          <span className="adm-stock__level">{t(`stock.level.${holder.level}`)}</span> {holder.name}
        </h4>
        <p className="adm-stock__holder-total">{t('stock.remaining', { doses: formatCount(holder.dosesRemaining) })}</p>
      </div>
      {(holder.lotsExpiringSoon > 0 || holder.lotsExpired > 0) && (
        <p className="adm-stock__warnings">
          {holder.lotsExpiringSoon > 0 && (
            <Badge tone="warning">{t('stock.warnSoon', { count: holder.lotsExpiringSoon })}</Badge>
          )}
          {holder.lotsExpired > 0 && (
            <Badge tone="danger">{t('stock.warnExpired', { count: holder.lotsExpired })}</Badge>
          )}
        </p>
      )}
      {lots.length === 0 ? (
        <p className="text-muted">{t('stock.noLots')}</p>
      ) : (
        <table className="adm-stock-table">
          <caption className="visually-hidden">{t('stock.caption', { name: holder.name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('stock.columns.lot')}</th>
              <th scope="col">{t('stock.columns.vaccine')}</th>
              <th scope="col">{t('stock.columns.expiresOn')}</th>
              <th scope="col" className="num">
                {t('stock.columns.received')}
              </th>
              <th scope="col" className="num">
                {t('stock.columns.allocated')}
              </th>
              <th scope="col" className="num">
                {t('stock.columns.used')}
              </th>
              <th scope="col" className="num">
                {t('stock.columns.remaining')}
              </th>
            </tr>
          </thead>
          <tbody>
            {lots.map((lot) => {
              const state = expiryState(lot, today).kind;
              return (
                <tr key={lot.id} className={cx('adm-stock-table__row', state !== 'ok' && `is-${state}`)}>
                  <th scope="row" data-label={t('stock.columns.lot')}>
                    {lot.lotNumber}
                  </th>
                  <td data-label={t('stock.columns.vaccine')}>{vaccineName(lot.vaccineCode)}</td>
                  <td data-label={t('stock.columns.expiresOn')}>
                    <span className="adm-stock__date">{formatDate(lot.expiresOn)}</span>{' '}
                    <ExpiryNote lot={lot} today={today} t={t} />
                  </td>
                  <td className="num" data-label={t('stock.columns.received')}>
                    {formatCount(lot.dosesReceived)}
                  </td>
                  <td className="num" data-label={t('stock.columns.allocated')}>
                    {formatCount(lot.dosesAllocated)}
                  </td>
                  <td className="num" data-label={t('stock.columns.used')}>
                    {formatCount(lot.dosesUsed)}
                  </td>
                  <td className="num adm-stock__left" data-label={t('stock.columns.remaining')}>
                    {formatCount(lot.dosesRemaining)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Every store of the unit shown, the unit's own first. */
export function StockByUnit({
  holders,
  today,
  showEmpty,
}: {
  holders: readonly StockHolder[];
  today: string;
  showEmpty: boolean;
}) {
  const t = useAdminStockT();
  if (holders.every((h) => h.lots.length === 0)) return <p className="card">{t('stock.empty')}</p>;
  return (
    <ul className="plain-list stack">
      {holders.map((h) => (
        <li key={h.holder}>
          <HolderCard holder={h} today={today} showEmpty={showEmpty} />
        </li>
      ))}
    </ul>
  );
}

/** Per lot: the doses taken from stock against those recorded, the gap in words. */
export function ReconciliationTable({ items }: { items: readonly LotReconciliation[] }) {
  const t = useAdminStockT();
  if (items.length === 0) return <p className="card">{t('reconciliation.empty')}</p>;
  return (
    <div className="card">
      <table className="adm-stock-table">
        <caption className="visually-hidden">{t('reconciliation.caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reconciliation.columns.lot')}</th>
            <th scope="col">{t('reconciliation.columns.vaccine')}</th>
            <th scope="col" className="num">
              {t('reconciliation.columns.used')}
            </th>
            <th scope="col" className="num">
              {t('reconciliation.columns.recorded')}
            </th>
            <th scope="col">{t('reconciliation.columns.gap')}</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr
              key={r.lotId ?? `${r.vaccineCode}/${r.lotNumber}`}
              className={cx('adm-stock-table__row', r.possibleUnrecorded > 0 && 'is-gap')}
            >
              <th scope="row" data-label={t('reconciliation.columns.lot')}>
                {r.lotNumber}
              </th>
              <td data-label={t('reconciliation.columns.vaccine')}>{vaccineName(r.vaccineCode)}</td>
              <td className="num" data-label={t('reconciliation.columns.used')}>
                {r.dosesPerVial
                  ? t('reconciliation.usedDetail', { doses: formatCount(r.dosesUsed), perVial: r.dosesPerVial })
                  : formatCount(r.dosesUsed)}
              </td>
              <td className="num" data-label={t('reconciliation.columns.recorded')}>
                {formatCount(r.dosesRecorded)}
              </td>
              <td data-label={t('reconciliation.columns.gap')}>
                {r.possibleUnrecorded > 0 ? (
                  <Badge tone="warning">{t('reconciliation.gap', { count: r.possibleUnrecorded })}</Badge>
                ) : (
                  <Badge tone="success">{t('reconciliation.noGap')}</Badge>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
