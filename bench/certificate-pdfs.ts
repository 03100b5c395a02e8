/**
 * Benchmark: certificate PDFs, the template writer (`certificates.pdf-template.ts`, what
 * `certificatePdf` and `batchPdf` use) against pdfkit (`pdfkitPdf`, their fallback) in the same
 * run — issue 19's target is ≥ 250 A4 PDFs/s with p99 < 100 ms. A4, card and a session's batch,
 * the two writers alternating call by call so that both see the same machine; then PDFs/s of each
 * writer in 1 and 2 worker threads at once; and the QR code, `qrcode` choosing its mask and
 * segments against the certificate's fixed mask and one alphanumeric segment. Certificates of 20
 * people with the QR code of a real signed HC1, 3 doses (as `bench/certificates.ts` makes them).
 *
 *   node --conditions=source --import tsx bench/certificate-pdfs.ts [--quick] [--samples N]
 *     [--batch N] [--batches N] [--passes N] [--thread-time MS]
 *
 * Writes bench/results/certificate-pdfs.json and prints Markdown tables. Exits non-zero when the
 * template writer left a sample certificate to pdfkit or a PDF is not a PDF.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { buildVaccinationPayload, encodeHcertSync, makeUvci, syntheticPopulation, uuidv7 } from '@tiemchung/core';
import QRCode from 'qrcode';
import { batchPdf, certificatePdf, pdfkitPdf } from '../apps/server/src/modules/certificates/certificates.pdf.js';
import { certificateQr, type Layout } from '../apps/server/src/modules/certificates/certificates.pdf-content.js';
import { templatePdf } from '../apps/server/src/modules/certificates/certificates.pdf-template.js';
import type { CertificateView } from '../apps/server/src/modules/certificates/certificates.service.js';
import { CERTIFICATE_VALIDITY_DAYS } from '../apps/server/src/modules/certificates/keys.service.js';
import { DOSES, nodeSigner, viewOf } from './certificates.js';
import { numberOption } from './lib/args.js';
import { fmt, markdownTable, type RunMeta, reportOutcome, runIfEntry, runMeta, writeResults } from './lib/report.js';

/** Issue 19's target. */
export const TARGET = { pdfsPerSecond: 250, p99Ms: 100 } as const;

/** Options of the certificate PDFs benchmark. */
export interface CertificatePdfsOptions {
  readonly quick: boolean;
  /** Calls of each writer per pass, A4 and card each. */
  readonly samples: number;
  /** Certificates in a batch. */
  readonly batch: number;
  /** Batches of each writer per pass. */
  readonly batches: number;
  /** Passes over all of it (the first one also warms the code up). */
  readonly passes: number;
  /** Milliseconds each worker-thread run measures (0: no thread runs). */
  readonly threadMs: number;
}

/** Command-line options (shared names mean the same in every scenario; see run.ts). */
export const certificatePdfsOptionsSpec = {
  quick: { type: 'boolean' },
  samples: { type: 'string' },
  batch: { type: 'string' },
  batches: { type: 'string' },
  passes: { type: 'string' },
  'thread-time': { type: 'string' },
  help: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

const USAGE = `usage: certificate-pdfs [--quick] [--samples N] [--batch N] [--batches N] [--passes N] [--thread-time MS]
  --quick           60 calls, 2 batches, 1 pass, 1 s thread runs (a smoke run)
  --samples N       calls of each writer per pass, A4 and card each (default 200)
  --batch N         certificates in a batch (default 200)
  --batches N       batches of each writer per pass (default 4)
  --passes N        passes (default 2)
  --thread-time MS  measured time of each worker-thread run (default 3000; 0: none)`;

/** Parses the command line (unknown options are an error). */
export function parseCertificatePdfsArgs(argv: readonly string[]): CertificatePdfsOptions {
  const { values } = parseArgs({ args: [...argv], strict: true, options: certificatePdfsOptionsSpec });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const num = numberOption(USAGE);
  const quick = values.quick ?? false;
  return {
    quick,
    samples: Math.floor(num('samples', values.samples, quick ? 60 : 200, 2)),
    batch: Math.floor(num('batch', values.batch, 200, 1)),
    batches: Math.floor(num('batches', values.batches, quick ? 2 : 4, 1)),
    passes: Math.floor(num('passes', values.passes, quick ? 1 : 2, 1)),
    threadMs: num('thread-time', values['thread-time'], quick ? 1000 : 3000, 0),
  };
}

/** Latencies summarised; `perSecond` counts PDFs (pages for a batch). */
interface Summary {
  readonly calls: number;
  readonly meanMs: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly perSecond: number;
}

function summarise(latencies: readonly number[], pagesPerCall = 1): Summary {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const meanMs = sorted.reduce((t, v) => t + v, 0) / sorted.length;
  return { calls: sorted.length, meanMs, p50Ms: at(0.5), p99Ms: at(0.99), perSecond: (1000 * pagesPerCall) / meanMs };
}

/** One case of a pass: both writers, measured alternately. */
interface CaseResult {
  readonly name: string;
  readonly pass: number;
  /** Certificates per call (1, or the batch's size). */
  readonly pages: number;
  readonly pdfkit: Summary;
  readonly template: Summary;
}

/** What a worker thread is asked to do. */
export interface PdfThreadJob {
  readonly writer: 'pdfkit' | 'template';
  readonly layout: Layout;
  readonly views: readonly CertificateView[];
  readonly warmupMs: number;
  readonly ms: number;
}

/** What a worker thread measured. */
export interface PdfThreadOutcome {
  readonly pdfs: number;
  readonly elapsedMs: number;
  readonly latencies: readonly number[];
}

/** A worker-thread run: `threads` threads writing A4 PDFs with one writer at once. */
interface ThreadResult {
  readonly writer: PdfThreadJob['writer'];
  readonly threads: number;
  readonly pdfsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** The whole result file. */
export interface CertificatePdfsResults {
  readonly scenario: 'certificate-pdfs';
  readonly meta: RunMeta;
  readonly options: CertificatePdfsOptions;
  readonly sample: {
    readonly qrChars: number;
    readonly bytes: Record<'a4' | 'card', { readonly pdfkit: number; readonly template: number }>;
    readonly batchBytes: { readonly pdfkit: number; readonly template: number };
  };
  readonly cases: CaseResult[];
  readonly threads: ThreadResult[];
  readonly qr: { readonly qrcodeOwnChoice: Summary; readonly certificateQr: Summary };
  readonly target: { readonly pdfsPerSecond: number; readonly p99Ms: number; readonly met: boolean };
  readonly failures: string[];
}

const log = (line: string) => console.error(`[certificate-pdfs] ${line}`);

/** Calls `a` and `b` `n` times each, alternating (and which goes first), timing each call. */
async function alternate(
  a: (i: number) => Promise<unknown>,
  b: (i: number) => Promise<unknown>,
  n: number,
): Promise<[number[], number[]]> {
  const times: [number[], number[]] = [[], []];
  const fns = [a, b] as const;
  for (let i = 0; i < n; i++) {
    for (const k of i % 2 ? [1, 0] : [0, 1]) {
      const start = performance.now();
      await fns[k]!(i);
      times[k]!.push(performance.now() - start);
    }
  }
  return times;
}

/** Runs `threads` worker threads writing A4 PDFs with `writer`, all measuring the same `ms`. */
async function runThreads(
  writer: PdfThreadJob['writer'],
  threads: number,
  views: readonly CertificateView[],
  ms: number,
): Promise<ThreadResult> {
  // As in lib/http-load.ts: the worker registers tsx, then imports the TypeScript entry.
  const entry = new URL('./lib/certificate-pdfs.worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
  const job: PdfThreadJob = { writer, layout: 'a4', views, warmupMs: 1000, ms };
  const workers = Array.from({ length: threads }, () => {
    const worker = new Worker(boot, { eval: true, workerData: job });
    let outcome: PdfThreadOutcome | null = null;
    let onReady = () => {};
    const ready = new Promise<void>((resolve) => {
      onReady = resolve;
    });
    worker.on('message', (m: 'ready' | PdfThreadOutcome) => {
      if (m === 'ready') onReady();
      else outcome = m;
    });
    const result = new Promise<PdfThreadOutcome>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (outcome) resolve(outcome);
        else reject(new Error(`a PDF worker exited (code ${code}) without a result`));
      });
    });
    return { worker, ready, result };
  });
  // Every thread warmed up before any measures.
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.worker.postMessage('go');
  const results = await Promise.all(workers.map((w) => w.result));
  const latencies = results.flatMap((r) => r.latencies);
  const all = summarise(latencies);
  return {
    writer,
    threads,
    pdfsPerSecond: results.reduce((t, r) => t + (r.pdfs / r.elapsedMs) * 1000, 0),
    p50Ms: all.p50Ms,
    p99Ms: all.p99Ms,
  };
}

/** Runs the benchmark; returns the results (also written to bench/results/certificate-pdfs.json). */
export async function runCertificatePdfs(
  options: CertificatePdfsOptions,
): Promise<{ results: CertificatePdfsResults; file: string }> {
  const meta = runMeta();
  log(
    `commit ${meta.commit}, ${meta.machine.cpus} CPUs, Node ${meta.node}, load average ${meta.loadAverageAtStart.join(' ')}`,
  );
  const failures: string[] = [];

  // 20 people's certificates, each with the QR code of its own signed HC1 (the key need not be in
  // a trust list: nothing here verifies it).
  const now = new Date();
  const expiresAt = new Date(now.getTime() + CERTIFICATE_VALIDITY_DAYS * 86_400_000);
  const sign = nodeSigner(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
  const kid = new Uint8Array(randomBytes(8));
  const views = [...syntheticPopulation('bench-v1/certificate-pdfs', 20)].map((p) => {
    const id = uuidv7(now.getTime());
    const payload = buildVaccinationPayload({
      person: { fullName: p.fullName, dateOfBirth: p.dateOfBirth },
      doses: DOSES,
      certificateId: id,
    });
    const qr = encodeHcertSync({ payload, kid, sign, issuedAt: now, expiresAt, payloadValidated: true });
    return viewOf(p, qr, makeUvci(id), now, expiresAt);
  });
  const batchOf = (i: number) =>
    Array.from({ length: options.batch }, (_, k) => views[(i * options.batch + k) % views.length]!);

  const bytes = { a4: { pdfkit: 0, template: 0 }, card: { pdfkit: 0, template: 0 } };
  for (const layout of ['a4', 'card'] as const) {
    for (const v of views)
      if (!templatePdf([v], layout)) failures.push(`the template left ${v.person.fullName}'s ${layout} to pdfkit`);
    const pdfkit = await pdfkitPdf([views[0]!], layout);
    const template = await certificatePdf(views[0]!, layout);
    for (const pdf of [pdfkit, template])
      if (pdf.subarray(0, 5).toString() !== '%PDF-') failures.push(`a ${layout} PDF does not start with %PDF-`);
    bytes[layout] = { pdfkit: pdfkit.length, template: template.length };
  }
  const batchBytes = {
    pdfkit: (await pdfkitPdf(batchOf(0), 'a4')).length,
    template: (await batchPdf(batchOf(0), 'a4')).length,
  };
  log(
    `sample: QR ${views[0]!.qr!.length} characters; A4 ${fmt(bytes.a4.pdfkit / 1024)} KiB with pdfkit, ` +
      `${fmt(bytes.a4.template / 1024)} KiB from the template; batch of ${options.batch} ` +
      `${fmt(batchBytes.pdfkit / 1024)} / ${fmt(batchBytes.template / 1024)} KiB`,
  );

  // Warm-up: both writers, both layouts.
  for (const layout of ['a4', 'card'] as const)
    await alternate(
      (i) => pdfkitPdf([views[i % views.length]!], layout),
      (i) => certificatePdf(views[i % views.length]!, layout),
      20,
    );

  const cases: CaseResult[] = [];
  for (let pass = 1; pass <= options.passes; pass++) {
    for (const layout of ['a4', 'card'] as const) {
      const [pdfkit, template] = await alternate(
        (i) => pdfkitPdf([views[i % views.length]!], layout),
        (i) => certificatePdf(views[i % views.length]!, layout),
        options.samples,
      );
      cases.push({
        name: layout === 'a4' ? 'A4' : 'card',
        pass,
        pages: 1,
        pdfkit: summarise(pdfkit),
        template: summarise(template),
      });
    }
    const [pdfkit, template] = await alternate(
      (i) => pdfkitPdf(batchOf(i), 'a4'),
      (i) => batchPdf(batchOf(i), 'a4'),
      options.batches,
    );
    cases.push({
      name: `batch of ${options.batch} A4`,
      pass,
      pages: options.batch,
      pdfkit: summarise(pdfkit, options.batch),
      template: summarise(template, options.batch),
    });
    for (const c of cases.filter((x) => x.pass === pass))
      log(
        `pass ${pass}, ${c.name}: pdfkit ${fmt(c.pdfkit.meanMs, 2)} ms (${fmt(c.pdfkit.perSecond)}/s), ` +
          `template ${fmt(c.template.meanMs, 2)} ms (${fmt(c.template.perSecond)}/s)`,
      );
  }

  const threads: ThreadResult[] = [];
  if (options.threadMs > 0)
    for (const writer of ['pdfkit', 'template'] as const)
      for (const n of [1, 2]) {
        const r = await runThreads(writer, n, views, options.threadMs);
        threads.push(r);
        log(`${writer}, ${n} thread(s): ${fmt(r.pdfsPerSecond)} A4 PDFs/s, p99 ${fmt(r.p99Ms, 1)} ms`);
      }

  const qrTexts = views.map((v) => v.qr!);
  const [own, fixed] = await alternate(
    async (i) => QRCode.create(qrTexts[i % qrTexts.length]!, { errorCorrectionLevel: 'Q' }),
    async (i) => certificateQr(qrTexts[i % qrTexts.length]!),
    options.samples,
  );

  const last = cases.filter((c) => c.pass === options.passes && c.name === 'A4')[0]!;
  const out: CertificatePdfsResults = {
    scenario: 'certificate-pdfs',
    meta,
    options,
    sample: { qrChars: views[0]!.qr!.length, bytes, batchBytes },
    cases,
    threads,
    qr: { qrcodeOwnChoice: summarise(own), certificateQr: summarise(fixed) },
    target: {
      ...TARGET,
      met: last.template.perSecond >= TARGET.pdfsPerSecond && last.template.p99Ms < TARGET.p99Ms,
    },
    failures,
  };
  return { results: out, file: writeResults('certificate-pdfs', out) };
}

/** The Markdown report of a run. */
export function certificatePdfsMarkdown(r: CertificatePdfsResults): string {
  const ms = (v: number) => fmt(v, v < 10 ? 2 : 1);
  const row = (c: CaseResult, writer: 'pdfkit' | 'template') => {
    const s = c[writer];
    return [
      c.name,
      String(c.pass),
      writer,
      ms(s.meanMs / c.pages),
      ms(s.p50Ms / c.pages),
      c.pages > 1 ? '—' : ms(s.p99Ms),
      fmt(s.perSecond, s.perSecond < 100 ? 1 : 0),
      String(s.calls),
    ];
  };
  const lines = [
    '### Certificate PDFs: template writer and pdfkit',
    '',
    `${r.meta.date.slice(0, 10)}, commit \`${r.meta.commit}\`${r.meta.uncommittedChanges ? ' (with uncommitted changes in the tree)' : ''}, ` +
      `${r.meta.machine.cpus} × ${r.meta.machine.cpuModel} (load average ${r.meta.loadAverageAtStart.join(' / ')} at start), Node ${r.meta.node}. ` +
      'One thread, the two writers alternating call by call; a batch’s figures are per page.',
    '',
    `QR text ${r.sample.qrChars} characters; A4 ${fmt(r.sample.bytes.a4.pdfkit / 1024)} KiB with pdfkit, ${fmt(r.sample.bytes.a4.template / 1024)} KiB from the template; ` +
      `card ${fmt(r.sample.bytes.card.pdfkit / 1024)} / ${fmt(r.sample.bytes.card.template / 1024)} KiB; ` +
      `batch of ${r.options.batch} A4 ${fmt(r.sample.batchBytes.pdfkit / 1024)} / ${fmt(r.sample.batchBytes.template / 1024)} KiB.`,
    '',
    markdownTable(
      ['Case', 'pass', 'writer', 'mean ms', 'p50 ms', 'p99 ms', 'PDFs/s', 'calls'],
      r.cases.flatMap((c) => [row(c, 'pdfkit'), row(c, 'template')]),
    ),
  ];
  if (r.threads.length)
    lines.push(
      '',
      'A4 PDFs in worker threads at once (each thread one call at a time):',
      '',
      markdownTable(
        ['writer', 'threads', 'PDFs/s', 'p50 ms', 'p99 ms'],
        r.threads.map((t) => [t.writer, String(t.threads), fmt(t.pdfsPerSecond), ms(t.p50Ms), ms(t.p99Ms)]),
      ),
    );
  const qrRow = (name: string, q: Summary) => [name, fmt(q.meanMs, 3), fmt(q.p50Ms, 3), fmt(q.p99Ms, 3)];
  lines.push(
    '',
    markdownTable(
      ['QR code', 'mean ms', 'p50 ms', 'p99 ms'],
      [
        qrRow(
          "`qrcode` choosing mask and segments (`QRCode.create(text, { errorCorrectionLevel: 'Q' })`)",
          r.qr.qrcodeOwnChoice,
        ),
        qrRow('`certificateQr`: mask 6, one alphanumeric segment', r.qr.certificateQr),
      ],
    ),
    '',
    `Target: A4 from the template ≥ ${r.target.pdfsPerSecond}/s with p99 < ${r.target.p99Ms} ms (last pass): ${r.target.met ? '✓' : '✗'}`,
  );
  if (r.failures.length) lines.push('', '**Failed checks:**', '', ...r.failures.map((f) => `- ${f}`));
  return lines.join('\n');
}

/** CLI: runs, prints the report, sets a non-zero exit code on a failed check. */
export async function main(argv: readonly string[]): Promise<CertificatePdfsResults> {
  const { results, file } = await runCertificatePdfs(parseCertificatePdfsArgs(argv));
  console.log(certificatePdfsMarkdown(results));
  reportOutcome(file, results.failures);
  return results;
}

await runIfEntry(import.meta.url, main);
