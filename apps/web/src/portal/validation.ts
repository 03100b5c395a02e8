import type { Localized } from '@tiemchung/core';
import { isApiError } from '../api/client';
import { currentLanguage } from '../i18n';
import type { PortalKey } from './i18n';
import type { Message } from './rules';

export * from './rules';

/** A bilingual text (from the server or the core rules) in the interface language. */
export function localized(message: Localized): string {
  return message[currentLanguage()];
}

/** The text of a message in the interface language. */
export function messageText(t: (key: PortalKey, options?: Record<string, unknown>) => string, m: Message): string {
  if ('key' in m) return t(m.key, m.values);
  if ('localized' in m) return localized(m.localized);
  return m.text;
}

/** The message of a failed API call (the server writes it in the interface language). */
export function apiMessage(error: unknown): Message {
  return { text: error instanceof Error ? error.message : String(error) };
}

/**
 * Shows a failed call: a validation error about one of `fields` goes under that field (the server
 * names nested fields `dose.facilityId`: `fieldMap` renames them), anything else in the form's alert.
 */
export function routeApiError<F extends string>(
  error: unknown,
  fields: readonly F[],
  fieldMap: Record<string, F> = {},
): { field?: F; message: Message } {
  const message = apiMessage(error);
  if (isApiError(error) && error.field) {
    const field = (fieldMap[error.field] ?? error.field) as F;
    if (fields.includes(field)) return { field, message };
  }
  return { message };
}
