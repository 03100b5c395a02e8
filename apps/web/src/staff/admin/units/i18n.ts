import { addNamespace, type KeysOf, useNamespaceT } from '../../../ui/namespace';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

/** The units section's strings (`adminUnits`), loaded with its chunk. */
addNamespace('adminUnits', { vi: viResources, en: enResources });

export type AdminUnitsKey = KeysOf<typeof vi>;
export type AdminUnitsT = ReturnType<typeof useAdminUnitsT>;
export const useAdminUnitsT = () => useNamespaceT<AdminUnitsKey>('adminUnits');
