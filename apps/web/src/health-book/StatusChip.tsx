import type { BookCertificate } from './api';
import { localized } from './format';

const ICONS = {
  green: 'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-1.3 12.2L5 10l1.3-1.3 2.4 2.4 5-5L15 7.4l-6.3 6.3Z',
  yellow: 'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-.9 4h1.8v6h-1.8v-6Zm0 7.5h1.8v1.8h-1.8V13Z',
  none: 'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm0 2a6.5 6.5 0 1 1 0 13 6.5 6.5 0 0 1 0-13Z',
} as const;

/** The certificate's status in its colour (green, yellow, grey), with an icon and the words: colour never alone. */
export function StatusChip({ certificate }: { certificate: BookCertificate }) {
  return (
    <p className={`book-status book-status--${certificate.color}`}>
      <svg className="book-status__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path fill="currentColor" fillRule="evenodd" d={ICONS[certificate.color]} />
      </svg>
      <span>{localized(certificate.statusText)}</span>
    </p>
  );
}
