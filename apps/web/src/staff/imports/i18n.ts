import { addNamespace, type KeysOf, useNamespaceT } from '../../ui/namespace';
import type en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
type En = typeof en;
const sameKeys: [En extends typeof vi ? true : false, typeof vi extends En ? true : false] = [true, true];
void sameKeys;

/**
 * The import screen's strings (`imports` namespace), added when its chunk loads; the English
 * strings are a chunk of their own, fetched only when the screen is shown in English.
 */
addNamespace('imports', { vi, en: () => import('./i18n/en.json') });

export type ImportsKey = KeysOf<typeof vi>;
export type ImportsT = ReturnType<typeof useImportsT>;
export const useImportsT = () => useNamespaceT<ImportsKey>('imports');
