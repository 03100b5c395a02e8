import { Component, type ErrorInfo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Alert } from './Alert';
import { Button } from './Button';

interface State {
  error: Error | null;
}

function ErrorFallback() {
  const { t } = useTranslation();
  return (
    <div className="container stack">
      <Alert variant="error" title={t('errors.loadFailedTitle')}>
        <p>{t('errors.loadFailed')}</p>
        <Button variant="secondary" onClick={() => window.location.reload()}>
          {t('errors.reload')}
        </Button>
      </Alert>
    </div>
  );
}

/** Catches render errors and failed lazy chunk loads (e.g. after a deployment) in its subtree. */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(error, info.componentStack);
  }

  override render() {
    return this.state.error ? <ErrorFallback /> : this.props.children;
  }
}
