/**
 * Benchmark: vaccination certificates signed and encoded per second — what the server does per
 * certificate minus the database: `buildVaccinationPayload` + `encodeHcertSync` (DCC payload checked
 * against the schema, CWT/CBOR, COSE_Sign1 signed ES256 with node:crypto as `keys.service.ts`
 * does, zlib, base45, `HC1:`) — against raw ES256 signatures per second in the same run, and the
 * PDFs per second of `certificatePdf` (A4 and card). In-process, one call at a time (tinybench).
 *
 *   node --conditions=source --import tsx bench/certificates.ts [--quick] [--rounds R] [--time MS]
 *
 * Writes bench/results/certificates.json and prints Markdown tables. Exits non-zero when a
 * produced certificate does not verify or a PDF is not a PDF.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign as nodeSign } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { deflateSync } from 'node:zlib';
import {
  base45Encode,
  buildVaccinationPayload,
  bytesToBase64,
  certificateStatus,
  certificateStatusText,
  computeKid,
  derToPem,
  encodeCoseSign1,
  encodeCwtClaims,
  encodeHcertSync,
  encodeProtectedHeader,
  type HcertSyncSigner,
  makeUvci,
  type SyntheticPerson,
  sequenceDoses,
  sigStructure,
  syntheticPopulation,
  uuidv7,
  vaccineByCode,
  validateDccPayload,
  verifyHcert,
  zlibDeflate,
  zlibDeflateSync,
} from '@tiemchung/core';
import QRCode from 'qrcode';
import { Bench } from 'tinybench';
import { certificatePdf } from '../apps/server/src/modules/certificates/certificates.pdf.js';
import type { CertificateView } from '../apps/server/src/modules/certificates/certificates.service.js';
import { CERTIFICATE_VALIDITY_DAYS } from '../apps/server/src/modules/certificates/keys.service.js';
import { selfSignedCertificate } from '../apps/server/src/modules/certificates/x509.js';
import { maskIdNumber } from '../apps/server/src/modules/people/people.service.js';
import { numberOption } from './lib/args.js';
import { type ProfileSummary, summarizeProfile } from './lib/profile.js';
import {
  fmt,
  markdownTable,
  ms,
  type RunMeta,
  reportOutcome,
  runIfEntry,
  runMeta,
  writeResults,
} from './lib/report.js';
import { median, ratio } from './lib/stats.js';

/** The target: certificates per second ≥ half the raw signatures per second. */
export const TARGET_RATIO = 0.5;

/** Options of the certificates benchmark. */
export interface CertificatesOptions {
  readonly quick: boolean;
  /** Rounds; each runs every task once, in the same order. */
  readonly rounds: number;
  /** Time budget per task per round, ms. */
  readonly timeMs: number;
  /** Distinct people the certificates rotate over. */
  readonly people: number;
  /** Milliseconds of CPU profile of the platform certificate and of the A4 PDF (0: none). */
  readonly profileMs: number;
}

/** Command-line options (shared names mean the same in every scenario; see run.ts). */
export const certificatesOptionsSpec = {
  quick: { type: 'boolean' },
  rounds: { type: 'string' },
  time: { type: 'string' },
  'profile-time': { type: 'string' },
  help: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const USAGE = `usage: certificates [--quick] [--rounds R] [--time MS] [--profile-time MS]
  --quick            2 rounds of 400 ms per task, no profile (CI smoke)
  --rounds R         rounds, each running every task (default 5)
  --time MS          time per task per round (default 3000)
  --profile-time MS  CPU profile of the certificate and of the A4 PDF, each this long (default 3000; 0: none)`;

/** Parses the command line (unknown options are an error). */
export function parseCertificatesArgs(argv: readonly string[]): CertificatesOptions {
  const { values } = parseArgs({ args: [...argv], strict: true, options: certificatesOptionsSpec });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = numberOption(USAGE);
  const quick = values.quick ?? false;
  return {
    quick,
    rounds: Math.floor(num('rounds', values.rounds, quick ? 2 : 5, 1)),
    timeMs: num('time', values.time, quick ? 400 : 3000, 50),
    people: 1000,
    profileMs: num('profile-time', values['profile-time'], quick ? 0 : 3000, 0),
  };
}

/** One task in one round. */
interface TaskRound {
  readonly round: number;
  readonly samples: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly opsPerSecond: number;
}

/** One task over the rounds. */
interface TaskResult {
  readonly name: string;
  readonly what: string;
  /** Part of the platform's work, shown to tell where the time goes (not a headline figure). */
  readonly component: boolean;
  readonly rounds: TaskRound[];
  /** Medians over the rounds. */
  readonly opsPerSecond: number;
  readonly meanMs: number;
  /** The typical call (less sensitive than the mean to the machine's other work preempting a call). */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Median over the rounds of ops/s ÷ the raw signature's ops/s of the same round. */
  readonly vsRawSignature: number;
  readonly vsRawSignatureRange: readonly [number, number];
}

/** The whole result file. */
export interface CertificatesResults {
  readonly scenario: 'certificates';
  readonly meta: RunMeta;
  readonly options: CertificatesOptions;
  readonly sample: {
    readonly signedBytes: number;
    readonly payloadJsonBytes: number;
    readonly qrChars: number;
    readonly pdfA4Bytes: number;
    readonly pdfCardBytes: number;
    readonly verified: string;
  };
  readonly tasks: TaskResult[];
  /** Where the time of one certificate and of one PDF goes (V8 CPU profile, self time). */
  readonly profiles: { readonly task: string; readonly summary: ProfileSummary }[];
  /**
   * Raw signatures and certificates measured in alternating slices of {@link SLICE_MS} within each
   * round, so that both see the same machine (per round, and the median over the rounds).
   */
  readonly interleaved: {
    readonly sliceMs: number;
    readonly rounds: readonly { rawPerSecond: number; certificatesPerSecond: number; ratio: number }[];
    readonly ratio: number;
    readonly range: readonly [number, number];
  };
  /** The target, measured by the interleaved ratio; `sequential` is tinybench's (task after task). */
  readonly target: {
    readonly ratio: number;
    readonly measured: number;
    readonly sequential: number;
    readonly met: boolean;
  };
  readonly failures: string[];
}

const log = (line: string) => console.error(`[certificates] ${line}`);

/** Three doses: two of Comirnaty, then a Spikevax booster (a green certificate, 3/3). */
export const DOSES = [
  {
    vaccineCode: 'EU/1/20/1528',
    lotNumber: 'FF2587',
    administeredOn: '2021-08-14',
    facilityName: 'Trạm Y tế Phường 1',
  },
  {
    vaccineCode: 'EU/1/20/1528',
    lotNumber: 'FG3528',
    administeredOn: '2021-09-11',
    facilityName: 'Trạm Y tế Phường 1',
  },
  {
    vaccineCode: 'EU/1/20/1507',
    lotNumber: '3002183',
    administeredOn: '2022-03-02',
    facilityName: 'Bệnh viện Đa khoa Sa Đéc',
  },
] as const;

/** A signer made as `keys.service.ts` makes it: node:crypto, SHA-256, IEEE P1363 (r‖s), synchronous. */
export function nodeSigner(key: KeyObject): HcertSyncSigner {
  return (data) => nodeSign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
}

/** What the certificate of `p` shows (as `buildView` in certificates.service.ts builds it, minus the database). */
export function viewOf(p: SyntheticPerson, qr: string, ci: string, issuedAt: Date, expiresAt: Date): CertificateView {
  const doses = DOSES.map((d, i) => ({ ...d, id: `dose-${i}`, declaredKind: null }));
  const status = certificateStatus(doses);
  const seq = sequenceDoses(doses);
  return {
    person: {
      id: uuidv7(),
      fullName: p.fullName,
      dateOfBirth: p.dateOfBirth,
      gender: p.gender,
      idNumberMasked: maskIdNumber(p.idNumber),
    },
    status: status.status,
    color: status.color,
    statusText: certificateStatusText(status),
    doses: doses.map((d) => {
      const v = vaccineByCode(d.vaccineCode);
      const s = seq.find((x) => x.id === d.id)!;
      return {
        id: d.id,
        doseNumber: s.doseNumber,
        doseKind: s.doseKind,
        vaccineCode: d.vaccineCode,
        vaccineName: v ? `${v.localName} (${v.name})` : d.vaccineCode,
        manufacturer: v?.manufacturer ?? '',
        lotNumber: d.lotNumber,
        administeredOn: d.administeredOn,
        facilityId: 'DT-CL-01',
        facilityName: d.facilityName,
      };
    }),
    qr,
    ci,
    issuedAt: issuedAt.toISOString(),
    expiresAt: expiresAt.toISOString(),
    identity: {
      verified: true,
      status: 'verified',
      source: 'registry',
      verifiedAt: issuedAt.toISOString(),
      override: false,
    },
    passportBlockers: [],
    passport: null,
  };
}

/** How long each task runs before the other takes over, in the interleaved measurement. */
export const SLICE_MS = 25;

/**
 * Calls `a` for `sliceMs`, then `b` for `sliceMs`, and so on for `totalMs` in all; returns each
 * one's calls per second. Tinybench runs a task for seconds before the next, and this host's speed
 * drifts over seconds (other tenants): alternating in short slices makes both see the same
 * machine, so their ratio no longer depends on which ran during a slow spell.
 */
function interleave(
  a: () => unknown,
  b: () => unknown,
  sliceMs: number,
  totalMs: number,
): { aPerSecond: number; bPerSecond: number } {
  const spent = [0, 0];
  const calls = [0, 0];
  const fns = [a, b] as const;
  for (let k = 0; spent[0]! + spent[1]! < totalMs; k ^= 1) {
    const fn = fns[k]!;
    const start = performance.now();
    let now = start;
    let n = 0;
    do {
      fn();
      n++;
      now = performance.now();
    } while (now - start < sliceMs);
    spent[k]! += now - start;
    calls[k]! += n;
  }
  return { aPerSecond: (calls[0]! / spent[0]!) * 1000, bPerSecond: (calls[1]! / spent[1]!) * 1000 };
}

/** Runs the benchmark; returns the results (also written to bench/results/certificates.json). */
export async function runCertificates(
  options: CertificatesOptions,
): Promise<{ results: CertificatesResults; file: string }> {
  const meta = runMeta();
  log(
    `commit ${meta.commit}, ${meta.machine.cpus} CPUs, Node ${meta.node}, load average ${meta.loadAverageAtStart.join(' ')}`,
  );
  const failures: string[] = [];

  // A signing key as the server keeps it: generated, exported as PKCS#8 (it is stored encrypted),
  // imported back as a KeyObject; its kid from its self-signed X.509 certificate.
  const now = new Date();
  const { privateKey: generated } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = selfSignedCertificate({
    privateKey: generated,
    commonName: 'Tiêm chủng DSC bench',
    organization: 'Bộ Y tế Việt Nam',
    country: 'VN',
    notBefore: new Date(now.getTime() - 60_000),
    notAfter: new Date(now.getTime() + 3 * 365 * 86_400_000),
  });
  const key = createPrivateKey({
    key: generated.export({ type: 'pkcs8', format: 'der' }),
    format: 'der',
    type: 'pkcs8',
  });
  const kid = await computeKid(der);
  const signer = nodeSigner(key);
  const people = [...syntheticPopulation('bench-v1/certificates', options.people)];
  const expiresAt = new Date(now.getTime() + CERTIFICATE_VALIDITY_DAYS * 86_400_000);

  /** The platform's work for the i-th certificate. */
  const certificate = (i: number) => {
    const p = people[i % people.length]!;
    const id = uuidv7(now.getTime());
    const payload = buildVaccinationPayload({
      person: { fullName: p.fullName, dateOfBirth: p.dateOfBirth },
      doses: DOSES,
      certificateId: id,
    });
    // As the server does (certificates.service.ts): synchronous, the payload checked once, core's deflate.
    const qr = encodeHcertSync({ payload, kid, sign: signer, issuedAt: now, expiresAt, payloadValidated: true });
    return { p, id, payload, qr };
  };

  // A sample, checked: it must verify against a trust list holding the key.
  const sample = certificate(0);
  const trust = [
    {
      kid: bytesToBase64(kid),
      alg: 'ES256' as const,
      publicKeyPem: derToPem(new Uint8Array(createPublicKey(key).export({ type: 'spki', format: 'der' }))),
    },
  ];
  const verified = await verifyHcert(sample.qr, trust, now);
  if (verified.result !== 'valid') failures.push(`the produced certificate does not verify: ${verified.result}`);
  const protectedBytes = encodeProtectedHeader(kid);
  const cwt = encodeCwtClaims({
    iss: 'VN',
    iat: Math.floor(now.getTime() / 1000),
    exp: Math.floor(expiresAt.getTime() / 1000),
    payload: sample.payload,
  });
  const toSign = sigStructure(protectedBytes, cwt);
  const fixedSignature = new Uint8Array(nodeSign('sha256', toSign, { key, dsaEncoding: 'ieee-p1363' }));
  const cose = encodeCoseSign1({ protectedBytes, payloadBytes: cwt, signature: fixedSignature });
  const deflated = zlibDeflateSync(cose);
  // Views of 20 people, each with the QR of their own real certificate.
  const views: CertificateView[] = [];
  for (let k = 0; k < 20; k++) {
    const c = certificate(k);
    views.push(viewOf(c.p, c.qr, makeUvci(c.id), now, expiresAt));
  }
  const pdfA4 = await certificatePdf(views[0]!, 'a4');
  const pdfCard = await certificatePdf(views[0]!, 'card');
  for (const [name, pdf] of [
    ['a4', pdfA4],
    ['card', pdfCard],
  ] as const)
    if (pdf.subarray(0, 5).toString() !== '%PDF-') failures.push(`the ${name} PDF does not start with %PDF-`);
  log(
    `sample: signed ${toSign.length} bytes (Sig_structure), payload JSON ${JSON.stringify(sample.payload).length} bytes, ` +
      `QR ${sample.qr.length} characters, PDF A4 ${fmt(pdfA4.length / 1024)} KiB, card ${fmt(pdfCard.length / 1024)} KiB, verify: ${verified.result}`,
  );

  let i = 0;
  const noSign: HcertSyncSigner = () => fixedSignature;
  /** What-if (not the platform): the certificate with node:zlib's `deflateSync` as the compressor. */
  const encodeWithDeflateSync = (payload: unknown) =>
    encodeHcertSync({
      payload,
      kid,
      sign: signer,
      issuedAt: now,
      expiresAt,
      payloadValidated: true,
      deflate: (b) => deflateSync(b),
    });
  const whatIf = encodeWithDeflateSync(sample.payload);
  const whatIfCheck = await verifyHcert(whatIf, trust, now);
  if (whatIfCheck.result !== 'valid') failures.push(`the deflateSync variant does not verify: ${whatIfCheck.result}`);
  const noQr = views.map((v) => ({ ...v, qr: null }));
  const tasks: { name: string; what: string; component: boolean; fn: () => unknown }[] = [
    {
      name: 'raw ES256 signature',
      what: "`crypto.sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' })`, P-256, the ~300-byte Sig_structure of a real certificate",
      component: false,
      fn: () => nodeSign('sha256', toSign, { key, dsaEncoding: 'ieee-p1363' }),
    },
    {
      name: 'certificate (platform)',
      what: '`buildVaccinationPayload` + `encodeHcertSync` with the server’s synchronous node:crypto signer — a new `ci` and another person each time',
      component: false,
      fn: () => certificate(i++),
    },
    {
      name: 'PDF A4',
      what: "`certificatePdf(view, 'a4')`: 3 doses, Vietnamese name, the QR of a real HC1",
      component: false,
      fn: () => certificatePdf(views[i++ % views.length]!, 'a4'),
    },
    {
      name: 'PDF card',
      what: "`certificatePdf(view, 'card')` (A6)",
      component: false,
      fn: () => certificatePdf(views[i++ % views.length]!, 'card'),
    },
    {
      name: '· buildVaccinationPayload',
      what: 'the DCC payload: names normalised and transliterated, dose numbers, UVCI, the fields that come from the input checked against the schema’s rules',
      component: true,
      fn: () =>
        buildVaccinationPayload({
          person: {
            fullName: people[i % people.length]!.fullName,
            dateOfBirth: people[i++ % people.length]!.dateOfBirth,
          },
          doses: DOSES,
          certificateId: uuidv7(now.getTime()),
        }),
    },
    {
      name: '· encodeHcertSync, no signing',
      what: '`encodeHcertSync` of a ready payload (checked against the DCC schema, as for a payload from elsewhere) with a signer that returns a fixed signature',
      component: true,
      fn: () => encodeHcertSync({ payload: sample.payload, kid, sign: noSign, issuedAt: now, expiresAt }),
    },
    {
      name: '· validateDccPayload',
      what: 'the DCC 1.3.0 schema check (zod) `encodeHcertSync` starts with for a payload it did not build',
      component: true,
      fn: () => validateDccPayload(sample.payload),
    },
    {
      name: '· zlibDeflateSync (core)',
      what: `core's synchronous zlib (LZ77, fixed Huffman codes) of the ${cose.length}-byte COSE_Sign1`,
      component: true,
      fn: () => zlibDeflateSync(cose),
    },
    {
      name: '· node:zlib deflateSync',
      what: 'the same bytes with `zlib.deflateSync` (not used by the platform; for comparison)',
      component: true,
      fn: () => deflateSync(cose),
    },
    {
      name: '· zlibDeflate (CompressionStream)',
      what: 'the same bytes with `CompressionStream` (web streams; not used by the platform; for comparison)',
      component: true,
      fn: () => zlibDeflate(cose),
    },
    {
      name: '· what-if: certificate with node:zlib',
      what: 'not the platform: the certificate as above with `zlib.deflateSync` as the compressor — verifies like the real one',
      component: true,
      fn: () => {
        const p = people[i++ % people.length]!;
        return encodeWithDeflateSync(
          buildVaccinationPayload({
            person: { fullName: p.fullName, dateOfBirth: p.dateOfBirth },
            doses: DOSES,
            certificateId: uuidv7(now.getTime()),
          }),
        );
      },
    },
    {
      name: '· base45Encode',
      what: `base45 of the ${deflated.length} deflated bytes`,
      component: true,
      fn: () => base45Encode(deflated),
    },
    {
      name: '· PDF A4 without QR',
      what: "`certificatePdf(view, 'a4')` with `qr: null`: fonts, text and layout only",
      component: true,
      fn: () => certificatePdf(noQr[i++ % noQr.length]!, 'a4'),
    },
    {
      name: '· QR PNG',
      what: "`QRCode.toBuffer(hc1, { errorCorrectionLevel: 'Q', margin: 1, width: 600 })`, as certificates.pdf.ts makes the QR image",
      component: true,
      fn: () => QRCode.toBuffer(views[i++ % views.length]!.qr!, { errorCorrectionLevel: 'Q', margin: 1, width: 600 }),
    },
  ];

  const perRound = new Map<string, TaskRound[]>(tasks.map((t) => [t.name, []]));
  const rawTask = tasks.find((t) => t.name === 'raw ES256 signature')!;
  const certificateTask = tasks.find((t) => t.name === 'certificate (platform)')!;
  const interleavedRounds: CertificatesResults['interleaved']['rounds'][number][] = [];
  for (let round = 0; round < options.rounds; round++) {
    const bench = new Bench({
      time: options.timeMs,
      iterations: 20,
      warmupTime: Math.min(500, options.timeMs / 2),
      warmupIterations: 5,
    });
    for (const t of tasks) bench.add(t.name, t.fn);
    await bench.run();
    for (const task of bench.tasks) {
      const r = task.result;
      if (r.state !== 'completed') throw new Error(`tinybench ${task.name}: ${r.state}`);
      perRound.get(task.name)!.push({
        round,
        samples: r.latency.samplesCount,
        meanMs: r.latency.mean,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        opsPerSecond: 1000 / r.latency.mean,
      });
    }
    const pair = interleave(rawTask.fn, certificateTask.fn, SLICE_MS, 2 * options.timeMs);
    interleavedRounds.push({
      rawPerSecond: pair.aPerSecond,
      certificatesPerSecond: pair.bPerSecond,
      ratio: pair.bPerSecond / pair.aPerSecond,
    });
    const raw = perRound.get('raw ES256 signature')!.at(-1)!;
    const cert = perRound.get('certificate (platform)')!.at(-1)!;
    log(
      `round ${round + 1}: raw ${fmt(raw.opsPerSecond)} signatures/s, certificates ${fmt(cert.opsPerSecond)}/s ` +
        `(${ratio(cert.opsPerSecond / raw.opsPerSecond)}); interleaved ${fmt(pair.aPerSecond)} vs ${fmt(pair.bPerSecond)}/s ` +
        `(${ratio(pair.bPerSecond / pair.aPerSecond)}); PDF A4 ${fmt(perRound.get('PDF A4')!.at(-1)!.opsPerSecond, 1)}/s`,
    );
  }
  const profiles: CertificatesResults['profiles'] = [];
  if (options.profileMs > 0) {
    for (const name of ['certificate (platform)', 'PDF A4']) {
      const t = tasks.find((x) => x.name === name)!;
      const file = path.join(tmpdir(), `certificates-${name.replace(/\W+/g, '-')}-${process.pid}.cpuprofile`);
      profiles.push({ task: name, summary: await profileLoop(t.fn, options.profileMs, file) });
      log(`CPU profile of ${name}: ${file}`);
    }
  }
  const rawRounds = perRound.get('raw ES256 signature')!;
  const results: TaskResult[] = tasks.map((t) => {
    const rounds = perRound.get(t.name)!;
    const ratios = rounds.map((r, k) => r.opsPerSecond / rawRounds[k]!.opsPerSecond);
    return {
      name: t.name,
      what: t.what,
      component: t.component,
      rounds,
      opsPerSecond: median(rounds.map((r) => r.opsPerSecond)),
      meanMs: median(rounds.map((r) => r.meanMs)),
      p50Ms: median(rounds.map((r) => r.p50Ms)),
      p99Ms: median(rounds.map((r) => r.p99Ms)),
      vsRawSignature: median(ratios),
      vsRawSignatureRange: [Math.min(...ratios), Math.max(...ratios)],
    };
  });
  const sequential = results.find((t) => t.name === 'certificate (platform)')!.vsRawSignature;
  const pairRatios = interleavedRounds.map((r) => r.ratio);
  const interleaved: CertificatesResults['interleaved'] = {
    sliceMs: SLICE_MS,
    rounds: interleavedRounds,
    ratio: median(pairRatios),
    range: [Math.min(...pairRatios), Math.max(...pairRatios)],
  };
  const measured = interleaved.ratio;
  const out: CertificatesResults = {
    scenario: 'certificates',
    meta,
    options,
    sample: {
      signedBytes: toSign.length,
      payloadJsonBytes: JSON.stringify(sample.payload).length,
      qrChars: sample.qr.length,
      pdfA4Bytes: pdfA4.length,
      pdfCardBytes: pdfCard.length,
      verified: verified.result,
    },
    tasks: results,
    profiles,
    interleaved,
    target: { ratio: TARGET_RATIO, measured, sequential, met: measured >= TARGET_RATIO },
    failures,
  };
  return { results: out, file: writeResults('certificates', out) };
}

/** Calls `fn` one call at a time for `forMs` under V8's sampling profiler; writes the profile to `file`. */
async function profileLoop(fn: () => unknown, forMs: number, file: string): Promise<ProfileSummary> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    const end = performance.now() + forMs;
    while (performance.now() < end) await fn();
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
  } finally {
    session.disconnect();
  }
  return summarizeProfile(file, 12);
}

/** The Markdown report of a run. */
export function certificatesMarkdown(r: CertificatesResults): string {
  const lines = [
    '### Certificates',
    '',
    `${r.meta.date.slice(0, 10)}, commit \`${r.meta.commit}\`${r.meta.uncommittedChanges ? ' (with uncommitted changes in the tree)' : ''}, ` +
      `${r.meta.machine.cpus} × ${r.meta.machine.cpuModel} (load average ${r.meta.loadAverageAtStart.join(' / ')} at start), Node ${r.meta.node}. ` +
      `One thread, one call at a time (tinybench); ${r.options.rounds} rounds of ${fmt(r.options.timeMs)} ms per task, ` +
      'figures are medians over the rounds; “× raw” is the median over the rounds of the task’s ops/s ÷ the raw signatures/s of the same round.',
    '',
    `Sample certificate: Sig_structure ${r.sample.signedBytes} bytes, payload JSON ${r.sample.payloadJsonBytes} bytes, ` +
      `QR text ${r.sample.qrChars} characters, verifies: ${r.sample.verified}; PDF A4 ${fmt(r.sample.pdfA4Bytes / 1024)} KiB, card ${fmt(r.sample.pdfCardBytes / 1024)} KiB.`,
    '',
    markdownTable(
      ['Task', 'ops/s', 'mean ms', 'p50 ms', 'p99 ms', '× raw signature', '(min–max)', 'What'],
      r.tasks.map((t) => [
        t.component ? t.name : `**${t.name}**`,
        fmt(t.opsPerSecond, t.opsPerSecond < 100 ? 1 : 0),
        fmt(t.meanMs, t.meanMs < 1 ? 3 : 2),
        fmt(t.p50Ms, t.p50Ms < 1 ? 3 : 2),
        ms(t.p99Ms),
        ratio(t.vsRawSignature),
        `${ratio(t.vsRawSignatureRange[0])}–${ratio(t.vsRawSignatureRange[1])}`,
        t.what,
      ]),
    ),
    '',
    `Interleaved (raw signatures and certificates alternating in ${r.interleaved.sliceMs}-ms slices, ` +
      `${fmt((2 * r.options.timeMs) / 1000, 1)} s per round): ` +
      r.interleaved.rounds
        .map((x) => `${fmt(x.rawPerSecond)} vs ${fmt(x.certificatesPerSecond)}/s = ${ratio(x.ratio)}`)
        .join('; ') +
      `; median **${ratio(r.interleaved.ratio)}** (${ratio(r.interleaved.range[0])}–${ratio(r.interleaved.range[1])}).`,
    '',
    markdownTable(
      ['Target', 'measured (interleaved)', 'sequential (tinybench)', 'met'],
      [
        [
          `certificates/s ≥ ${r.target.ratio} × raw signatures/s`,
          ratio(r.target.measured),
          ratio(r.target.sequential),
          r.target.met ? '✓' : '✗',
        ],
      ],
    ),
  ];
  for (const { task, summary: p } of r.profiles) {
    const share = (v: number) => `${fmt((v / Math.max(1e-9, p.busyMs)) * 100, 1)} %`;
    lines.push(
      '',
      `CPU profile of “${task}”, ${fmt(p.durationMs / 1000, 1)} s of back-to-back calls (busy ${fmt(p.busyMs)} ms; self time):`,
      '',
      markdownTable(
        ['Code', 'self ms', 'share of busy'],
        p.byGroup
          .filter((g) => g.name !== '(idle)')
          .slice(0, 8)
          .map((g) => [g.name, fmt(g.ms), share(g.ms)]),
      ),
      '',
      markdownTable(
        ['Function', 'self ms', 'share of busy'],
        p.topFunctions.slice(0, 10).map((f) => [`\`${f.name}\``, fmt(f.ms), share(f.ms)]),
      ),
    );
  }
  if (r.failures.length) lines.push('', '**Failed checks:**', '', ...r.failures.map((f) => `- ${f}`));
  return lines.join('\n');
}

/** CLI: runs, prints the report, sets a non-zero exit code on a failed check. */
export async function main(argv: readonly string[]): Promise<CertificatesResults> {
  const { results, file } = await runCertificates(parseCertificatesArgs(argv));
  console.log(certificatesMarkdown(results));
  reportOutcome(file, results.failures);
  return results;
}

await runIfEntry(import.meta.url, main);
