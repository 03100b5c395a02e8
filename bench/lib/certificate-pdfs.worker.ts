/**
 * Worker thread of `bench/certificate-pdfs.ts`: writes certificate PDFs one after another with one
 * writer, after a warm-up, for as long as asked once the main thread says go (so that the threads
 * of a run measure the same seconds). Receives a {@link PdfThreadJob}, posts `ready`, then a
 * {@link PdfThreadOutcome}, and exits.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { certificatePdf, pdfkitPdf } from '../../apps/server/src/modules/certificates/certificates.pdf.js';
import type { PdfThreadJob, PdfThreadOutcome } from '../certificate-pdfs.js';

const job = workerData as PdfThreadJob;
const port = parentPort!;
const write =
  job.writer === 'template'
    ? (i: number) => certificatePdf(job.views[i % job.views.length]!, job.layout)
    : (i: number) => pdfkitPdf([job.views[i % job.views.length]!], job.layout);

let i = 0;
const warmEnd = performance.now() + job.warmupMs;
while (performance.now() < warmEnd) await write(i++);
port.once('message', async () => {
  const latencies: number[] = [];
  const start = performance.now();
  let now = start;
  while (now - start < job.ms) {
    await write(i++);
    const end = performance.now();
    latencies.push(end - now);
    now = end;
  }
  const outcome: PdfThreadOutcome = { pdfs: latencies.length, elapsedMs: now - start, latencies };
  port.postMessage(outcome);
});
port.postMessage('ready');
