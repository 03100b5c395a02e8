import { addNamespace, type KeysOf, useNamespaceT } from '../ui/namespace';
import type en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
type En = typeof en;
const sameKeys: [En extends typeof vi ? true : false, typeof vi extends En ? true : false] = [true, true];
void sameKeys;

/**
 * The portal's strings: the `portal` namespace, added when a portal page's chunk loads (English in
 * its own chunk, fetched only when a page is shown in English).
 */
addNamespace('portal', { vi, en: () => import('./i18n/en.json') });

export type PortalKey = KeysOf<typeof vi>;

export const usePortalT = () => useNamespaceT<PortalKey>('portal');
