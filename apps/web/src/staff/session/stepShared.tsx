import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { QueueError } from './offline/queue';

/** What a step tells the board when it is finished. */
export interface StepDone {
  /** Read out on the board. */
  announce: string;
}

/**
 * The server's refusal of a request of this step (every broken rule of a 422), shown above the
 * form that edits it. Focusable, so that the focus can go to it when it appears.
 */
export function RefusalAlert({ error, ref }: { error: QueueError; ref?: Ref<HTMLDivElement> }) {
  const { t } = useTranslation();
  const messages = error.violations?.length ? error.violations.map((v) => v.message) : [error.message];
  return (
    <div className="alert alert--error" role="alert" ref={ref} tabIndex={-1}>
      <svg className="alert__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path
          fill="currentColor"
          d="M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-.9 4h1.8v6h-1.8v-6Zm0 7.5h1.8v1.8h-1.8V13Z"
        />
      </svg>
      <div className="alert__body">
        <p className="alert__title">{t('session.step.refusedTitle')}</p>
        <ul className="refusal__list">
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
        <p className="text-muted">{t('session.step.refusedEdit')}</p>
      </div>
    </div>
  );
}
