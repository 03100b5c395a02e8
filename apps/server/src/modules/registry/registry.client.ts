import type { IdentityQuery, MismatchField, PopulationRegistry, VerificationOutcome } from './registry.types.js';

export interface RegistryClientOptions {
  /** Base URL of the registry service, e.g. http://127.0.0.1:3900. */
  readonly url: string;
  readonly timeoutMs: number;
  /** Further attempts after a failure that may pass on retry (network error, timeout, 5xx). */
  readonly retries: number;
  /** Consecutive failed calls that open the circuit. */
  readonly breakerThreshold: number;
  /** How long an open circuit answers `unavailable` without calling. */
  readonly breakerCooldownMs: number;
  readonly source?: string;
  readonly now?: () => number;
}

/**
 * HTTP client of the population registry, with a per-attempt timeout, retries with backoff and a
 * circuit breaker: when the registry is down, verifications answer `unavailable` at once instead
 * of making every desk wait for time-outs; after the cool-down one trial call decides.
 */
export class HttpPopulationRegistry implements PopulationRegistry {
  readonly source: string;
  readonly #o: RegistryClientOptions;
  #failures = 0;
  #openUntil = 0;

  constructor(options: RegistryClientOptions) {
    this.#o = options;
    this.source = options.source ?? `registry:${new URL(options.url).host}`;
  }

  /** `closed`, `open` (failing fast) or `half-open` (the next call is a trial). */
  get breakerState(): 'closed' | 'open' | 'half-open' {
    if (this.#failures < this.#o.breakerThreshold) return 'closed';
    return this.#now() < this.#openUntil ? 'open' : 'half-open';
  }

  async verify(query: IdentityQuery): Promise<VerificationOutcome> {
    if (this.breakerState === 'open') return { status: 'unavailable', reason: 'circuit_open' };
    let lastReason = 'unknown';
    for (let attempt = 0; attempt <= this.#o.retries; attempt++) {
      if (attempt > 0) await sleep(Math.min(1000, 100 * 2 ** (attempt - 1)));
      const r = await this.#attempt(query);
      if (r.kind === 'answer') {
        this.#failures = 0;
        return r.outcome;
      }
      lastReason = r.reason;
      if (!r.retryable) break;
    }
    this.#failures++;
    if (this.#failures >= this.#o.breakerThreshold) this.#openUntil = this.#now() + this.#o.breakerCooldownMs;
    return { status: 'unavailable', reason: lastReason };
  }

  async #attempt(
    query: IdentityQuery,
  ): Promise<
    { kind: 'answer'; outcome: VerificationOutcome } | { kind: 'failure'; reason: string; retryable: boolean }
  > {
    let res: Response;
    try {
      res = await fetch(new URL('/v1/identity/verify', this.#o.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(query),
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
    } catch (err) {
      const timeout = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      return { kind: 'failure', reason: timeout ? 'timeout' : 'network_error', retryable: true };
    }
    if (res.status >= 500) {
      await res.body?.cancel();
      return { kind: 'failure', reason: `http_${res.status}`, retryable: true };
    }
    if (res.status !== 200) {
      await res.body?.cancel();
      return { kind: 'failure', reason: `http_${res.status}`, retryable: false };
    }
    let body: { result?: unknown; mismatches?: unknown };
    try {
      body = (await res.json()) as typeof body;
    } catch {
      return { kind: 'failure', reason: 'bad_response', retryable: true };
    }
    switch (body.result) {
      case 'match':
        return { kind: 'answer', outcome: { status: 'verified' } };
      case 'not_found':
        return { kind: 'answer', outcome: { status: 'not_found' } };
      case 'mismatch': {
        const fields = (Array.isArray(body.mismatches) ? body.mismatches : []).filter((f): f is MismatchField =>
          ['fullName', 'dateOfBirth', 'gender'].includes(String(f)),
        );
        return { kind: 'answer', outcome: { status: 'mismatch', fields } };
      }
      default:
        return { kind: 'failure', reason: 'bad_response', retryable: false };
    }
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
