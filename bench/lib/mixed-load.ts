/**
 * A campaign day's mix of requests (issue 19), shared by the campaign benchmark and the failover
 * test: 80 % portal look-ups (`POST /api/portal/certificate-lookups`, each from its own client
 * address behind TRUST_PROXY), 15 % doses (`POST /api/people/{id}/doses`, each for a different
 * person with its own Idempotency-Key), 2.5 % report queue reads (`GET /api/reports?limit=50` as a
 * handler) and 2.5 % person records (`GET /api/people/{id}` as site staff).
 */
import type pg from 'pg';
import { DOSE } from '../dose-recording.js';

export type MixKind = 'look-up' | 'dose' | 'report queue' | 'person record';
export const MIX_KINDS: readonly MixKind[] = ['look-up', 'dose', 'report queue', 'person record'];

/** What the requests are made of. */
export interface MixTargets {
  readonly origin: string;
  /** JSON bodies of look-ups, used round robin. */
  readonly lookups: readonly string[];
  /** People to vaccinate, each once. */
  readonly vaccinate: readonly string[];
  /** People whose record is read, round robin. */
  readonly records: readonly string[];
  /** `Bearer …` of a site's staff and of a report handler. */
  readonly site: string;
  readonly handler: string;
  /** Idempotency keys are `${keyPrefix}-${dose}`. */
  readonly keyPrefix: string;
}

/** One request of the mix. */
export interface MixRequest {
  readonly kind: MixKind;
  readonly url: string;
  readonly init: RequestInit;
  /** For a dose: its index in `vaccinate` (its key is `${keyPrefix}-${dose}`). */
  readonly dose?: number;
}

/** The kind of the `i`-th request: an even spread of the kinds in a fixed order (golden ratio). */
export function mixKind(i: number): MixKind {
  const r = (i * 0.618033988749895) % 1;
  return r < 0.8 ? 'look-up' : r < 0.95 ? 'dose' : r < 0.975 ? 'report queue' : 'person record';
}

/**
 * The `i`-th request; `nextDose()` hands out the index of the next person to vaccinate. A dose past
 * the end of `vaccinate` is answered by a person record read instead (nobody gets a second dose).
 */
export function mixedRequest(t: MixTargets, i: number, nextDose: () => number): MixRequest {
  let kind = mixKind(i);
  if (kind === 'look-up')
    return {
      kind,
      url: `${t.origin}/api/portal/certificate-lookups`,
      init: {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        },
        body: t.lookups[i % t.lookups.length]!,
      },
    };
  if (kind === 'dose') {
    const d = nextDose();
    if (d < t.vaccinate.length)
      return {
        kind,
        dose: d,
        url: `${t.origin}/api/people/${t.vaccinate[d]}/doses`,
        init: {
          method: 'POST',
          headers: {
            authorization: t.site,
            'content-type': 'application/json',
            'idempotency-key': `${t.keyPrefix}-${d}`,
          },
          body: JSON.stringify(DOSE),
        },
      };
    kind = 'person record';
  }
  if (kind === 'report queue')
    return { kind, url: `${t.origin}/api/reports?limit=50`, init: { headers: { authorization: t.handler } } };
  return {
    kind,
    url: `${t.origin}/api/people/${t.records[(i * 7919) % t.records.length]}`,
    init: { headers: { authorization: t.site } },
  };
}

/** Sends `r`; the answer's status, or 0 when the request failed or took longer than `timeoutMs`. */
export async function send(r: MixRequest, timeoutMs: number): Promise<number> {
  try {
    const res = await fetch(r.url, { ...r.init, signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

/** A person on record, as a look-up names them. */
export interface CitizenOnRecord {
  readonly id: string;
  readonly full_name: string;
  readonly date_of_birth: string;
  readonly gender: string;
  readonly phone: string;
}

/**
 * People on record with a phone — with a dose, when `withDose` — each phone once (each look-up is a
 * different citizen's, not a shared phone's limit, and an OTP read back by phone is the look-up's
 * own), from `percent` % of the table's pages: a new random sample each call, so that on a reused
 * database earlier runs' hourly per-person and per-phone limits are not what is measured.
 */
export async function citizensOnRecord(
  client: pg.Client,
  percent: number,
  withDose: boolean,
): Promise<CitizenOnRecord[]> {
  const { rows } = await client.query<CitizenOnRecord>(
    `select distinct on (p.phone) p.id, p.full_name, p.date_of_birth::text, p.gender, p.phone
       from people p tablesample system (${Number(percent)})
      where p.phone is not null ${withDose ? 'and exists (select 1 from doses d where d.person_id = p.id)' : ''}
      order by p.phone limit 200000`,
  );
  return rows;
}

/** The body of a look-up of `p` (every field as registered: it matches). */
export function lookupBody(p: CitizenOnRecord): string {
  return JSON.stringify({ fullName: p.full_name, dateOfBirth: p.date_of_birth, gender: p.gender, phone: p.phone });
}

/** The sizes of the large tables, from the planner's estimates (no count of 20 M rows; `doses`: its partitions'). */
export async function tableSizes(client: pg.Client): Promise<{ people: number; doses: number; reports: number }> {
  const { rows } = await client.query<{ people: string; doses: string; reports: string }>(
    `select (select reltuples::bigint from pg_class where relname = 'people')::text as people,
            (select sum(greatest(c.reltuples, 0))::bigint from pg_class c
              where c.oid in (select relid from pg_partition_tree('doses') where isleaf))::text as doses,
            (select reltuples::bigint from pg_class where relname = 'reports')::text as reports`,
  );
  const r = rows[0]!;
  return { people: Number(r.people), doses: Number(r.doses), reports: Number(r.reports) };
}
