import { addNamespace, type KeysOf, useNamespaceT } from '../ui/namespace';
import type en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
type En = typeof en;
const sameKeys: [En extends typeof vi ? true : false, typeof vi extends En ? true : false] = [true, true];
void sameKeys;

/**
 * The e-health book's strings: the `healthBook` namespace of its own chunk (English fetched only
 * when the book is shown in English).
 */
addNamespace('healthBook', { vi, en: () => import('./i18n/en.json') });

export type BookKey = KeysOf<typeof vi>;

export const useBookT = () => useNamespaceT<BookKey>('healthBook');
