import { constants, createPublicKey, type KeyObject, verify } from 'node:crypto';
import type { SignatureCheck } from '@tiemchung/core';

/** Parsed public keys by PEM: each trust-list key is parsed once per process. */
const parsed = new Map<string, KeyObject>();
const MAX_KEYS = 10_000;

function keyOf(pem: string): KeyObject {
  let key = parsed.get(pem);
  if (!key) {
    key = createPublicKey(pem);
    if (parsed.size >= MAX_KEYS) parsed.clear();
    parsed.set(pem, key);
  }
  return key;
}

/**
 * Core's `verifyHcert` signature check with node:crypto, synchronous: one certificate's check
 * costs the bare ES256 verification and nothing more (WebCrypto's goes through libuv's threads).
 * ES256 wants the raw 64-byte r‖s form; PS256 a 32-byte salt (EU DCC).
 */
export const nodeSignatureCheck: SignatureCheck = (alg, entry, signature, data) => {
  const key = keyOf(entry.publicKeyPem);
  if (alg === 'ES256') {
    if (signature.length !== 64) return false;
    return verify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, signature);
  }
  return verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, signature);
};
