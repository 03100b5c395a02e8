import { addNamespace, type KeysOf, useNamespaceT } from '../../ui/namespace';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

/**
 * The identity approvals' strings — the supervisors' area and the desk's panel (session board and
 * reception): the `approvals` namespace, added when a chunk that shows them is loaded.
 */
addNamespace('approvals', { vi: viResources, en: enResources });

export type ApprovalsKey = KeysOf<typeof vi>;
export type ApprovalsT = ReturnType<typeof useApprovalsT>;
export const useApprovalsT = () => useNamespaceT<ApprovalsKey>('approvals');
