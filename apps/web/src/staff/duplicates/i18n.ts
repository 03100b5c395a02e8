import { addNamespace, type KeysOf, useNamespaceT } from '../../ui/namespace';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

/** The duplicates area's strings: the `duplicates` namespace, loaded with this chunk. */
addNamespace('duplicates', { vi: viResources, en: enResources });

export type DuplicatesKey = KeysOf<typeof vi>;
export const useDuplicatesT = () => useNamespaceT<DuplicatesKey>('duplicates');
