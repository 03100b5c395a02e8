import { addNamespace, type KeysOf, useNamespaceT } from '../../../ui/namespace';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

/**
 * The users section's own strings: the `adminUsers` namespace, added when this lazily loaded
 * section is loaded, so neither the main bundle nor the other sections carry them.
 */
addNamespace('adminUsers', { vi: viResources, en: enResources });

export type AdminUsersKey = KeysOf<typeof vi>;
export type AdminUsersT = ReturnType<typeof useAdminUsersT>;

export const useAdminUsersT = () => useNamespaceT<AdminUsersKey>('adminUsers');
