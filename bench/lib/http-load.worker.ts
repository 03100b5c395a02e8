/**
 * Worker thread running autocannon, so that the load generator has its own event loop and does
 * not compete with the server under test for the main thread. Receives a {@link HttpLoadJob} as
 * `workerData`, posts back a {@link HttpLoadOutcome}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import type { HttpLoadJob, HttpLoadMessage, HttpLoadOutcome, SequenceOutcome } from './http-load.js';

const job = workerData as HttpLoadJob;

// Off the main thread autocannon returns its raw, encoded histograms (it expects to be one of its
// own workers); `aggregateResult` turns them into the usual result, as its main thread does.
const aggregateResult = (
  autocannon as unknown as { aggregateResult(r: unknown[], o: autocannon.Options): autocannon.Result }
).aggregateResult;

/** State of a sequenced job across its warm-up and measured runs. */
const seq = {
  next: 0,
  acknowledged: [] as number[],
  exhausted: false,
  warmup: true,
  warmupResponses: 0,
  warmupNon2xx: 0,
  responses: 0,
};

const ipOf = (n: number) => `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const fill = (template: string, n: number, item: string | undefined) =>
  template
    .replaceAll('{n}', String(n))
    .replaceAll('{item}', item ?? '')
    .replaceAll('{ip}', ipOf(n));

/** The autocannon request list of the job: round robin over paths, or one templated request each time. */
function requestsOf(stop: () => void): autocannon.Request[] {
  const s = job.sequence;
  if (!s) {
    const paths = job.paths ?? ['/'];
    let next = 0;
    return [
      {
        method: 'GET',
        setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }),
      },
    ];
  }
  const items = s.items;
  return [
    {
      method: s.method,
      setupRequest: (request, context) => {
        if (items && !s.cycle && seq.next >= items.length) {
          // Never reuse an item (a second dose for the same person would be another request).
          if (!seq.exhausted) {
            seq.exhausted = true;
            stop();
          }
          // Anything already built stays valid: repeat the last item's request, which is refused.
          return { ...request, path: '/__bench_exhausted' };
        }
        const n = s.start + seq.next;
        const item = items?.[s.cycle ? seq.next % items.length : seq.next];
        seq.next++;
        (context as { n?: number }).n = n;
        const headers: Record<string, string> = {
          ...(request.headers as Record<string, string>),
          'content-type': 'application/json',
        };
        for (const [k, v] of Object.entries(s.headerTemplates)) headers[k] = fill(v, n, item);
        return { ...request, path: fill(s.pathTemplate, n, item), headers, body: fill(s.bodyTemplate, n, item) };
      },
      onResponse: (status, _body, context) => {
        const n = (context as { n?: number }).n;
        seq.responses++;
        if (seq.warmup) {
          seq.warmupResponses++;
          if (status < 200 || status >= 300) seq.warmupNon2xx++;
        }
        if (n !== undefined && status >= 200 && status < 300) seq.acknowledged.push(n);
      },
    },
  ];
}

/** Runs autocannon once (warm-up or measured). */
function fire(durationS: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    let instance: autocannon.Instance | null = null;
    let stopRequested = false;
    const options: autocannon.Options = {
      url: job.origin,
      connections: job.connections,
      duration: durationS,
      timeout: job.timeoutS,
      headers: job.headers,
      requests: requestsOf(() => {
        stopRequested = true;
        instance?.stop();
      }),
    };
    instance = autocannon(options, (err: unknown, raw: unknown) => {
      if (err) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve(aggregateResult([raw], options));
    });
    if (stopRequested) instance.stop();
  });
}

if (job.warmupS > 0) await fire(job.warmupS);
seq.warmup = false;
parentPort?.postMessage({ type: 'measure-start' } satisfies HttpLoadMessage);
const r = seq.exhausted ? null : await fire(job.durationS);
parentPort?.postMessage({ type: 'measure-end' } satisfies HttpLoadMessage);
const outcome: HttpLoadOutcome = r
  ? {
      durationS: r.duration,
      requests: r.requests.total,
      requestsPerSecond: r.requests.total / r.duration,
      latencyMs: { mean: r.latency.mean, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
      status2xx: r['2xx'],
      non2xx: r.non2xx,
      statusCodes: Object.fromEntries(
        Object.entries(r.statusCodeStats ?? {}).map(([code, s]) => [code, s?.count ?? 0] as const),
      ),
      errors: r.errors,
      timeouts: r.timeouts,
      unfinished: Math.max(0, r.requests.sent - r.requests.total - r.errors),
      ...(job.sequence ? { sequence: sequenceOutcome() } : {}),
    }
  : {
      durationS: 0,
      requests: 0,
      requestsPerSecond: 0,
      latencyMs: { mean: 0, p50: 0, p99: 0, max: 0 },
      status2xx: 0,
      non2xx: 0,
      statusCodes: {},
      errors: 0,
      timeouts: 0,
      unfinished: 0,
      sequence: sequenceOutcome(),
    };
parentPort?.postMessage({ type: 'outcome', outcome } satisfies HttpLoadMessage);

function sequenceOutcome(): SequenceOutcome {
  return {
    used: seq.next,
    acknowledged: seq.acknowledged.sort((a, b) => a - b),
    warmupNon2xx: seq.warmupNon2xx,
    warmupResponses: seq.warmupResponses,
    responses: seq.responses,
    exhausted: seq.exhausted,
  };
}
