import { addNamespace, type KeysOf, useNamespaceT } from '../../../ui/namespace';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

/** The signing-keys section's strings (`adminKeys`), loaded with its chunk. */
addNamespace('adminKeys', { vi: viResources, en: enResources });

export type AdminKeysKey = KeysOf<typeof vi>;
export type AdminKeysT = ReturnType<typeof useAdminKeysT>;
export const useAdminKeysT = () => useNamespaceT<AdminKeysKey>('adminKeys');
