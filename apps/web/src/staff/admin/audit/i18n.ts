import { addNamespace, type KeysOf, useNamespaceT } from '../../../ui/namespace';
import en from './i18n/en.json';
import vi from './i18n/vi.json';

// Compile-time guarantee that both resource files have the same keys.
const enResources: typeof vi = en;
const viResources: typeof en = vi;

/** The audit-log section's strings (`adminAudit`), loaded with its chunk. */
addNamespace('adminAudit', { vi: viResources, en: enResources });

export type AdminAuditKey = KeysOf<typeof vi>;
export type AdminAuditT = ReturnType<typeof useAdminAuditT>;
export const useAdminAuditT = () => useNamespaceT<AdminAuditKey>('adminAudit');
