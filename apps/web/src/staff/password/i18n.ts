import { addNamespace, type KeysOf, useNamespaceT } from '../../ui/namespace';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

/** The password page's own strings (`password` namespace), loaded with its chunk. */
addNamespace('password', { vi: viResources, en: enResources });

export type PasswordKey = KeysOf<typeof vi>;

export const usePasswordT = () => useNamespaceT<PasswordKey>('password');
