/**
 * The EU DCC common verifier test set (`reference/dcc-testdata`, from the EU DCC test-data
 * project): every vector runs through our decoder and verifier at its VALIDATIONCLOCK with a
 * one-key trust list made from its signer certificate, and each EXPECTEDRESULTS key is checked.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { base45Decode } from './base45.js';
import { validateDccPayload } from './dcc-check.js';
import { HcertError } from './errors.js';
import { decodeHcert, keyUsageAllows, validityAt, verifyHcert } from './hcert.js';
import { bytesToBase64, computeKid, type TrustListKey } from './keys.js';
import { zlibInflate } from './zlib.js';

/** Kept in the repository (`reference/dcc-testdata/`, Apache-2.0); DCC_TESTDATA_DIR overrides. */
const DIR =
  process.env.DCC_TESTDATA_DIR ?? fileURLToPath(new URL('../../../../reference/dcc-testdata', import.meta.url));

interface Vector {
  PREFIX: string;
  JSON?: unknown;
  COMPRESSED?: string;
  COSE?: string;
  TESTCTX: { CERTIFICATE: string; VALIDATIONCLOCK: string; DESCRIPTION: string };
  EXPECTEDRESULTS: Record<string, boolean>;
}

const vectors: [string, Vector][] = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.json'))
      .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
      .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(`${DIR}/${f}`, 'utf8')) as Vector])
  : [];

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The signer of a vector as a one-key trust list entry (kid = SHA-256(certificate DER)[0..8]). */
async function trustListFor(v: Vector): Promise<TrustListKey> {
  const der = Buffer.from(v.TESTCTX.CERTIFICATE, 'base64');
  const cert = new X509Certificate(der);
  const type = cert.publicKey.asymmetricKeyType;
  return {
    kid: bytesToBase64(await computeKid(der)),
    alg: type === 'ec' ? 'ES256' : 'PS256',
    publicKeyPem: cert.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    // node's X509Certificate#keyUsage is the extended key usage list (undefined when absent).
    ...(cert.keyUsage ? { keyUsage: cert.keyUsage } : {}),
  };
}

async function decodeError(qr: string): Promise<HcertError | undefined> {
  try {
    await decodeHcert(qr);
    return undefined;
  } catch (e) {
    if (e instanceof HcertError) return e;
    throw e;
  }
}

/** The stages in pipeline order: a failure at a stage means every earlier one passed. */
const STAGES = ['prefix', 'base45', 'zlib', 'cbor', 'cose', 'cwt'];
const passedStage = (e: HcertError | undefined, stage: string) =>
  e === undefined || STAGES.indexOf(e.code) > STAGES.indexOf(stage);

describe('EU DCC conformance vectors (reference/dcc-testdata)', () => {
  it('the vectors are there', () => expect(vectors.length).toBeGreaterThan(30));
  for (const [name, v] of vectors) {
    // A vector whose only check is its picture (Q1) is the web reader's (qrReader.test.ts).
    if (Object.keys(v.EXPECTEDRESULTS).every((k) => k === 'EXPECTEDPICTUREDECODE')) continue;
    describe(`${name}: ${v.TESTCTX.DESCRIPTION}`, () => {
      const clock = new Date(v.TESTCTX.VALIDATIONCLOCK);
      for (const [key, expected] of Object.entries(v.EXPECTEDRESULTS)) {
        const title = `${key} = ${expected}`;
        switch (key) {
          case 'EXPECTEDUNPREFIX':
            it(title, async () => {
              const e = await decodeError(v.PREFIX);
              expect(passedStage(e, 'prefix')).toBe(expected);
            });
            break;
          case 'EXPECTEDB45DECODE':
            it(title, async () => {
              const e = await decodeError(v.PREFIX);
              expect(passedStage(e, 'base45')).toBe(expected);
              if (expected && v.COMPRESSED)
                expect(hex(base45Decode(v.PREFIX.slice(4)))).toBe(v.COMPRESSED.toLowerCase());
            });
            break;
          case 'EXPECTEDCOMPRESSION':
            it(title, async () => {
              const e = await decodeError(v.PREFIX);
              expect(passedStage(e, 'zlib')).toBe(expected);
              if (expected && v.COMPRESSED && v.COSE) {
                expect(hex(await zlibInflate(Buffer.from(v.COMPRESSED, 'hex')))).toBe(v.COSE.toLowerCase());
              }
            });
            break;
          case 'EXPECTEDDECODE':
            it(title, async () => {
              const e = await decodeError(v.PREFIX);
              expect(e === undefined).toBe(expected);
            });
            break;
          case 'EXPECTEDVALIDJSON':
            it(title, async () => {
              const decoded = await decodeHcert(v.PREFIX);
              if (expected) expect(decoded.payload).toEqual(v.JSON);
              else expect(decoded.payload).not.toEqual(v.JSON);
            });
            break;
          case 'EXPECTEDVERIFY':
            it(title, async () => {
              const result = await verifyHcert(v.PREFIX, [await trustListFor(v)], clock);
              const signatureOk = !['malformed', 'unknown_key', 'bad_signature'].includes(result.result);
              expect(signatureOk, `${result.result}: ${result.reason ?? ''}`).toBe(expected);
            });
            break;
          case 'EXPECTEDSCHEMAVALIDATION':
            it(title, async () => {
              const decoded = await decodeHcert(v.PREFIX);
              const check = validateDccPayload(decoded.payload);
              expect(check.ok, check.ok ? '' : check.issues.join('; ')).toBe(expected);
              const result = await verifyHcert(v.PREFIX, [await trustListFor(v)], clock);
              expect(result.result === 'invalid_payload').toBe(!expected);
            });
            break;
          case 'EXPECTEDEXPIRATIONCHECK':
            it(title, async () => {
              const decoded = await decodeHcert(v.PREFIX);
              expect(validityAt(decoded.claims, clock) === null).toBe(expected);
              const result = await verifyHcert(v.PREFIX, [await trustListFor(v)], clock);
              expect(['expired', 'not_yet_valid'].includes(result.result)).toBe(!expected);
            });
            break;
          case 'EXPECTEDKEYUSAGE':
            it(title, async () => {
              const entry = await trustListFor(v);
              const decoded = await decodeHcert(v.PREFIX);
              const check = validateDccPayload(decoded.payload);
              expect(check.ok).toBe(true);
              if (check.ok) expect(keyUsageAllows(entry.keyUsage, check.type)).toBe(expected);
              const result = await verifyHcert(v.PREFIX, [entry], clock);
              expect(result.result === 'wrong_key_usage').toBe(!expected);
            });
            break;
          case 'EXPECTEDPICTUREDECODE':
            // Reading the QR picture is the scanner's job: the web verifier's reader is checked
            // against these pictures in apps/web/src/verify/qrReader.test.ts.
            break;
          default:
            it(title, () => {
              throw new Error(`${key}: a check this suite does not know; add it`);
            });
        }
      }

      // Beyond the single key each vector tests: the overall answer a verifier would show.
      if (Object.keys(v.EXPECTEDRESULTS).some((k) => k !== 'EXPECTEDPICTUREDECODE')) {
        it('the overall verification agrees with the expected results', async () => {
          const r = v.EXPECTEDRESULTS;
          const result = await verifyHcert(v.PREFIX, [await trustListFor(v)], clock);
          const failed = Object.entries(r).some(([k, ok]) => !ok && k !== 'EXPECTEDPICTUREDECODE');
          if (failed) expect(result.result).not.toBe('valid');
          else expect(result.result, result.reason).toBe('valid');
        });
      }
    });
  }
});
