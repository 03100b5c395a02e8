/**
 * Worker thread running autocannon, so that the load generator has its own event loop and does
 * not compete with the server under test for the main thread. Receives a {@link HttpLoadJob} as
 * `workerData`, posts back a {@link HttpLoadOutcome}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import autocannon from 'autocannon';
import type { HttpLoadJob, HttpLoadOutcome } from './http-load.js';

const job = workerData as HttpLoadJob;

// Off the main thread autocannon returns its raw, encoded histograms (it expects to be one of its
// own workers); `aggregateResult` turns them into the usual result, as its main thread does.
const aggregateResult = (
  autocannon as unknown as { aggregateResult(r: unknown[], o: autocannon.Options): autocannon.Result }
).aggregateResult;

/** Runs autocannon once over the job's paths (each request takes the next path, round robin). */
async function fire(durationS: number): Promise<autocannon.Result> {
  let next = 0;
  const paths = job.paths;
  const options: autocannon.Options = {
    url: job.origin,
    connections: job.connections,
    duration: durationS,
    timeout: job.timeoutS,
    headers: job.headers,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          const path = paths[next++ % paths.length]!;
          return { ...request, path };
        },
      },
    ],
  };
  const raw: unknown = await autocannon(options);
  return aggregateResult([raw], options);
}

if (job.warmupS > 0) await fire(job.warmupS);
const r = await fire(job.durationS);
const outcome: HttpLoadOutcome = {
  durationS: r.duration,
  requests: r.requests.total,
  requestsPerSecond: r.requests.total / r.duration,
  latencyMs: { mean: r.latency.mean, p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
  status2xx: r['2xx'],
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
  unfinished: Math.max(0, r.requests.sent - r.requests.total - r.errors),
};
parentPort?.postMessage(outcome);
