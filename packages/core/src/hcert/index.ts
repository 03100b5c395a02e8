/**
 * Vaccination certificates: the status from the doses, and the EU Digital COVID Certificate
 * (HCERT: CBOR/COSE ES256, zlib, base45, `HC1:`) — building, signing, decoding and verifying it,
 * offline, in Node and in browsers alike.
 */
export * from './base45.js';
export * from './business-rules.js';
export * from './certlogic.js';
export * from './cose.js';
export * from './cwt.js';
export { validateDccPayload } from './dcc-check.js';
export * from './deflate.js';
export * from './errors.js';
export * from './hcert.js';
export * from './keys.js';
export * from './payload.js';
export * from './schema.js';
export * from './status.js';
export * from './transliterate.js';
export * from './vn-rules.js';
export * from './zlib.js';
