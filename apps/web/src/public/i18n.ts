import { addNamespace, type KeysOf, useNamespaceT } from '../ui/namespace';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

/** The public area's own strings (landing page), in the `public` namespace of its chunk. */
addNamespace('public', { vi: viResources, en: enResources });

export type PublicKey = KeysOf<typeof vi>;

export const usePublicT = () => useNamespaceT<PublicKey>('public');
