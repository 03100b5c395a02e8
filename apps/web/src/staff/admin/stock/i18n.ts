import { addNamespace, type KeysOf, useNamespaceT } from '../../../ui/namespace';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

/** The stock section's strings (`adminStock`), loaded with its chunk. */
addNamespace('adminStock', { vi: viResources, en: enResources });

export type AdminStockKey = KeysOf<typeof vi>;
export type AdminStockT = ReturnType<typeof useAdminStockT>;
export const useAdminStockT = () => useNamespaceT<AdminStockKey>('adminStock');
