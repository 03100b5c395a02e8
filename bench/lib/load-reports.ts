/**
 * Loads citizens' reports into `reports` with `COPY … FROM STDIN`, streaming rows as they are
 * generated: deterministic (seeded), spread over provinces with one big province, received over
 * the last weeks with the 48-hour due time, most of them resolved, the open ones partly overdue.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  PROVINCES_2021,
  prng,
  REPORT_CATEGORIES,
  REPORT_SLA_MS,
  seedOf,
  syntheticPopulation,
  uuidv7,
} from '@tiemchung/core';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { copyText } from './load-people.js';

/** How the reports are spread. */
export interface ReportMix {
  readonly count: number;
  /** The big province and its share of all reports (e.g. '79', 0.4). */
  readonly bigProvince: string;
  readonly bigShare: number;
  /** Share of reports resolved. */
  readonly resolvedShare: number;
  /** Reports are received uniformly over this many days before `now`. */
  readonly days: number;
  readonly seed?: string;
}

/** What was loaded. */
export interface ReportsLoadResult {
  readonly reports: number;
  readonly copyMs: number;
  /** VACUUM (ANALYZE) and CHECKPOINT after the load. */
  readonly analyzeMs: number;
  readonly reportsPerSecond: number;
  readonly tableBytes: number;
  readonly indexBytes: number;
  /** Counts read back with SQL: all, the big province, its open and its overdue reports (at `now`). */
  readonly counts: {
    readonly all: number;
    readonly big: number;
    readonly bigOpen: number;
    readonly bigOverdue: number;
  };
  /** The instant the reports were generated around (received_at ≤ now). */
  readonly now: string;
}

const COLUMNS = [
  'id',
  'tracking_code',
  'category',
  'full_name',
  'date_of_birth',
  'gender',
  'phone',
  'id_number',
  'description',
  'dose_date',
  'dose_vaccine_code',
  'assigned_level',
  'assigned_code',
  'province_code',
  'status',
  'outcome',
  'outcome_reason',
  'received_at',
  'due_at',
  'resolved_at',
  'resolved_by',
  'handler',
] as const;

const DESCRIPTIONS: Record<(typeof REPORT_CATEGORIES)[number], string> = {
  missing_dose: 'Tôi đã tiêm mũi 2 nhưng trên ứng dụng chưa cập nhật.',
  wrong_dose: 'Thông tin vắc xin mũi 1 bị ghi sai loại vắc xin.',
  wrong_personal_info: 'Ngày sinh trên chứng nhận bị sai, đề nghị sửa lại.',
  other: 'Đề nghị kiểm tra lại thông tin tiêm chủng của tôi.',
};

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A unique tracking code for the i-th report (a bijection of i, so codes look random but never repeat). */
function trackingCode(i: number): string {
  // 31⁸ > 8.5·10¹¹; 1,000,003 · i mod 31⁸ is a bijection on 0…31⁸−1 (31 does not divide 1,000,003).
  let n = (i * 1_000_003) % 31 ** 8;
  let s = '';
  for (let k = 0; k < 8; k++) {
    s = CODE_ALPHABET[n % 31]! + s;
    n = Math.floor(n / 31);
  }
  return `PA-${s}`;
}

/** The COPY text of the reports, in chunks of 2,000 rows. */
export function* reportCopyChunks(mix: ReportMix, now: Date): Generator<string> {
  const rnd = prng(seedOf(`${mix.seed ?? 'bench-v1'}/reports`));
  const others = PROVINCES_2021.map((p) => p.code).filter((c) => c !== mix.bigProvince);
  const span = mix.days * 86_400_000;
  let chunk = '';
  let rows = 0;
  let i = 0;
  for (const p of syntheticPopulation(`${mix.seed ?? 'bench-v1'}/reporters`, mix.count)) {
    const province = rnd() < mix.bigShare ? mix.bigProvince : others[Math.floor(rnd() * others.length)]!;
    const category = REPORT_CATEGORIES[Math.floor(rnd() * REPORT_CATEGORIES.length)]!;
    const received = new Date(now.getTime() - Math.floor(rnd() * span));
    const due = new Date(received.getTime() + REPORT_SLA_MS);
    const resolved = rnd() < mix.resolvedShare;
    const aboutDose = category === 'missing_dose' || category === 'wrong_dose';
    let status = 'received';
    let outcome: string | null = null;
    let outcomeReason: string | null = null;
    let resolvedAt: Date | null = null;
    let handler: string | null = null;
    if (resolved) {
      status = 'resolved';
      const o = rnd();
      outcome = o < 0.6 ? 'corrected' : o < 0.95 ? 'rejected' : 'duplicate';
      if (outcome === 'rejected') outcomeReason = 'details_mismatch';
      // Handled within 1–72 hours, never after now.
      resolvedAt = new Date(Math.min(now.getTime(), received.getTime() + (1 + rnd() * 71) * 3_600_000));
      handler = `phananh.${province}`;
    } else if (rnd() < 0.5) {
      status = 'in_progress';
      handler = `phananh.${province}`;
    }
    const line = [
      uuidv7(received.getTime()),
      trackingCode(i),
      category,
      p.fullName,
      p.dateOfBirth,
      p.gender,
      p.phone,
      p.idNumber,
      DESCRIPTIONS[category],
      aboutDose ? '2021-09-15' : null,
      aboutDose ? 'EU/1/20/1528' : null,
      'province',
      province,
      province,
      status,
      outcome,
      outcomeReason,
      received.toISOString(),
      due.toISOString(),
      resolvedAt?.toISOString() ?? null,
      resolved ? handler : null,
      handler,
    ]
      .map(copyText)
      .join('\t');
    chunk += `${line}\n`;
    i++;
    if (++rows === 2000) {
      yield chunk;
      chunk = '';
      rows = 0;
    }
  }
  if (chunk) yield chunk;
}

/** Loads the reports (the table must be empty), then VACUUM (ANALYZE) and CHECKPOINT. */
export async function loadReports(
  url: string,
  mix: ReportMix,
  now: Date,
  log: (line: string) => void = () => {},
): Promise<ReportsLoadResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    log(
      `loading ${mix.count.toLocaleString('en')} reports with COPY (${Math.round(mix.bigShare * 100)} % in ${mix.bigProvince})`,
    );
    const started = performance.now();
    const copy = client.query(copyFrom(`copy reports (${COLUMNS.join(', ')}) from stdin`));
    await pipeline(Readable.from(reportCopyChunks(mix, now)), copy);
    const copyMs = performance.now() - started;
    if (copy.rowCount !== mix.count) throw new Error(`COPY wrote ${copy.rowCount} rows, expected ${mix.count}`);
    const analyzeStarted = performance.now();
    await client.query('vacuum (analyze) reports');
    await client.query('checkpoint').catch((err: unknown) => log(`  (no CHECKPOINT: ${String(err)})`));
    const analyzeMs = performance.now() - analyzeStarted;
    const { rows } = await client.query<Record<string, string>>(
      `select pg_table_size('reports')::text as table, pg_indexes_size('reports')::text as indexes,
              count(*)::text as all,
              count(*) filter (where province_code = $1)::text as big,
              count(*) filter (where province_code = $1 and status <> 'resolved')::text as big_open,
              count(*) filter (where province_code = $1 and status <> 'resolved' and due_at < $2)::text as big_overdue
         from reports`,
      [mix.bigProvince, now],
    );
    const r = rows[0]!;
    return {
      reports: mix.count,
      copyMs,
      analyzeMs,
      reportsPerSecond: mix.count / (copyMs / 1000),
      tableBytes: Number(r.table),
      indexBytes: Number(r.indexes),
      counts: {
        all: Number(r.all),
        big: Number(r.big),
        bigOpen: Number(r.big_open),
        bigOverdue: Number(r.big_overdue),
      },
      now: now.toISOString(),
    };
  } finally {
    await client.end();
  }
}
