import type { BookCertificate, Household, HouseholdMember } from './api';

/**
 * The e-health book as this device keeps it (framework-free, unit-tested): the household's last
 * answer from the server — every member's certificate with its signed `HC1:` text exactly as the
 * server sent it — and, per member, the certificates a reissue has replaced since. It is what the
 * book shows offline, and what it shows at once before the next sync answers.
 */

/** How many replaced certificates are kept per member (the newest). */
export const REPLACED_KEPT = 5;

/** A certificate the server has since reissued: kept, marked replaced. */
export interface ReplacedCertificate {
  certificate: BookCertificate;
  /** When the book learnt of the new certificate: its issue time, else the sync's. */
  replacedAt: string;
  /** The identifier (UVCI) of the certificate that replaced it. */
  replacedByCi: string | null;
}

export interface StoredBook {
  version: 1;
  household: Household;
  /** Per member (person id), the certificates replaced by a reissue, the newest first. */
  replaced: Record<string, ReplacedCertificate[]>;
}

/**
 * The book after a sync: the server's household as it came, and the replaced certificates — a
 * member whose certificate identifier (`ci`) changed has the stored one added to their replaced
 * ones. Members no longer in the household leave with their history.
 */
export function mergeHousehold(previous: StoredBook | null, household: Household): StoredBook {
  const before = new Map<string, HouseholdMember>(
    (previous?.household.members ?? []).map((m) => [m.personId, m] as const),
  );
  const replaced: Record<string, ReplacedCertificate[]> = {};
  for (const member of household.members) {
    const fresh = member.certificate;
    let list = (previous?.replaced[member.personId] ?? []).filter((r) => r.certificate.ci !== fresh.ci);
    const old = before.get(member.personId)?.certificate;
    if (old?.ci && old.ci !== fresh.ci && !list.some((r) => r.certificate.ci === old.ci)) {
      list = [{ certificate: old, replacedAt: fresh.issuedAt ?? household.syncedAt, replacedByCi: fresh.ci }, ...list];
    }
    if (list.length > 0) replaced[member.personId] = list.slice(0, REPLACED_KEPT);
  }
  return { version: 1, household, replaced };
}

/** The stored book read back (`JSON.parse` of what {@link serializeBook} wrote), or null when it is not one. */
export function parseBook(raw: string | null): StoredBook | null {
  if (!raw) return null;
  try {
    const value = JSON.parse(raw) as Partial<StoredBook> | null;
    if (value?.version !== 1 || typeof value.household !== 'object' || value.household === null) return null;
    const { household } = value;
    if (!Array.isArray(household.members) || !Array.isArray(household.reports)) return null;
    if (typeof household.syncedAt !== 'string' || typeof household.phoneMasked !== 'string') return null;
    const membersOk = household.members.every(
      (m) => typeof m?.personId === 'string' && typeof m.certificate === 'object' && m.certificate !== null,
    );
    if (!membersOk) return null;
    const replaced = typeof value.replaced === 'object' && value.replaced !== null ? value.replaced : {};
    return { version: 1, household, replaced };
  } catch {
    return null;
  }
}

export function serializeBook(book: StoredBook): string {
  return JSON.stringify(book);
}

/** A member of the stored book, or undefined. */
export function memberOf(book: StoredBook | null | undefined, personId: string): HouseholdMember | undefined {
  return book?.household.members.find((m) => m.personId === personId);
}

/** The book with one member's data changed (a reminder switched, say) until the next sync brings it. */
export function withMember(
  book: StoredBook,
  personId: string,
  change: (member: HouseholdMember) => HouseholdMember,
): StoredBook {
  return {
    ...book,
    household: {
      ...book.household,
      members: book.household.members.map((m) => (m.personId === personId ? change(m) : m)),
    },
  };
}

/** The book without a member (removed from the household). */
export function withoutMember(book: StoredBook, personId: string): StoredBook {
  const { [personId]: _gone, ...replaced } = book.replaced;
  return {
    ...book,
    household: { ...book.household, members: book.household.members.filter((m) => m.personId !== personId) },
    replaced,
  };
}

/**
 * Seconds left of a check-in QR: until its `expiresAt`, counted on this device's clock, but never
 * more than the token's lifetime (`ttlMs`) from when it was received — a phone whose clock runs
 * late would otherwise count down from too far.
 */
export function secondsLeft(expiresAt: string, receivedAt: number, now: number, ttlMs: number): number {
  const expires = Date.parse(expiresAt);
  const end = Number.isNaN(expires) ? receivedAt + ttlMs : Math.min(expires, receivedAt + ttlMs);
  return Math.max(0, Math.ceil((end - now) / 1000));
}

/** `mm:ss` of a number of seconds. */
export function mmss(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
}
