import { type Dose, vaccineByCode, vaccineDisplayName } from '@tiemchung/core';

/**
 * What the person's page shows of a dose beyond its fields: how it came to be recorded and the
 * vaccine's name. Pure functions (unit-tested).
 */

/** How a dose was recorded: at a session, by hand, as a retroactive entry, from a report, by import. */
export type DoseOrigin = 'session' | 'manual' | 'retroactive' | 'report' | 'import';

export function doseOrigin(dose: Pick<Dose, 'source' | 'retroactive'>): DoseOrigin {
  if (dose.source === 'site') return 'session';
  if (dose.source === 'report_resolution') return 'report';
  if (dose.source === 'import') return 'import';
  // Entered by hand (the dose API): a dose given before identity checks became mandatory
  // (core's IDENTITY_RULE_FROM, 1 Nov 2021) is a retroactive entry (nhập hồi cứu).
  return dose.retroactive ? 'retroactive' : 'manual';
}

/** "Pfizer (Comirnaty)" — core's vaccineDisplayName — or the code of a vaccine not in the catalogue. */
export function vaccineName(code: string): string {
  const v = vaccineByCode(code);
  return v ? vaccineDisplayName(v) : code;
}

/** The doses newest first, as a history reads (the API answers them in date order). */
export function newestFirst<T extends Pick<Dose, 'administeredOn' | 'doseNumber'>>(doses: readonly T[]): T[] {
  return [...doses].sort((a, b) => b.administeredOn.localeCompare(a.administeredOn) || b.doseNumber - a.doseNumber);
}
