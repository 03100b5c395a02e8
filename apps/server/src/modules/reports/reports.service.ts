import { randomInt } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  isProvinceCode,
  normalizeIdNumber,
  normalizeName,
  normalizePhone,
  type PortalReportStatus,
  REPORT_DOSE_EARLIEST,
  type ReportReceipt,
  reportDoseDateProblem,
  reportDueAt,
  uuidv7,
  vaccineByCode,
  validateIdNumber,
  vietnamDay,
  vnDate,
} from '@tiemchung/core';
import { sql } from 'kysely';
import type { ReportCategory, ReportRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { AppError, ruleError } from '../../lib/errors.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { getFacility } from '../facilities/facilities.service.js';
import { findPersonByIdNumber, getPerson } from '../people/people.service.js';
import { queueSms, type SmsProvider } from '../sms/sms.service.js';
import { markReportsForStats } from '../stats/stats.marks.js';
import { type EvidenceType, reencodeEvidence } from './evidence-image.js';
import { routeReport } from './reports.routing.js';

export interface ReportDeps {
  readonly clock: () => Date;
  readonly sms: SmsProvider;
  readonly smsAscii: boolean;
  readonly evidenceDir: string;
}

// No 0/O, 1/I/L: a code read over the phone is typed right.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A tracking code like `PA-7KQ2M9XD` (31⁸ ≈ 8.5·10¹¹ codes). */
export function newTrackingCode(): string {
  let s = '';
  for (let i = 0; i < 8; i++) s += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return `PA-${s}`;
}

export interface NewReport {
  readonly category: ReportCategory;
  readonly fullName: string;
  readonly dateOfBirth: string;
  readonly gender: 'male' | 'female';
  readonly phone: string;
  readonly idNumber?: string;
  readonly description: string;
  readonly provinceCode?: string;
  readonly dose?: { administeredOn?: string; vaccineCode?: string; facilityId?: string };
  /**
   * The person the report is about, when the caller knows it (the e-health book files reports
   * about its household's members): linked even without an ID number.
   */
  readonly personId?: string;
}

/**
 * Files a citizen's report: validated, routed to the responsible unit, due 48 hours after receipt (core's reportDueAt),
 * audited; the tracking code goes by SMS to the given phone (queued in the route's transaction).
 */
export async function createReport(
  trx: Trx,
  deps: ReportDeps,
  audit: AuditContext,
  input: NewReport,
): Promise<ReportRow> {
  const name = normalizeName(input.fullName);
  if (!name.ok) throw ruleError({ ...name.error, field: 'fullName' });
  const phone = normalizePhone(input.phone);
  if (!phone.ok) throw ruleError({ ...phone.error, field: 'phone' });
  const idNumber = input.idNumber?.trim() ? normalizeIdNumber(input.idNumber).toUpperCase() : null;
  const now = deps.clock();
  const today = vietnamDay(now);
  if (input.dateOfBirth > today) {
    throw new AppError('date_of_birth_in_future', { field: 'dateOfBirth' });
  }
  // An ID number the citizen typed (not one of a known record's, as the e-health book sends): a
  // CMND (9 digits) or CCCD (other digits; checked against the date of birth and sex), or a passport.
  if (idNumber && !input.personId) {
    const idType = /^\d+$/.test(idNumber) ? (idNumber.length === 9 ? 'cmnd' : 'cccd') : 'passport';
    const id = validateIdNumber(idType, idNumber, { dateOfBirth: input.dateOfBirth, gender: input.gender, today });
    if (!id.ok) throw ruleError({ ...id.error, field: 'idNumber' });
  }
  // A province that exists (core's list): a report is routed to it.
  if (input.provinceCode && !isProvinceCode(input.provinceCode)) {
    throw new AppError('unknown_unit', { field: 'provinceCode' });
  }
  if (input.dose?.administeredOn) {
    const problem = reportDoseDateProblem(input.dose.administeredOn, today);
    if (problem === 'report_dose_date_future') throw new AppError(problem, { field: 'dose.administeredOn' });
    if (problem === 'report_dose_date_too_early') {
      throw new AppError(problem, {
        field: 'dose.administeredOn',
        params: { earliest: vnDate(REPORT_DOSE_EARLIEST) },
      });
    }
  }
  if (input.dose?.vaccineCode && !vaccineByCode(input.dose.vaccineCode)) {
    throw new AppError('report_vaccine_unknown', { field: 'dose.vaccineCode' });
  }
  const facility = input.dose?.facilityId ? await getFacility(trx, input.dose.facilityId) : undefined;
  if (input.dose?.facilityId && !facility) throw new AppError('unknown_facility', { field: 'dose.facilityId' });
  const person = input.personId
    ? await getPerson(trx, input.personId)
    : idNumber
      ? await findPersonByIdNumber(trx, idNumber)
      : undefined;
  const route = routeReport({
    category: input.category,
    doseFacility: facility
      ? {
          id: facility.id,
          provinceCode: facility.province_code,
          districtCode: facility.district_code,
          communeCode: facility.commune_code,
        }
      : null,
    person: person
      ? { provinceCode: person.province_code, districtCode: person.district_code, communeCode: person.commune_code }
      : null,
    idNumber,
    provinceCode: input.provinceCode ?? null,
  });
  if (!route) {
    throw new AppError('province_required', { field: 'provinceCode' });
  }
  const dueAt = reportDueAt(now);
  let row: ReportRow | undefined;
  for (let attempt = 0; !row && attempt < 5; attempt++) {
    row = await trx
      .insertInto('reports')
      .values({
        id: uuidv7(now.getTime()),
        tracking_code: newTrackingCode(),
        category: input.category,
        full_name: name.value,
        date_of_birth: input.dateOfBirth,
        gender: input.gender,
        phone: phone.value,
        id_number: idNumber,
        description: input.description.trim(),
        dose_date: input.dose?.administeredOn ?? null,
        dose_vaccine_code: input.dose?.vaccineCode ?? null,
        dose_facility_id: facility?.id ?? null,
        person_id: person?.id ?? null,
        assigned_level: route.level,
        assigned_code: route.code,
        province_code: route.provinceCode,
        district_code: route.districtCode,
        commune_code: route.communeCode,
        facility_id: route.facilityId,
        received_at: now,
        due_at: dueAt,
        outcome: null,
        outcome_reason: null,
        outcome_note: null,
        duplicate_of: null,
        resolved_at: null,
        resolved_by: null,
        handler: null,
        escalated_at: null,
        evidence_path: null,
        evidence_type: null,
        evidence_size: null,
        campaign_id: null,
        created_ip: audit.ip,
      })
      .onConflict((oc) => oc.column('tracking_code').doNothing())
      .returningAll()
      .executeTakeFirst();
  }
  if (!row) throw new Error('could not allocate a tracking code');
  await markReportsForStats(trx, [row.id]);
  await recordAudit(trx, audit, {
    action: 'report.create',
    entityType: 'report',
    entityId: row.id,
    after: {
      trackingCode: row.tracking_code,
      category: row.category,
      assigned: `${row.assigned_level}:${row.assigned_code}`,
    },
  });
  await queueSms(
    trx,
    deps.sms,
    {
      to: phone.value,
      kind: 'report_received',
      text: `Tiem chung COVID-19: Da nhan phan anh ${row.tracking_code}. Ket qua se duoc tra loi truoc ${formatDue(dueAt)}. Tra cuu tai muc Phan anh thong tin.`,
    },
    { ascii: deps.smsAscii },
  );
  return row;
}

function formatDue(d: Date): string {
  // Vietnam time (UTC+7) for people reading the SMS.
  const vn = new Date(d.getTime() + 7 * 3_600_000);
  return `${vn.toISOString().slice(11, 16)} ${vn.toISOString().slice(8, 10)}/${vn.toISOString().slice(5, 7)}/${vn.toISOString().slice(0, 4)}`;
}

/** What the citizen sees of a report: the status page (tracking code + the phone given). */
export async function reportForCitizen(
  db: Executor,
  trackingCode: string,
  phone: string,
): Promise<ReportRow | undefined> {
  const p = normalizePhone(phone);
  if (!p.ok) return undefined;
  return db
    .selectFrom('reports')
    .selectAll()
    .where('tracking_code', '=', trackingCode.trim().toUpperCase())
    .where('phone', '=', p.value)
    .executeTakeFirst();
}

/** A report as the citizen who filed it sees it (the portal's status page, the e-health book). */
export function reportStatusForCitizen(r: ReportRow): PortalReportStatus {
  return {
    trackingCode: r.tracking_code,
    status: r.status,
    category: r.category,
    receivedAt: r.received_at.toISOString(),
    dueAt: r.due_at.toISOString(),
    resolvedAt: r.resolved_at?.toISOString() ?? null,
    outcome: r.outcome,
    outcomeReason: r.outcome_reason,
    outcomeNote: r.outcome_note,
    hasEvidence: r.evidence_path !== null,
  };
}

/** The receipt of a new report (201): its tracking code and when it is due. */
export function reportReceipt(r: ReportRow): ReportReceipt {
  return {
    trackingCode: r.tracking_code,
    receivedAt: r.received_at.toISOString(),
    dueAt: r.due_at.toISOString(),
    status: r.status,
  };
}

/**
 * The reports a household filed or that are about its members: those linked to one of `personIds`
 * or filed with the household's phone, newest first (the e-health book's list).
 */
export async function reportsOfHousehold(
  db: Executor,
  phone: string,
  personIds: readonly string[],
  limit = 50,
): Promise<ReportRow[]> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where((eb) => eb.or([eb('phone', '=', phone), sql<boolean>`person_id = any(${sql.val([...personIds])}::text[])`]))
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute();
}

export const EVIDENCE_MAX_BYTES = 5 * 1024 * 1024;

/** A photo re-encoded and written to disk, ready to be recorded on its report (`recordEvidence`). */
export interface StoredEvidence {
  readonly reportId: string;
  readonly path: string;
  readonly type: EvidenceType;
  readonly size: number;
  readonly uploadedSize: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The photo of the paper confirmation of a report: JPEG or PNG by content, at most 5 MB,
 * decoded and re-encoded (reencodeEvidence: nothing but the pixels is kept, no EXIF location),
 * written outside the web root under a random name; one photo per report. The decoding and the
 * file are done before the route opens its transaction (none waits on the image);
 * `recordEvidence` then records it.
 */
export async function storeEvidence(
  db: Executor,
  deps: ReportDeps,
  input: { trackingCode: string; phone: string; bytes: Buffer },
): Promise<StoredEvidence> {
  const report = await reportForCitizen(db, input.trackingCode, input.phone);
  if (!report) throw new AppError('not_found');
  if (report.evidence_path) throw new AppError('report_already_has_photo');
  if (report.status === 'resolved') throw new AppError('report_resolved');
  const image = await reencodeEvidence(input.bytes);
  const { type } = image;
  const now = deps.clock();
  const dir = path.join(deps.evidenceDir, now.toISOString().slice(0, 7));
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${uuidv7()}.${type === 'image/png' ? 'png' : 'jpg'}`);
  await writeFile(`${file}.part`, image.bytes, { mode: 0o600 });
  await rename(`${file}.part`, file);
  return {
    reportId: report.id,
    path: path.relative(deps.evidenceDir, file),
    type,
    size: image.bytes.length,
    uploadedSize: input.bytes.length,
    width: image.width,
    height: image.height,
  };
}

/** Records a stored photo on its report (still without one), audited. */
export async function recordEvidence(trx: Trx, audit: AuditContext, stored: StoredEvidence): Promise<void> {
  const updated = await trx
    .updateTable('reports')
    .set({ evidence_path: stored.path, evidence_type: stored.type, evidence_size: stored.size })
    .where('id', '=', stored.reportId)
    .where('evidence_path', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) throw new AppError('conflict');
  await recordAudit(trx, audit, {
    action: 'report.evidence',
    entityType: 'report',
    entityId: stored.reportId,
    after: {
      type: stored.type,
      size: stored.size,
      uploadedSize: stored.uploadedSize,
      width: stored.width,
      height: stored.height,
    },
  });
}

/** These reports as statistics count them (received, due, resolved; where). */
export async function reportsForStats(db: Executor, ids: readonly string[]) {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('reports')
    .select([
      'id',
      'received_at',
      'due_at',
      'resolved_at',
      'province_code',
      'district_code',
      'commune_code',
      'facility_id',
    ])
    .where('id', 'in', ids)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    receivedAt: new Date(r.received_at),
    dueAt: new Date(r.due_at),
    resolvedAt: r.resolved_at ? new Date(r.resolved_at) : null,
    provinceCode: r.province_code,
    districtCode: r.district_code,
    communeCode: r.commune_code,
    facilityId: r.facility_id,
  }));
}

/** Report ids after `after`, in id order (a full recount walks them). */
export async function reportIdsAfter(db: Executor, after: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('reports').select('id').where('id', '>', after).orderBy('id').limit(limit).execute();
  return rows.map((r) => r.id);
}
