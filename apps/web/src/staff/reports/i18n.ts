import { addNamespace, type KeysOf, useNamespaceT } from '../../ui/namespace';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

/**
 * The report-handling area's own strings: the `reports` namespace, added to i18next (with
 * `addResourceBundle(lang, 'reports', …, true, true)`) when this lazily loaded chunk is loaded,
 * so the main bundle does not carry them.
 */
addNamespace('reports', { vi: viResources, en: enResources });

export type ReportsKey = KeysOf<typeof vi>;
export type ReportsT = ReturnType<typeof useReportsT>;

export const useReportsT = () => useNamespaceT<ReportsKey>('reports');
