import { addNamespace, type KeysOf, useNamespaceT } from '../../ui/namespace';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

/**
 * The administration area's frame strings (`admin` namespace). Each section carries its own
 * namespace (`adminUsers`, `adminFacilities`…) in its own chunk.
 */
addNamespace('admin', { vi: viResources, en: enResources });

export type AdminKey = KeysOf<typeof vi>;

export const useAdminT = () => useNamespaceT<AdminKey>('admin');
