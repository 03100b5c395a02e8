import type { UnitScheme } from '@tiemchung/core';
import { useId, useState } from 'react';
import { buttonClass } from '../../ui/Button';
import { TextField } from '../../ui/Field';
import { dailyReportHref } from './api';
import { useStatsT } from './i18n';
import { addDays, vietnamToday } from './logic';
import { Section } from './parts';

/** The ministry's daily report (XLSX in Vietnamese, one row per province) of a chosen day. */
export function DailyReport({ scheme }: { scheme: UnitScheme }) {
  const t = useStatsT();
  const id = useId();
  const today = vietnamToday();
  const [date, setDate] = useState(addDays(today, -1));
  return (
    <Section id={id} title={t('daily.title')} intro={t('daily.intro')}>
      <div className="stats-range">
        <TextField
          type="date"
          label={t('daily.date')}
          value={date}
          max={today}
          onChange={(e) => setDate(e.target.value)}
        />
        {date ? (
          <a className={buttonClass('primary')} href={dailyReportHref(date, scheme)} download>
            {t('daily.download')}
          </a>
        ) : null}
      </div>
    </Section>
  );
}
