import { z } from 'zod';
import { CERTIFICATE_STATUSES } from '../hcert/status.js';
import { issuedPassportSchema } from './passports.js';

/**
 * A person's certificate as the API answers it (`GET /api/people/{id}/certificate`, and the portal's
 * look-up with a PDF link): one definition for the server's answer and the web app's screens.
 */

const localizedSchema = z.object({ vi: z.string(), en: z.string() });

export const certificateDoseSchema = z.object({
  id: z.string(),
  doseNumber: z.number(),
  doseKind: z.string(),
  vaccineCode: z.string(),
  vaccineName: z.string(),
  manufacturer: z.string(),
  lotNumber: z.string(),
  administeredOn: z.string(),
  facilityId: z.string(),
  facilityName: z.string(),
});
export type CertificateDose = z.infer<typeof certificateDoseSchema>;

export const certificateSchema = z.object({
  status: z.enum(CERTIFICATE_STATUSES),
  color: z.enum(['none', 'yellow', 'green']),
  statusText: localizedSchema,
  doses: z.array(certificateDoseSchema),
  /** The signed EU DCC QR (`HC1:…`), or null without a dose. */
  qr: z.string().nullable(),
  /** The certificate identifier (UVCI). */
  ci: z.string().nullable(),
  issuedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  person: z.object({
    id: z.string(),
    fullName: z.string(),
    dateOfBirth: z.string(),
    gender: z.enum(['male', 'female']),
    idNumberMasked: z.string().nullable(),
  }),
  identity: z.object({
    verified: z.boolean(),
    status: z.string(),
    source: z.string().nullable(),
    verifiedAt: z.string().nullable(),
    override: z.boolean(),
  }),
  /** What stops a vaccine passport being issued (unverified identity, a dose without a lot…). */
  passportBlockers: z.array(z.object({ code: z.string(), message: localizedSchema, doseId: z.string().optional() })),
  /** The international vaccine passport, once the ministry has signed it (null before, or withdrawn). */
  passport: issuedPassportSchema.nullable().optional(),
});
export type Certificate = z.infer<typeof certificateSchema>;

/** The portal's answer to a verified look-up: the certificate and a short-lived PDF link. */
export const portalCertificateSchema = certificateSchema.extend({ pdfUrl: z.string() });
export type PortalCertificate = z.infer<typeof portalCertificateSchema>;

/** A key of the trust list (`GET /api/certificates/trust-list`, public). */
export const trustListEntrySchema = z.object({
  kid: z.string(),
  alg: z.literal('ES256'),
  publicKeyPem: z.string(),
  certificatePem: z.string(),
  keyUsage: z.array(z.string()),
  active: z.boolean(),
  /**
   * The key's certificate chain, PEM: the Document Signer Certificate, then the national CSCA that
   * signed it (a key made before the CSCA: its self-signed certificate alone).
   */
  chain: z.array(z.string()).optional(),
});
export const trustListResponseSchema = z.object({ keys: z.array(trustListEntrySchema) });
export type TrustListResponse = z.infer<typeof trustListResponseSchema>;

/** `GET /api/certificates/status`: a certificate identifier (UVCI). */
export const certificateStatusQuerySchema = z.object({ ci: z.string().min(10).max(100) });

/**
 * Whether a certificate identifier is the person's current certificate: `superseded` (withdrawn:
 * replaced after a correction, or renewed), `newer_issued` (valid; a later dose has a newer one),
 * `expired`, `current` or `unknown`.
 */
export const certificateStateSchema = z.discriminatedUnion('state', [
  z.object({ ci: z.string(), state: z.literal('unknown') }),
  z.object({
    ci: z.string(),
    state: z.literal('superseded'),
    supersededAt: z.string(),
    /** The identifier of the certificate issued in its place. */
    supersededByCi: z.string().nullable(),
    reason: z.string().nullable(),
  }),
  z.object({ ci: z.string(), state: z.literal('expired'), expiresAt: z.string() }),
  z.object({ ci: z.string(), state: z.literal('current'), issuedAt: z.string(), expiresAt: z.string() }),
  /**
   * Still valid for what it states, but no longer the person's current certificate: a later dose
   * was recorded and a newer certificate issued (`new_dose`; nothing on this one was wrong).
   */
  z.object({
    ci: z.string(),
    state: z.literal('newer_issued'),
    issuedAt: z.string(),
    expiresAt: z.string(),
    /** When the newer certificate was issued. */
    newerIssuedAt: z.string(),
    /** The identifier of the certificate issued after it. */
    newerCi: z.string().nullable(),
  }),
]);
export type CertificateState = z.infer<typeof certificateStateSchema>;

/** The answer to a key rotation: the new key's id. */
export const keyRotatedSchema = z.object({ kid: z.string() });

/** A signing key as its administrators see it (`GET /api/certificates/keys`): never its private part. */
export const signingKeySchema = z.object({
  kid: z.string(),
  alg: z.literal('ES256'),
  /** The key that signs new certificates now (one at a time). */
  active: z.boolean(),
  createdAt: z.string(),
  retiredAt: z.string().nullable(),
  /** Until when a retired key stays in the trust list (its certificates' validity); null while active. */
  trustedUntil: z.string().nullable(),
  /** Whether the published trust list carries it now. */
  inTrustList: z.boolean(),
  /** The key's X.509 certificate, as verifiers read it. */
  certificate: z.object({
    subject: z.string(),
    issuer: z.string(),
    serialNumber: z.string(),
    validFrom: z.string(),
    validTo: z.string(),
    fingerprintSha256: z.string(),
  }),
});
export type SigningKey = z.infer<typeof signingKeySchema>;
export const signingKeysResponseSchema = z.object({ items: z.array(signingKeySchema) });
export type SigningKeysResponse = z.infer<typeof signingKeysResponseSchema>;

/**
 * `GET /api/certificates/trust-list/eu`: the national CSCAs and the DSCs they signed in the EU
 * gateway's trust-list form (DGCG `TrustListItem`: `rawData` the DER in base64, `thumbprint` its
 * SHA-256 in hex).
 */
export const euTrustListItemSchema = z.object({
  kid: z.string().optional(),
  timestamp: z.string(),
  country: z.string(),
  certificateType: z.enum(['CSCA', 'DSC']),
  thumbprint: z.string(),
  rawData: z.string(),
});
export const euTrustListSchema = z.array(euTrustListItemSchema);
export type EuTrustListItem = z.infer<typeof euTrustListItemSchema>;

/** `POST /api/certificates/csca/rotate`: the new CSCA and the new signing key under it. */
export const cscaRotatedSchema = z.object({ cscaId: z.string(), kid: z.string() });
