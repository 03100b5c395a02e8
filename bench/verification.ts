/**
 * Benchmark: "verifyHcert ≥ 0.5 × raw ES256 verifications/s in the same run" (issue 18) — how
 * many platform certificates core's `verifyHcert` checks per second against a trust list, next to
 * the bare signature check it cannot beat, measured in one process, in alternating slices (so a
 * noisy machine slows every side alike):
 *
 * - **raw ES256, node:crypto**: `crypto.verify` of the certificate's own Sig_structure and
 *   signature with a parsed key, synchronous — the baseline the target names;
 * - **raw ES256, WebCrypto**: `crypto.subtle.verify`, which `verifyHcert` uses (the same code runs in
 *   browsers), with 16 checks in flight (it runs on libuv's threads);
 * - **verifyHcert**: the whole check — base45, zlib, COSE/CWT, the key by kid, the signature, key
 *   usage, the DCC schema, validity — one at a time and 16 in flight;
 * - **decodeHcert**: the decoding alone;
 * - **the EU DCC SDK peer** (`@pathcheck/dcc-sdk` 0.0.27, the named peer; measurement only):
 *   its `unpackAndVerify` with the certificate's key given to its key cache, one at a time and 16
 *   in flight — when installed with `npm run bench:peer` (its own folder, `bench/peer`, bundled
 *   with esbuild: its ES-module build imports without file extensions and its CommonJS entry
 *   needs the `esm` loader, which Node 24 no longer runs). Without it the peer rows are absent.
 *
 *   node --conditions=source --import tsx bench/verification.ts [--seconds N]
 *
 * Writes bench/results/verification.{json,md}. Exits non-zero when a certificate does not verify.
 */
import { createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify, webcrypto } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import {
  base64ToBytes,
  buildVaccinationPayload,
  decodeHcert,
  encodeHcertSync,
  type HcertSyncSigner,
  sigStructure,
  trustListEntryFor,
  verifyHcert,
} from '@tiemchung/core';
import { nodeSignatureCheck } from '../apps/server/src/modules/certificates/signature-check.js';
import { numberOption } from './lib/args.js';
import { fmt, markdownTable, type RunMeta, reportOutcome, runIfEntry, runMeta, writeResults } from './lib/report.js';

const USAGE = 'node --conditions=source --import tsx bench/verification.ts [--seconds N]';

export const verificationOptionsSpec = {
  seconds: { type: 'string' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** The target: verifyHcert's rate ≥ this × the raw node:crypto rate. */
export const TARGET_RATIO = 0.5;
const IN_FLIGHT = 16;
const SLICE_MS = 100;

interface Side {
  readonly name: string;
  readonly what: string;
  readonly run: () => unknown;
  /** Checks kept in flight (1 = one after another). */
  readonly inFlight: number;
  ops: number;
  ms: number;
}

export interface VerificationResults {
  readonly meta: RunMeta;
  readonly seconds: number;
  readonly qrChars: number;
  readonly rows: { name: string; what: string; inFlight: number; perSecond: number; ratioToRaw: number }[];
  readonly ratio: {
    sequential: number;
    server: number;
    concurrent: number;
    target: number;
    /** verifyHcert ÷ the EU DCC SDK peer, same concurrency (null: the peer is not installed). */
    toPeer: { sequential: number; concurrent: number } | null;
  };
}

/** The EU DCC SDK peer's calls the benchmark uses (`@pathcheck/dcc-sdk`). */
interface PeerSdk {
  addCachedKeys(keys: Record<string, string>): void;
  unpackAndVerify(qr: string): Promise<{ status: string }>;
}
const PEER_BUNDLE = new URL('./peer/dist/dcc-sdk.cjs', import.meta.url);

function loadPeer(): PeerSdk | null {
  if (!existsSync(PEER_BUNDLE)) return null;
  return createRequire(import.meta.url)(PEER_BUNDLE.pathname) as PeerSdk;
}

async function slice(side: Side, untilMs: number): Promise<void> {
  const started = performance.now();
  let ops = 0;
  if (side.inFlight === 1) {
    while (performance.now() < untilMs) {
      await side.run();
      ops++;
    }
  } else {
    await Promise.all(
      Array.from({ length: side.inFlight }, async () => {
        while (performance.now() < untilMs) {
          await side.run();
          ops++;
        }
      }),
    );
  }
  side.ops += ops;
  side.ms += performance.now() - started;
}

export async function runVerification(argv: readonly string[]): Promise<VerificationResults> {
  const { values } = parseArgs({ args: [...argv], options: verificationOptionsSpec, strict: true });
  const seconds = numberOption(USAGE)('seconds', values.seconds, 10, 1);
  const failures: string[] = [];

  // A platform certificate: a P-256 key of its own, the payload as the server builds it.
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const entry = await trustListEntryFor(
    await webcrypto.subtle.importKey(
      'spki',
      publicKey.export({ type: 'spki', format: 'der' }),
      { name: 'ECDSA', namedCurve: 'P-256' },
      true,
      ['verify'],
    ),
  );
  const trust = { keys: [entry] };
  const sign: HcertSyncSigner = (data) =>
    new Uint8Array(nodeSign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }));
  const issuedAt = new Date('2022-01-10T03:00:00Z');
  const payload = buildVaccinationPayload({
    person: { fullName: 'Nguyễn Thị Ánh Tuyết', dateOfBirth: '1990-01-31' },
    doses: ['2021-08-01', '2021-08-29', '2021-12-20'].map((administeredOn) => ({
      vaccineCode: 'EU/1/20/1528',
      administeredOn,
    })),
    certificateId: '0193A4B2C5D67E8F9A0B1C2D3E4F5A6B',
  });
  const qr = encodeHcertSync({
    payload,
    payloadValidated: true,
    kid: base64ToBytes(entry.kid),
    sign,
    issuedAt,
    expiresAt: new Date('2023-01-10T03:00:00Z'),
  });
  const now = new Date('2022-02-01T00:00:00Z');
  const check = await verifyHcert(qr, trust, now);
  if (check.result !== 'valid') failures.push(`the certificate does not verify: ${check.result} ${check.reason ?? ''}`);

  // The certificate's own Sig_structure and signature, for the raw checks.
  const decoded = await decodeHcert(qr);
  const data = sigStructure(decoded.cose.protectedBytes, decoded.cose.payloadBytes);
  const signature = decoded.cose.signature;
  const nodeKey = createPublicKey(entry.publicKeyPem);
  const webKey = await webcrypto.subtle.importKey(
    'spki',
    publicKey.export({ type: 'spki', format: 'der' }),
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['verify'],
  );
  if (!nodeVerify('sha256', data, { key: nodeKey, dsaEncoding: 'ieee-p1363' }, signature)) {
    failures.push('the raw check does not verify the certificate’s signature');
  }

  // The peer, given the same key (its cache takes kid → SPKI in base64, as its trust registry does).
  const peer = loadPeer();
  if (peer) {
    peer.addCachedKeys({ [entry.kid]: publicKey.export({ type: 'spki', format: 'der' }).toString('base64') });
    const r = await peer.unpackAndVerify(qr);
    if (r.status !== 'verified') failures.push(`the EU DCC SDK peer does not verify the certificate: ${r.status}`);
    // And it does check: the same certificate signed by another key under the same kid is refused.
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const forged = encodeHcertSync({
      payload,
      payloadValidated: true,
      kid: base64ToBytes(entry.kid),
      sign: (data) => new Uint8Array(nodeSign('sha256', data, { key: other, dsaEncoding: 'ieee-p1363' })),
      issuedAt,
      expiresAt: new Date('2023-01-10T03:00:00Z'),
    });
    const f = await peer.unpackAndVerify(forged);
    if (f.status === 'verified')
      failures.push('the EU DCC SDK peer accepts a forged signature: its rate means nothing');
  }
  const peerSides: Side[] = peer
    ? [
        {
          name: 'EU DCC SDK peer, one at a time',
          what: '@pathcheck/dcc-sdk 0.0.27 unpackAndVerify, key cached',
          inFlight: 1,
          run: () => peer.unpackAndVerify(qr),
          ops: 0,
          ms: 0,
        },
        {
          name: `EU DCC SDK peer ×${IN_FLIGHT}`,
          what: '@pathcheck/dcc-sdk 0.0.27 unpackAndVerify, 16 in flight',
          inFlight: IN_FLIGHT,
          run: () => peer.unpackAndVerify(qr),
          ops: 0,
          ms: 0,
        },
      ]
    : [];
  const sides: Side[] = [
    {
      name: 'raw ES256, node:crypto',
      what: 'crypto.verify, parsed key, synchronous (the baseline)',
      inFlight: 1,
      run: () => nodeVerify('sha256', data, { key: nodeKey, dsaEncoding: 'ieee-p1363' }, signature),
      ops: 0,
      ms: 0,
    },
    {
      name: `raw ES256, WebCrypto ×${IN_FLIGHT}`,
      what: 'crypto.subtle.verify, imported key',
      inFlight: IN_FLIGHT,
      run: () => webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, webKey, signature, data),
      ops: 0,
      ms: 0,
    },
    {
      name: 'verifyHcert, one at a time',
      what: 'the whole check',
      inFlight: 1,
      run: () => verifyHcert(qr, trust, now),
      ops: 0,
      ms: 0,
    },
    {
      name: 'verifyHcert + node:crypto check, one at a time',
      what: 'the whole check, signatures with crypto.verify (the server)',
      inFlight: 1,
      run: () => verifyHcert(qr, trust, now, { checkSignature: nodeSignatureCheck }),
      ops: 0,
      ms: 0,
    },
    {
      name: `verifyHcert ×${IN_FLIGHT}`,
      what: 'the whole check, 16 in flight',
      inFlight: IN_FLIGHT,
      run: () => verifyHcert(qr, trust, now),
      ops: 0,
      ms: 0,
    },
    { name: 'decodeHcert', what: 'base45, zlib, COSE, CWT', inFlight: 1, run: () => decodeHcert(qr), ops: 0, ms: 0 },
    ...peerSides,
  ];
  // Warm-up, then alternating slices until each side has had its share of the time.
  for (const s of sides) await slice(s, performance.now() + 300);
  for (const s of sides) {
    s.ops = 0;
    s.ms = 0;
  }
  const end = performance.now() + seconds * 1000 * sides.length;
  while (performance.now() < end) for (const s of sides) await slice(s, performance.now() + SLICE_MS);

  const rate = (s: Side) => (s.ops / s.ms) * 1000;
  const raw = rate(sides[0]!);
  const rows = sides.map((s) => ({
    name: s.name,
    what: s.what,
    inFlight: s.inFlight,
    perSecond: rate(s),
    ratioToRaw: rate(s) / raw,
  }));
  const ratio = {
    sequential: rows[2]!.ratioToRaw,
    server: rows[3]!.ratioToRaw,
    concurrent: rows[4]!.ratioToRaw,
    target: TARGET_RATIO,
    toPeer: peer
      ? { sequential: rows[2]!.perSecond / rows[6]!.perSecond, concurrent: rows[4]!.perSecond / rows[7]!.perSecond }
      : null,
  };
  const results: VerificationResults = { meta: runMeta(), seconds, qrChars: qr.length, rows, ratio };
  const file = writeResults('verification', results);
  const md = [
    `Run ${results.meta.date}, ${results.meta.commit}${results.meta.uncommittedChanges ? ' (uncommitted changes)' : ''}, Node ${results.meta.node}, ${results.meta.machine.cpus} × ${results.meta.machine.cpuModel}; ${seconds} s per side in ${SLICE_MS} ms slices; QR ${qr.length} characters.`,
    '',
    markdownTable(
      ['check', 'in flight', 'per second', '× raw node:crypto'],
      rows.map((r) => [r.name, String(r.inFlight), fmt(r.perSecond), fmt(r.ratioToRaw, 2)]),
    ),
    '',
    `verifyHcert ÷ raw ES256 (node:crypto): ${fmt(ratio.sequential, 2)} one at a time with WebCrypto, ${fmt(ratio.server, 2)} with node:crypto's check (the server's), ${fmt(ratio.concurrent, 2)} with ${IN_FLIGHT} in flight (target ≥ ${TARGET_RATIO}).`,
    ratio.toPeer
      ? `verifyHcert ÷ the EU DCC SDK peer: ${fmt(ratio.toPeer.sequential, 2)} one at a time (both through WebCrypto), ${fmt(ratio.toPeer.concurrent, 2)} with ${IN_FLIGHT} in flight.`
      : 'The EU DCC SDK peer is not installed (`npm run bench:peer`): no peer rows.',
  ].join('\n');
  writeFileSync(file.replace(/\.json$/, '.md'), `${md}\n`);
  console.log(md);
  reportOutcome(file, failures);
  return results;
}

export const main = runVerification;
await runIfEntry(import.meta.url, main);
