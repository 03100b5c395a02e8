import type { AuditFilter } from '@tiemchung/core';

/**
 * The audit section's framework-free parts (unit-tested): the filters as kept in the address bar
 * and sent to the API, the time fields, and the before/after difference of an entry.
 */

export const FILTER_KEYS = ['personId', 'actor', 'unitCode', 'action', 'from', 'to'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];
export type Filters = Partial<Record<FilterKey, string>>;

/** The filters in an address's query (unknown or empty ones left out). */
export function filtersFrom(params: URLSearchParams): Filters {
  const out: Filters = {};
  for (const key of FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) out[key] = value;
  }
  return out;
}

/** The query of a filter, for the address bar, the list and the exports (same order every time). */
export function queryOf(filters: Filters): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of FILTER_KEYS) {
    const value = filters[key];
    if (value) out[key] = value;
  }
  return out;
}

/** The address of an export of the filtered log (a plain link: the session cookie authenticates). */
export function exportHref(kind: 'csv' | 'xlsx', filters: Filters): string {
  const qs = new URLSearchParams(queryOf(filters)).toString();
  return `/api/audit/export.${kind}${qs ? `?${qs}` : ''}`;
}

/** The filters as the API types them (what is sent is the query of {@link queryOf}). */
export type ApiFilters = Omit<AuditFilter, 'facilityId'>;

const pad = (n: number) => String(n).padStart(2, '0');

/** An instant as a `datetime-local` field shows it (the browser's time zone), or ''. */
export function toLocalInput(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` field's value as an instant (ISO, UTC), or undefined when empty or wrong. */
export function fromLocalInput(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** One field of an entry's difference: its path and its value before and after, as text. */
export interface DiffRow {
  readonly field: string;
  readonly before: string | null;
  readonly after: string | null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Nested objects as dotted paths (`verification.status`); arrays and other values as text. */
function flatten(value: unknown, prefix: string, out: Map<string, string | null>): void {
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0 && prefix) out.set(prefix, '{}');
    for (const key of keys) flatten(value[key], prefix ? `${prefix}.${key}` : key, out);
    return;
  }
  if (!prefix) {
    if (value !== null && value !== undefined) out.set('', typeof value === 'string' ? value : JSON.stringify(value));
    return;
  }
  out.set(
    prefix,
    value === null || value === undefined ? null : typeof value === 'string' ? value : JSON.stringify(value),
  );
}

/**
 * What an entry changed: with both `before` and `after`, the fields whose values differ; with one
 * of them, every field it holds. Fields in the order they first appear (after's, then before's).
 */
export function auditDiff(before: unknown, after: unknown): DiffRow[] {
  const b = new Map<string, string | null>();
  const a = new Map<string, string | null>();
  flatten(before, '', b);
  flatten(after, '', a);
  const both = before !== null && before !== undefined && after !== null && after !== undefined;
  const fields = [...new Set([...a.keys(), ...b.keys()])];
  const rows: DiffRow[] = [];
  for (const field of fields) {
    const was = b.get(field) ?? null;
    const is = a.get(field) ?? null;
    if (both && was === is) continue;
    rows.push({ field, before: was, after: is });
  }
  return rows;
}

/** Whether an entry records anything to show as a difference. */
export function hasContent(entry: { before: unknown; after: unknown }): boolean {
  return (entry.before !== null && entry.before !== undefined) || (entry.after !== null && entry.after !== undefined);
}
