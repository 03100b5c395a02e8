import { isReceiptDateAllowed, type StockLot } from '@tiemchung/core';

/**
 * The stock section's rules on the client (framework-free, unit-tested): expiry states, what can
 * be allocated, and the forms' checks before they are sent (the server checks the same and
 * answers with core's error catalogue).
 */

const DAY_MS = 86_400_000;

/** Whole days from `today` to `date` (both `YYYY-MM-DD`; negative when past). */
export function daysBetween(today: string, date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / DAY_MS);
}

export type ExpiryState = { kind: 'expired' } | { kind: 'soon'; days: number } | { kind: 'ok' };

/**
 * How a lot stands on its expiry, as the server flags it (`expired`, `expiresSoon` within the
 * warning window), with the days left counted on the client's day.
 */
export function expiryState(lot: Pick<StockLot, 'expired' | 'expiresSoon' | 'expiresOn'>, today: string): ExpiryState {
  if (lot.expired) return { kind: 'expired' };
  if (lot.expiresSoon) return { kind: 'soon', days: Math.max(0, daysBetween(today, lot.expiresOn)) };
  return { kind: 'ok' };
}

/** Lots a holder can pass on: doses left and not expired, the soonest expiry first. */
export function allocatableLots<L extends Pick<StockLot, 'dosesRemaining' | 'expired' | 'expiresOn'>>(
  lots: readonly L[],
): L[] {
  return lots.filter((l) => l.dosesRemaining > 0 && !l.expired).sort((a, b) => a.expiresOn.localeCompare(b.expiresOn));
}

/** A positive whole number typed in a field, or null. */
export function positiveInt(text: string, max = 10_000_000): number | null {
  if (!/^\s*\d+\s*$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= max ? n : null;
}

export interface ReceiveForm {
  provinceCode: string;
  vaccineCode: string;
  lotNumber: string;
  expiresOn: string;
  doses: string;
  receivedOn: string;
  dosesPerVial: string;
}

export type ReceiveError =
  | 'province'
  | 'vaccine'
  | 'lotNumber'
  | 'expiresOn'
  | 'receivedOn'
  | 'receivedOnRange'
  | 'expiredOnReceipt'
  | 'doses'
  | 'dosesPerVial';

/**
 * The first problem of each field of the receipt form (none: it can be sent). With `today` (the
 * day in Vietnam), the date received is held to core's `receiptDateRange`, as the server holds it.
 */
export function receiveErrors(
  form: ReceiveForm,
  needsProvince: boolean,
  today?: string,
): Partial<Record<keyof ReceiveForm, ReceiveError>> {
  const errors: Partial<Record<keyof ReceiveForm, ReceiveError>> = {};
  if (needsProvince && !form.provinceCode) errors.provinceCode = 'province';
  if (!form.vaccineCode) errors.vaccineCode = 'vaccine';
  if (!form.lotNumber.trim()) errors.lotNumber = 'lotNumber';
  if (!form.receivedOn) errors.receivedOn = 'receivedOn';
  else if (today && !isReceiptDateAllowed(form.receivedOn, today)) errors.receivedOn = 'receivedOnRange';
  if (!form.expiresOn) errors.expiresOn = 'expiresOn';
  else if (form.receivedOn && form.expiresOn < form.receivedOn) errors.expiresOn = 'expiredOnReceipt';
  if (positiveInt(form.doses) === null) errors.doses = 'doses';
  if (form.dosesPerVial.trim() && positiveInt(form.dosesPerVial, 50) === null) errors.dosesPerVial = 'dosesPerVial';
  return errors;
}

export interface AllocateForm {
  lotId: string;
  target: string;
  doses: string;
  movedOn: string;
}

export type AllocateError = { key: 'lot' | 'target' | 'doses' | 'movedOn' } | { key: 'tooMany'; remaining: number };

/** The first problem of each field of the allocation form, against what the lot has left. */
export function allocateErrors(
  form: AllocateForm,
  lot: Pick<StockLot, 'dosesRemaining'> | undefined,
): Partial<Record<keyof AllocateForm, AllocateError>> {
  const errors: Partial<Record<keyof AllocateForm, AllocateError>> = {};
  if (!form.lotId || !lot) errors.lotId = { key: 'lot' };
  if (!form.target) errors.target = { key: 'target' };
  if (!form.movedOn) errors.movedOn = { key: 'movedOn' };
  const doses = positiveInt(form.doses);
  if (doses === null) errors.doses = { key: 'doses' };
  else if (lot && doses > lot.dosesRemaining) errors.doses = { key: 'tooMany', remaining: lot.dosesRemaining };
  return errors;
}

/** The lot number as the manufacturer prints it: upper case, no spaces around. */
export function normalizeLotNumber(text: string): string {
  return text.trim().toUpperCase();
}
