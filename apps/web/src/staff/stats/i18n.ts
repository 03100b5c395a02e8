import { addNamespace, type KeysOf, useNamespaceT } from '../../ui/namespace';
import type en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
type En = typeof en;
const sameKeys: [En extends typeof vi ? true : false, typeof vi extends En ? true : false] = [true, true];
void sameKeys;

/**
 * The statistics dashboard's strings (`stats` namespace), added when its chunk loads; the English
 * strings are a chunk of their own, fetched only when the dashboard is shown in English.
 */
addNamespace('stats', { vi, en: () => import('./i18n/en.json') });

export type StatsKey = KeysOf<typeof vi>;
export type StatsT = ReturnType<typeof useStatsT>;
export const useStatsT = () => useNamespaceT<StatsKey>('stats');
