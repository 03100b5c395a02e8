/**
 * HTTP load with autocannon, run in a worker thread (see `http-load.worker.ts`): a warm-up, then
 * a measured run of fixed duration with a fixed number of connections. Requests either take the
 * next path of a pre-drawn list (round robin, `paths`), or are built one by one from templates
 * and a list of items that are never reused (`sequence`: each dose for a different person).
 */
import { Worker } from 'node:worker_threads';

/**
 * Requests made from templates, each with its own sequence number `n` (from `start` on) and, when
 * `items` is given, its own item (`items[n - start]`, never reused unless `cycle`). In the
 * templates `{n}` is replaced by the sequence number, `{item}` by the item and `{ip}` by an IPv4
 * address made from `n` (`10.x.y.z`: a different client address per request behind a trusted proxy).
 */
export interface SequencedRequests {
  readonly method: 'POST' | 'PUT' | 'PATCH';
  readonly pathTemplate: string;
  readonly bodyTemplate: string;
  /** Extra headers per request, e.g. `{ 'idempotency-key': 'bench-{n}' }`. */
  readonly headerTemplates: Readonly<Record<string, string>>;
  /** The first sequence number of this job. */
  readonly start: number;
  /** One item per request, used once; when they run out the run stops and `exhausted` is set. */
  readonly items?: readonly string[];
  /** Reuse the items round robin instead (the run never stops early). */
  readonly cycle?: boolean;
}

/** What the worker is asked to do. */
export interface HttpLoadJob {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** GET request paths with their query strings; requests go round robin over them. */
  readonly paths?: readonly string[];
  /** Or requests built from templates (see {@link SequencedRequests}). */
  readonly sequence?: SequencedRequests;
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
  /** Responses by status code, e.g. `{ "201": 12000 }`. */
  readonly statusCodes: Readonly<Record<string, number>>;
  /** Connection errors, timeouts included. */
  readonly errors: number;
  readonly timeouts: number;
  /**
   * Requests sent but neither answered nor failed when the run stopped. Their latency is not in
   * the percentiles, so when this is not 0 the p99 of a slow scenario is a lower bound.
   */
  readonly unfinished: number;
  /** Sequenced requests only: everything the job sent, warm-up included. */
  readonly sequence?: SequenceOutcome;
}

/** What a sequenced job used up and what was acknowledged, warm-up included. */
export interface SequenceOutcome {
  /** Sequence numbers handed out: `start` … `start + used - 1` (the next job starts after them). */
  readonly used: number;
  /** Sequence numbers whose response was 2xx, ascending. */
  readonly acknowledged: number[];
  /** Responses of the warm-up run that were not 2xx. */
  readonly warmupNon2xx: number;
  /** Responses, 2xx or not, received for requests of the warm-up run. */
  readonly warmupResponses: number;
  /** Responses received, warm-up and measured run: `used − responses` requests got none (cut off, errors). */
  readonly responses: number;
  /** True when `items` ran out (the run was stopped early). */
  readonly exhausted: boolean;
}

/** Called when the measured run starts and ends (after the warm-up), e.g. to read CPU counters. */
export interface HttpLoadHooks {
  readonly onMeasureStart?: () => void;
  readonly onMeasureEnd?: () => void;
}

/** Messages of the worker: the measured run's start and end, then the outcome. */
export type HttpLoadMessage =
  | { readonly type: 'measure-start' }
  | { readonly type: 'measure-end' }
  | { readonly type: 'outcome'; readonly outcome: HttpLoadOutcome };

/** Runs one load job in a fresh worker thread and resolves with its measured outcome. */
export function runHttpLoad(job: HttpLoadJob, hooks: HttpLoadHooks = {}): Promise<HttpLoadOutcome> {
  return new Promise((resolve, reject) => {
    // Node 20 does not apply the `--import tsx` hooks to a worker's entry module: the worker is a
    // small script that registers tsx, then imports the TypeScript entry.
    const entry = new URL('./http-load.worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(boot, { eval: true, workerData: job });
    let outcome: HttpLoadOutcome | null = null;
    worker.on('message', (m: HttpLoadMessage) => {
      if (m.type === 'measure-start') hooks.onMeasureStart?.();
      else if (m.type === 'measure-end') hooks.onMeasureEnd?.();
      else outcome = m.outcome;
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (outcome) resolve(outcome);
      else reject(new Error(`the load worker exited (code ${code}) without a result`));
    });
  });
}
