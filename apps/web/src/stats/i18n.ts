import { addNamespace, type KeysOf, useNamespaceT } from '../ui/namespace';
import type en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
type En = typeof en;
const sameKeys: [En extends typeof vi ? true : false, typeof vi extends En ? true : false] = [true, true];
void sameKeys;

/** The public statistics page's strings: the `publicStats` namespace of its own chunk (English fetched only when needed). */
addNamespace('publicStats', { vi, en: () => import('./i18n/en.json') });

export type PublicStatsKey = KeysOf<typeof vi>;

export const usePublicStatsT = () => useNamespaceT<PublicStatsKey>('publicStats');
