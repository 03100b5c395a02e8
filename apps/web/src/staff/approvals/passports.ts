import { PASSPORT_STATES } from '@tiemchung/core';
import type { BadgeTone } from '../../ui/Badge';
import { isoDay } from '../../ui/dates';
import type { PassportConfirmResult, PassportListItem, PassportState } from './api';

/**
 * The vaccine passport screens' rules, free of React (unit-tested): the states, which records a
 * site may confirm from the list, the confirmation split into requests the server takes, and what
 * a confirmation did.
 */

/** The states in the order a record goes through them. */
export const PASSPORT_STATE_ORDER: readonly PassportState[] = PASSPORT_STATES;

/** The badge of each state: the colour repeats what the text says. */
export const PASSPORT_STATE_TONES: Readonly<Record<PassportState, BadgeTone>> = {
  blocked: 'danger',
  ready: 'warning',
  confirmed: 'neutral',
  issued: 'success',
};

export function isPassportState(value: string | null | undefined): value is PassportState {
  return (PASSPORT_STATE_ORDER as readonly string[]).includes(value ?? '');
}

/** The records of the list a site may confirm: nothing blocks them and none is confirmed yet. */
export function confirmable(items: readonly Pick<PassportListItem, 'personId' | 'state'>[]): string[] {
  return items.filter((i) => i.state === 'ready').map((i) => i.personId);
}

/**
 * The ids chosen that may still be confirmed, in the list's order: a record confirmed elsewhere
 * since (or no longer shown) drops out of the selection.
 */
export function selectedConfirmable(
  items: readonly Pick<PassportListItem, 'personId' | 'state'>[],
  selected: ReadonlySet<string>,
): string[] {
  return confirmable(items).filter((id) => selected.has(id));
}

/** `ids` in groups of at most `size` (the server takes 1 to 200 records a confirmation). */
export function inGroups<T>(ids: readonly T[], size: number): T[][] {
  if (size < 1) throw new RangeError('size must be at least 1');
  const out: T[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

/** What a confirmation did: how many now wait for the ministry, already had a passport, or are blocked (with why). */
export interface ConfirmSummary {
  confirmed: number;
  issued: number;
  blocked: PassportConfirmResult['items'];
}

export function summarizeConfirmation(items: PassportConfirmResult['items']): ConfirmSummary {
  return {
    confirmed: items.filter((i) => i.state === 'confirmed').length,
    issued: items.filter((i) => i.state === 'issued').length,
    blocked: items.filter((i) => i.state === 'blocked'),
  };
}

/** An instant as the day it falls on where the user is, `dd/MM/yyyy` (a passport's validity). */
export function localDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const [y, m, day] = isoDay(d).split('-');
  return `${day}/${m}/${y}`;
}
