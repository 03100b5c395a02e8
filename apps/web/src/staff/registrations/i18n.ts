import { addNamespace, type KeysOf, useNamespaceT } from '../../ui/namespace';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

/** The registrations area's strings: the `registrations` namespace, loaded with this chunk. */
addNamespace('registrations', { vi: viResources, en: enResources });

export type RegistrationsKey = KeysOf<typeof vi>;
export const useRegistrationsT = () => useNamespaceT<RegistrationsKey>('registrations');
