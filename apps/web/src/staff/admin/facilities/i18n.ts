import { addNamespace, type KeysOf, useNamespaceT } from '../../../ui/namespace';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

/** The facilities section's strings (`adminFacilities`), loaded with its chunk. */
addNamespace('adminFacilities', { vi: viResources, en: enResources });

export type AdminFacilitiesKey = KeysOf<typeof vi>;
export type AdminFacilitiesT = ReturnType<typeof useAdminFacilitiesT>;
export const useAdminFacilitiesT = () => useNamespaceT<AdminFacilitiesKey>('adminFacilities');
