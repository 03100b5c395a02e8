import { Alert } from './Alert';
import { Button } from './Button';

/** A list or a page that could not be loaded: why (announced at once), and a button to try again. */
export function LoadFailed({
  title,
  message,
  retryLabel,
  onRetry,
}: {
  title?: string;
  message: string;
  retryLabel: string;
  onRetry: () => void;
}) {
  return (
    <Alert variant="error" title={title}>
      <p>{message}</p>
      <Button variant="secondary" onClick={onRetry}>
        {retryLabel}
      </Button>
    </Alert>
  );
}
