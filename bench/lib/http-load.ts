/**
 * HTTP load with autocannon, run in a worker thread (see `http-load.worker.ts`): a warm-up, then
 * a measured run of fixed duration with a fixed number of connections, each request taking the
 * next path of a pre-drawn list.
 */
import { Worker } from 'node:worker_threads';

/** What the worker is asked to do. */
export interface HttpLoadJob {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** Request paths with their query strings; requests go round robin over them. */
  readonly paths: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly durationS: number;
  /** A run of this length first, not measured (0: none). */
  readonly warmupS: number;
  /** Seconds before a request counts as timed out. */
  readonly timeoutS: number;
}

/** The measured run, reduced to what the reports use. */
export interface HttpLoadOutcome {
  readonly durationS: number;
  /** Responses received. */
  readonly requests: number;
  /** Responses received per second of the measured run. */
  readonly requestsPerSecond: number;
  readonly latencyMs: { readonly mean: number; readonly p50: number; readonly p99: number; readonly max: number };
  readonly status2xx: number;
  readonly non2xx: number;
  /** Connection errors, timeouts included. */
  readonly errors: number;
  readonly timeouts: number;
  /**
   * Requests sent but neither answered nor failed when the run stopped. Their latency is not in
   * the percentiles, so when this is not 0 the p99 of a slow scenario is a lower bound.
   */
  readonly unfinished: number;
}

/** Runs one load job in a fresh worker thread and resolves with its measured outcome. */
export function runHttpLoad(job: HttpLoadJob): Promise<HttpLoadOutcome> {
  return new Promise((resolve, reject) => {
    // Node 20 does not apply the `--import tsx` hooks to a worker's entry module: the worker is a
    // small script that registers tsx, then imports the TypeScript entry.
    const entry = new URL('./http-load.worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: job });
    let outcome: HttpLoadOutcome | null = null;
    worker.once('message', (m: HttpLoadOutcome) => {
      outcome = m;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (outcome) resolve(outcome);
      else reject(new Error(`the load worker exited (code ${code}) without a result`));
    });
  });
}
