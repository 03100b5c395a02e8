import { z } from 'zod';
import { REPORT_CATEGORIES, REPORT_OUTCOMES, REPORT_STATUSES } from '../reports.js';

/**
 * What a person's page shows beside the record and the doses (`GET /api/people/{id}/certificates`,
 * `GET /api/people/{id}/reports`): the certificates issued to the person and the citizens' reports
 * about them — status and dates only, each read scoped like the record and audited.
 */

/** Where an issued certificate stands: the current one, one replaced by a newer one, or one past its date. */
export const ISSUED_CERTIFICATE_STATES = ['valid', 'superseded', 'expired'] as const;
export type IssuedCertificateState = (typeof ISSUED_CERTIFICATE_STATES)[number];

/** One certificate issued to the person, newest first. */
export const issuedCertificateSchema = z.object({
  /** The certificate identifier (UVCI). */
  ci: z.string(),
  /** What it certified: partial, complete primary series, booster. */
  status: z.enum(['partial', 'complete', 'booster']),
  state: z.enum(ISSUED_CERTIFICATE_STATES),
  issuedAt: z.string(),
  expiresAt: z.string(),
  supersededAt: z.string().nullable(),
  /**
   * Why it was replaced (core's `SUPERSEDE_REASONS`): `new_dose` (a later dose; it stays valid for
   * what it states), `data_changed` (a correction of the doses or the person's details), `renewal`.
   */
  supersedeReason: z.string().nullable(),
  /** The identifier of the certificate issued in its place. */
  supersededByCi: z.string().nullable(),
});
export type IssuedCertificate = z.infer<typeof issuedCertificateSchema>;

/** A citizen's report about the person: its status and deadline, not its content. */
export const personReportSchema = z.object({
  id: z.string(),
  trackingCode: z.string(),
  category: z.enum(REPORT_CATEGORIES),
  status: z.enum(REPORT_STATUSES),
  receivedAt: z.string(),
  /** The deadline to handle it. */
  dueAt: z.string(),
  overdue: z.boolean(),
  resolvedAt: z.string().nullable(),
  outcome: z.enum(REPORT_OUTCOMES).nullable(),
});
export type PersonReport = z.infer<typeof personReportSchema>;
