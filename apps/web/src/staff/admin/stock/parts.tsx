import { type Localized, vaccineByCode, vaccineDisplayName } from '@tiemchung/core';
import { useEffect, useRef } from 'react';
import { currentLanguage } from '../../../i18n';

const ERROR_ICON = 'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-.9 4h1.8v6h-1.8v-6Zm0 7.5h1.8v1.8h-1.8V13Z';

/**
 * What the server answered when it refused (core's catalogue message, in the user's language),
 * announced at once and focused so that keyboard users land on it.
 */
export function Refusal({ error, title }: { error: unknown; title: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (error) ref.current?.focus();
  }, [error]);
  return (
    <div className="alert alert--error" role="alert" ref={ref} tabIndex={-1}>
      <svg className="alert__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
        <path fill="currentColor" d={ERROR_ICON} />
      </svg>
      <div className="alert__body">
        <p className="alert__title">{title}</p>
        <p>{error instanceof Error ? error.message : String(error)}</p>
      </div>
    </div>
  );
}

/** "Pfizer-BioNTech (Comirnaty)" for a code of core's catalogue, else the code. */
export function vaccineName(code: string): string {
  const vaccine = vaccineByCode(code);
  return vaccine ? vaccineDisplayName(vaccine) : code;
}

export function localizedText(message: Localized): string {
  return message[currentLanguage()];
}

/** A number with the thousands grouped as the language writes it (1.200 / 1,200). */
export function formatCount(n: number): string {
  return n.toLocaleString(currentLanguage() === 'vi' ? 'vi-VN' : 'en-GB');
}
