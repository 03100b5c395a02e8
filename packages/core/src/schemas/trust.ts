import { z } from 'zod';
import { schemaMessage } from './messages.js';

/**
 * Verifying certificates from any country (`POST /api/verify`) and the foreign trust anchors
 * national administrators import (`/api/admin/trust-anchors`): the Document Signer Certificates of
 * other states, one by one or as the EU gateway's trust list.
 */

/** An ISO 3166-1 alpha-2 country code (the DCC's `co`, the gateway's `country`). */
export const countryCodeSchema = z.string().regex(/^[A-Z]{2}$/, schemaMessage('countryCode'));

/** One anchor: its country and its X.509 certificate (PEM, or base64 DER). */
export const trustAnchorInputSchema = z.object({
  country: countryCodeSchema,
  certificatePem: z.string().min(100).max(20_000),
});

/** One entry of the EU gateway's trust list (`GET /trustList/DSC`): `rawData` is the DER, base64. */
export const gatewayTrustListItemSchema = z.object({
  country: countryCodeSchema,
  rawData: z.string().min(100).max(20_000),
  kid: z.string().max(64).optional(),
  certificateType: z.string().max(20).optional(),
  thumbprint: z.string().max(128).optional(),
  signature: z.string().max(20_000).optional(),
  timestamp: z.string().max(64).optional(),
});

/** `POST /api/admin/trust-anchors`: one anchor, or a list in the EU gateway's JSON form. */
export const trustAnchorsBodySchema = z.union([
  trustAnchorInputSchema,
  z.array(gatewayTrustListItemSchema).min(1).max(10_000),
]);
export type TrustAnchorsBody = z.infer<typeof trustAnchorsBodySchema>;

export const trustAnchorSchema = z.object({
  id: z.string(),
  country: z.string(),
  kid: z.string(),
  alg: z.enum(['ES256', 'PS256']),
  subject: z.string(),
  issuer: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  source: z.enum(['single', 'gateway']),
  addedAt: z.string(),
  addedBy: z.string(),
});
export type TrustAnchor = z.infer<typeof trustAnchorSchema>;

export const trustAnchorsImportedSchema = z.object({
  added: z.number(),
  /** Already there (the same certificate): nothing changed. */
  unchanged: z.number(),
  anchors: z.array(trustAnchorSchema),
});

/** A key of any country a verifier may trust (`GET /api/verify/trust-list`, public, for offline use). */
export const anchorKeySchema = z.object({
  kid: z.string(),
  alg: z.enum(['ES256', 'PS256']),
  publicKeyPem: z.string(),
  country: z.string(),
  keyUsage: z.array(z.string()),
});
export const anchorKeysSchema = z.object({
  keys: z.array(anchorKeySchema),
  /**
   * The EU DCC value sets' codes by value set id (`country-2-codes`: `["AD", …]`), so that an
   * offline verifier checks a certificate's content as `POST /api/verify` does.
   */
  valueSets: z.record(z.string(), z.array(z.string())).optional(),
  /** The acceptance rules the platform carries, by destination (EU business-rule format, CertLogic). */
  rules: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).optional(),
});
export type AnchorKeys = z.infer<typeof anchorKeysSchema>;

/** `POST /api/verify`: the QR and, optionally, the destination whose acceptance rules to apply. */
export const verifyBodySchema = z.object({
  qr: z.string().min(1).max(6000),
  destination: countryCodeSchema.optional(),
});

export const VERIFY_RESULTS = [
  'valid',
  'invalid_signature',
  'unknown_key',
  'expired',
  'not_yet_valid',
  'revoked',
  'malformed',
] as const;
export type VerifyResult = (typeof VERIFY_RESULTS)[number];

export const verifyResultSchema = z.object({
  result: z.enum(VERIFY_RESULTS),
  /** Whether a trusted key's signature matched the content (true for expired and revoked too). */
  signatureValid: z.boolean(),
  /** The issuing state: the CWT's `iss`, else the certificate's `co`. */
  issuerCountry: z.string().nullable(),
  /** The decoded DCC (trust it only when `result` is `valid`). */
  certificate: z.record(z.string(), z.unknown()).nullable(),
  kid: z.string().nullable(),
  /**
   * Why it is not valid, in English (for the verifier's details); on a valid one of this
   * platform's, that a newer certificate (a later dose) exists, else null.
   */
  reason: z.string().nullable(),
  issuedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  /**
   * What the content breaks, once the signature is right: an EU DCC value set (`VS-…`: a country
   * "XY", an unknown manufacturer) or plausibility (`PL-…`: born after the vaccination…). Any
   * finding makes the result `malformed`.
   */
  ruleFindings: z
    .array(z.object({ rule: z.string(), field: z.string(), message: z.object({ vi: z.string(), en: z.string() }) }))
    .optional(),
  /**
   * The destination's acceptance rules (EU business-rule format, CertLogic), when one was asked
   * for and the certificate is otherwise valid: each rule passed, failed or open. `passed` is null
   * when no rule of that destination applied (none known, or none in force): nothing was checked.
   */
  acceptance: z
    .object({
      destination: z.string(),
      passed: z.boolean().nullable(),
      rules: z.array(
        z.object({
          id: z.string(),
          result: z.enum(['passed', 'failed', 'open']),
          description: z.object({ vi: z.string(), en: z.string() }),
          affectedFields: z.array(z.string()),
        }),
      ),
    })
    .optional(),
});
export type VerifyAnswer = z.infer<typeof verifyResultSchema>;
