import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { PROVINCES_2021 } from '@tiemchung/core';
import { useId, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useCurrentUser } from '../../../auth/session';
import { Alert } from '../../../ui/Alert';
import { LoadFailed } from '../../../ui/LoadFailed';
import { SelectField } from '../../../ui/SelectField';
import { usePageTitle } from '../../../ui/usePageTitle';
import { todayIso } from '../../reception/format';
import { SectionTitle } from '../SectionHead';
import { AllocateForm } from './AllocateForm';
import { stockApi, stockKeys, useDistricts } from './api';
import { useAdminStockT } from './i18n';
import { ReceiveLotForm } from './ReceiveLotForm';
import { ReconciliationTable, StockByUnit } from './StockTables';
import './stock.css';

/** The address bar's name of the unit shown (`?don-vi=87`). */
const UNIT_PARAM = 'don-vi';

/**
 * `/quan-tri/he-thong/vac-xin` — "Vắc xin và tồn kho": receive a lot at the province, allocate it
 * to districts and sites, the stock and expiry of every store of the user's units, and per lot the
 * doses that may have been given without being recorded. Every call is scoped and audited by the API.
 */
export default function StockSection() {
  const t = useAdminStockT();
  const id = useId();
  const user = useCurrentUser();
  const headingRef = usePageTitle(t('title'));
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const [notice, setNotice] = useState('');
  const [showEmpty, setShowEmpty] = useState(false);
  const today = todayIso();

  const level = user.role === 'national_admin' ? 'nation' : user.role === 'province_admin' ? 'province' : 'district';
  const ownUnit = level === 'nation' ? null : user.unitCode;
  const chosen = params.get(UNIT_PARAM) || null;
  const unitCode = chosen ?? ownUnit;

  const stock = useQuery({
    queryKey: stockKeys.unit(unitCode),
    queryFn: ({ signal }) => stockApi.unit(chosen, signal),
    placeholderData: keepPreviousData,
  });
  const own = useQuery({
    queryKey: stockKeys.own,
    queryFn: ({ signal }) => stockApi.own(signal),
    enabled: level !== 'nation',
  });
  const reconciliation = useQuery({
    queryKey: stockKeys.reconciliation,
    queryFn: ({ signal }) => stockApi.reconciliation(signal),
  });
  const districts = useDistricts(level === 'province' ? ownUnit : null);

  const changed = (message: string) => {
    setNotice(message);
    void queryClient.invalidateQueries({ queryKey: stockKeys.all });
  };

  const unitOptions =
    level === 'nation'
      ? [{ value: '', label: t('unit.nation') }, ...PROVINCES_2021.map((p) => ({ value: p.code, label: p.name }))]
      : level === 'province'
        ? [
            { value: '', label: t('unit.wholeProvince') },
            ...(districts.data ?? []).map((d) => ({ value: d.code, label: d.name })),
          ]
        : null;

  return (
    <div className="stack adm-stock">
      <SectionTitle headingRef={headingRef} title={t('title')} intro={t('intro')} />

      {/* Always in the page, so that what a form did is announced when it changes. */}
      <p role="status" className={notice ? 'alert alert--success adm-stock__notice' : 'visually-hidden'}>
        {notice}
      </p>

      {(level !== 'district' || ownUnit) && (
        <div className="adm-stock__forms">
          {(level === 'nation' || level === 'province') && (
            <ReceiveLotForm provinceCode={level === 'province' ? ownUnit : null} onReceived={(_lot, m) => changed(m)} />
          )}
          {(level === 'province' || level === 'district') && ownUnit && own.data && (
            <AllocateForm level={level} unitCode={ownUnit} lots={own.data} onAllocated={changed} />
          )}
        </div>
      )}

      <section className="stack" aria-labelledby={`${id}-stock`}>
        <div className="stack stack--tight">
          <h3 id={`${id}-stock`}>{t('stock.title')}</h3>
          <p className="text-muted">{t('stock.intro', { days: stock.data?.expiryWarningDays ?? 30 })}</p>
        </div>
        <div className="adm-stock__controls">
          {unitOptions && (
            <SelectField
              label={t('unit.label')}
              value={chosen ?? ''}
              options={unitOptions}
              onChange={(event) => {
                const next = new URLSearchParams(params);
                if (event.target.value) next.set(UNIT_PARAM, event.target.value);
                else next.delete(UNIT_PARAM);
                setParams(next, { replace: true });
              }}
            />
          )}
          <label className="adm-check">
            <input
              type="checkbox"
              className="adm-check__input"
              checked={showEmpty}
              onChange={(event) => setShowEmpty(event.target.checked)}
            />
            <span>{t('stock.showEmpty')}</span>
          </label>
        </div>
        {stock.isError && (
          <LoadFailed
            title={t('loadFailed')}
            message={stock.error.message}
            retryLabel={t('retry')}
            onRetry={() => void stock.refetch()}
          />
        )}
        {stock.isPending && <p role="status">{t('loading')}</p>}
        {stock.data && <StockByUnit holders={stock.data.items} today={today} showEmpty={showEmpty} />}
      </section>

      <section className="stack" aria-labelledby={`${id}-rec`}>
        <div className="stack stack--tight">
          <h3 id={`${id}-rec`}>{t('reconciliation.title')}</h3>
          <p className="text-muted">{t('reconciliation.intro')}</p>
        </div>
        {reconciliation.isError && <Alert variant="error">{t('loadFailed')}</Alert>}
        {reconciliation.data && <ReconciliationTable items={reconciliation.data} />}
      </section>
    </div>
  );
}
