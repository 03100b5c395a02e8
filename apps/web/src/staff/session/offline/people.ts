/**
 * People known on this device (found by a search, or on a board), for checking people in without
 * a network. Search results of the server show ID numbers and phones partly hidden
 * ("087******221"); those still match the full number typed or scanned. Pure functions.
 */
import { type CccdQrData, nameSearchKey, normalizeIdNumber } from '@tiemchung/core';
import type { Person, VisitPerson } from '../api';

export interface KnownPerson {
  id: string;
  fullName: string;
  dateOfBirth: string;
  gender: string;
  /** Possibly partly hidden. */
  idNumber: string | null;
  /** Possibly partly hidden. */
  phone: string | null;
  provinceCode: string | null;
  verification: Person['verification'] | null;
  /** `nameSearchKey(fullName)`. */
  nameKey: string;
  /** When this device last saw the person (ms). */
  seenAt: number;
}

export function knownFromPerson(person: Person, seenAt: number): KnownPerson {
  return {
    id: person.id,
    fullName: person.fullName,
    dateOfBirth: person.dateOfBirth,
    gender: person.gender,
    idNumber: person.idNumber,
    phone: person.phone,
    provinceCode: person.provinceCode,
    verification: person.verification,
    nameKey: nameSearchKey(person.fullName),
    seenAt,
  };
}

export function knownFromVisit(personId: string, person: VisitPerson, seenAt: number): KnownPerson {
  return {
    id: personId,
    fullName: person.fullName,
    dateOfBirth: person.dateOfBirth,
    gender: person.gender,
    idNumber: null,
    phone: null,
    provinceCode: null,
    verification: null,
    nameKey: nameSearchKey(person.fullName),
    seenAt,
  };
}

/**
 * The record to keep when a person is seen again: newer details win, but what a fuller answer
 * gave (an unmasked number, the verification) is not lost to a thinner one (a board's visit).
 */
export function mergeKnown(old: KnownPerson | undefined, next: KnownPerson): KnownPerson {
  if (!old) return next;
  const better = (a: string | null, b: string | null) => {
    if (!a) return b;
    if (!b) return a;
    return a.includes('*') && !b.includes('*') ? b : a;
  };
  return {
    ...old,
    ...next,
    idNumber: better(next.idNumber, old.idNumber),
    phone: better(next.phone, old.phone),
    provinceCode: next.provinceCode ?? old.provinceCode,
    verification: next.verification ?? old.verification,
  };
}

/** Whether a stored number (possibly "087******221") is the number typed or scanned. */
export function numberMatches(stored: string | null, typed: string): boolean {
  if (!stored || !typed) return false;
  const a = stored.replace(/[\s.-]/g, '');
  const b = typed.replace(/[\s.-]/g, '');
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== '*' && a[i] !== b[i]) return false;
  }
  // A fully hidden number matches nothing.
  return /[^*]/.test(a);
}

/** `0912 345 678`, `+84912345678` → `0912345678`. */
function localPhone(text: string): string {
  const digits = text.replace(/[\s.-]/g, '');
  return digits.startsWith('+84') ? `0${digits.slice(3)}` : digits.startsWith('84') ? `0${digits.slice(2)}` : digits;
}

const MAX_RESULTS = 20;

/**
 * Searches the people known here like the server does: an ID number (9 or 12 digits), a phone
 * number, or the start of a name with or without diacritics (also the start of any later word).
 */
export function searchKnown(people: readonly KnownPerson[], text: string): KnownPerson[] {
  const term = text.trim();
  const digits = term.replace(/[\s.-]/g, '');
  let found: KnownPerson[];
  if (/^\d{9}$|^\d{12}$/.test(digits)) {
    const id = normalizeIdNumber(digits);
    found = people.filter((p) => numberMatches(p.idNumber, id));
  } else if (/^(\+?84|0)\d{9}$/.test(digits)) {
    const phone = localPhone(digits);
    found = people.filter((p) => numberMatches(p.phone, phone));
  } else {
    const key = nameSearchKey(term);
    if (key.length < 2) return [];
    found = people.filter((p) => p.nameKey.startsWith(key) || p.nameKey.includes(` ${key}`));
  }
  return [...found].sort((a, b) => a.nameKey.localeCompare(b.nameKey)).slice(0, MAX_RESULTS);
}

/**
 * The person a CCCD QR code is about, among those known here: same name and date of birth, and
 * an ID number that fits (when one is known). Several candidates are no match.
 */
export function findByQr(people: readonly KnownPerson[], qr: CccdQrData): KnownPerson | null {
  const key = nameSearchKey(qr.fullName);
  const candidates = people.filter(
    (p) =>
      p.nameKey === key &&
      p.dateOfBirth === qr.dateOfBirth &&
      (p.idNumber === null || numberMatches(p.idNumber, qr.idNumber)),
  );
  const exact = candidates.filter((p) => p.idNumber !== null);
  if (exact.length === 1) return exact[0] ?? null;
  return candidates.length === 1 ? (candidates[0] ?? null) : null;
}
