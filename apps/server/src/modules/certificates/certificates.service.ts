import { createHash } from 'node:crypto';
import {
  buildVaccinationPayload,
  type CertificateStatus,
  certificateStatus,
  certificateStatusText,
  encodeHcertSync,
  type Localized,
  makeUvci,
  normalizeName,
  sequenceDoses,
  toIcao,
  uuidv7,
  vaccineByCode,
  vaccineDisplayName,
  verifyHcert,
} from '@tiemchung/core';
import type { CertificateRow, DoseRow, PersonRow } from '../../db/schema.js';
import type { Executor, Trx } from '../../db/transaction.js';
import { AppError } from '../../lib/errors.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { countedDosesOf, peopleVaccinatedInSession } from '../doses/doses.service.js';
import { listFacilities } from '../facilities/facilities.service.js';
import { getPerson, lockPerson, maskIdNumber } from '../people/people.service.js';
import { CERTIFICATE_VALIDITY_DAYS, type SigningKeys, trustList } from './keys.service.js';
import { nodeSignatureCheck } from './signature-check.js';

export interface CertificateDeps {
  readonly keys: SigningKeys;
  readonly clock: () => Date;
}

/** Renew a certificate this many days before it expires. */
const RENEW_BEFORE_DAYS = 30;

export interface PassportBlocker {
  readonly code: string;
  readonly message: Localized;
  readonly doseId?: string;
}

/** Everything a certificate shows, from platform data only. */
export interface CertificateView {
  readonly person: {
    id: string;
    fullName: string;
    dateOfBirth: string;
    gender: 'male' | 'female';
    idNumberMasked: string | null;
  };
  readonly status: CertificateStatus['status'];
  readonly color: CertificateStatus['color'];
  readonly statusText: Localized;
  readonly doses: {
    id: string;
    doseNumber: number;
    doseKind: string;
    vaccineCode: string;
    vaccineName: string;
    manufacturer: string;
    lotNumber: string;
    administeredOn: string;
    facilityId: string;
    facilityName: string;
  }[];
  readonly qr: string | null;
  readonly ci: string | null;
  readonly issuedAt: string | null;
  readonly expiresAt: string | null;
  readonly identity: {
    verified: boolean;
    status: string;
    source: string | null;
    verifiedAt: string | null;
    override: boolean;
  };
  /** What would block an international vaccine passport for this record, and why. */
  readonly passportBlockers: PassportBlocker[];
}

function contentHash(person: PersonRow, doses: DoseRow[]): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        person.full_name,
        person.date_of_birth,
        person.gender,
        person.id_number,
        doses.map((d) => [
          d.id,
          d.vaccine_code,
          d.administered_on,
          d.lot_number,
          d.facility_id,
          d.dose_number,
          d.dose_kind,
        ]),
      ]),
    )
    .digest('base64url');
}

function currentCertificate(db: Executor, personId: string) {
  return db
    .selectFrom('certificates')
    .selectAll()
    .where('person_id', '=', personId)
    .where('superseded_at', 'is', null)
    .executeTakeFirst();
}

/** What stands between this record and an international (EU DCC) vaccine passport. */
export function passportBlockers(person: PersonRow, doses: DoseRow[]): PassportBlocker[] {
  const out: PassportBlocker[] = [];
  if (!person.id_number) {
    out.push({
      code: 'no_id_number',
      message: { vi: 'Hồ sơ chưa có số định danh (CCCD/CMND).', en: 'The record has no ID number.' },
    });
  }
  if (person.id_type === 'passport') {
    out.push({
      code: 'identity_checked_at_site',
      message: {
        vi: 'Người nước ngoài: định danh chỉ được kiểm tra tại điểm tiêm theo hộ chiếu.',
        en: 'Foreign national: identity checked at the site against the passport only.',
      },
    });
  } else if (person.verification_status !== 'verified') {
    const why: Record<string, Localized> = {
      pending: { vi: 'chưa được xác thực', en: 'not verified yet' },
      mismatch: { vi: 'không khớp với CSDL quốc gia về dân cư', en: 'does not match the population database' },
      not_found: { vi: 'không có trong CSDL quốc gia về dân cư', en: 'not in the population database' },
      unavailable: {
        vi: 'chưa xác thực được (CSDL dân cư không phản hồi), đang chờ kiểm tra lại',
        en: 'could not be checked (registry unavailable), waiting for a re-check',
      },
    };
    const w = why[person.verification_status] ?? why.pending!;
    out.push({
      code: 'identity_not_verified',
      message: {
        vi: `Thông tin định danh ${w.vi}${person.identity_override_at ? ' (tiêm được nhờ cấp trên phê duyệt)' : ''}.`,
        en: `Identity ${w.en}${person.identity_override_at ? ' (vaccinated under a supervisor’s override)' : ''}.`,
      },
    });
  }
  const name = normalizeName(person.full_name);
  if (!name.ok || !toIcao(person.full_name)) {
    out.push({
      code: 'name_not_printable',
      message: {
        vi: 'Họ tên không chuyển được sang dạng chữ máy đọc (ICAO).',
        en: 'The name cannot be written in machine-readable form (ICAO).',
      },
    });
  }
  for (const d of doses) {
    if (!d.lot_id) {
      out.push({
        code: 'dose_without_lot',
        doseId: d.id,
        message: {
          vi: `Mũi ${d.dose_number} (${d.administered_on}) không gắn với lô vắc xin đã đăng ký.`,
          en: `Dose ${d.dose_number} (${d.administered_on}) is not linked to a registered lot.`,
        },
      });
    }
    if (d.override_reason) {
      out.push({
        code: 'dose_rule_override',
        doseId: d.id,
        message: {
          vi: `Mũi ${d.dose_number} được ghi nhận ngoài quy tắc (phê duyệt: ${d.override_reason}).`,
          en: `Dose ${d.dose_number} was recorded against a rule (override: ${d.override_reason}).`,
        },
      });
    }
  }
  return out;
}

async function buildView(
  db: Executor,
  person: PersonRow,
  doses: DoseRow[],
  cert: CertificateRow | undefined,
): Promise<CertificateView> {
  const status = certificateStatus(
    doses.map((d) => ({
      vaccineCode: d.vaccine_code,
      administeredOn: d.administered_on,
      declaredKind: d.declared_kind,
    })),
  );
  const facilityIds = [...new Set(doses.map((d) => d.facility_id))];
  const facilities = new Map((await listFacilities(db, { ids: facilityIds })).map((f) => [f.id, f.name]));
  const seq = sequenceDoses(
    doses.map((d) => ({
      id: d.id,
      vaccineCode: d.vaccine_code,
      administeredOn: d.administered_on,
      declaredKind: d.declared_kind,
    })),
  );
  return {
    person: {
      id: person.id,
      fullName: person.full_name,
      dateOfBirth: person.date_of_birth,
      gender: person.gender,
      idNumberMasked: person.id_number ? maskIdNumber(person.id_number) : null,
    },
    status: status.status,
    color: status.color,
    statusText: certificateStatusText(status),
    doses: doses.map((d) => {
      const v = vaccineByCode(d.vaccine_code);
      const s = seq.find((x) => x.id === d.id);
      return {
        id: d.id,
        doseNumber: s?.doseNumber ?? d.dose_number,
        doseKind: s?.doseKind ?? d.dose_kind,
        vaccineCode: d.vaccine_code,
        vaccineName: v ? vaccineDisplayName(v) : d.vaccine_code,
        manufacturer: v?.manufacturer ?? '',
        lotNumber: d.lot_number,
        administeredOn: d.administered_on,
        facilityId: d.facility_id,
        facilityName: facilities.get(d.facility_id) ?? d.facility_id,
      };
    }),
    qr: cert?.qr ?? null,
    ci: cert?.ci ?? null,
    issuedAt: cert?.issued_at.toISOString() ?? null,
    expiresAt: cert?.expires_at.toISOString() ?? null,
    identity: {
      verified: person.verification_status === 'verified',
      status: person.verification_status,
      source: person.verification_source,
      verifiedAt: person.verified_at?.toISOString() ?? null,
      override: person.identity_override_at !== null,
    },
    passportBlockers: passportBlockers(person, doses),
  };
}

/**
 * The person's certificate, from platform data: status from the doses, and a signed HCERT QR for
 * anyone with a dose. A certificate is reused while the data it shows is unchanged and it is not
 * near expiry; otherwise a new one is issued (new `ci`) and the old one is recorded as superseded —
 * in the caller's transaction (a read that finds the data changed reissues as it reads; a report
 * resolved as corrected reissues with its resolution).
 */
export async function getCertificate(
  trx: Trx,
  deps: CertificateDeps,
  audit: AuditContext,
  personId: string,
): Promise<CertificateView> {
  const person = await getPerson(trx, personId);
  if (!person) throw new AppError('not_found');
  const doses = await countedDosesOf(trx, person.id);
  if (!doses.length) return buildView(trx, person, doses, undefined);
  const now = deps.clock();
  const hash = contentHash(person, doses);
  const current = await currentCertificate(trx, person.id);
  if (
    current &&
    current.content_hash === hash &&
    current.expires_at.getTime() - now.getTime() > RENEW_BEFORE_DAYS * 86_400_000
  ) {
    return buildView(trx, person, doses, current);
  }
  const cert = await issueCertificate(trx, deps, audit, person.id, now);
  const fresh = (await getPerson(trx, person.id))!;
  return buildView(trx, fresh, await countedDosesOf(trx, person.id), cert);
}

/** Issues the person's certificate (superseding the current one) unless another request just did. */
async function issueCertificate(
  trx: Trx,
  deps: CertificateDeps,
  audit: AuditContext,
  personId: string,
  now: Date,
): Promise<CertificateRow> {
  const signer = await deps.keys.active(trx, audit, now);
  // One issuer at a time per person; re-read inside the lock (another request may have issued).
  const person = await lockPerson(trx, personId);
  if (!person) throw new AppError('not_found');
  const doses = await countedDosesOf(trx, personId);
  const hash = contentHash(person, doses);
  const current = await trx
    .selectFrom('certificates')
    .selectAll()
    .where('person_id', '=', personId)
    .where('superseded_at', 'is', null)
    .executeTakeFirst();
  if (
    current &&
    current.content_hash === hash &&
    current.expires_at.getTime() - now.getTime() > RENEW_BEFORE_DAYS * 86_400_000
  )
    return current;
  const id = uuidv7(now.getTime());
  const ci = makeUvci(id);
  const status = certificateStatus(
    doses.map((d) => ({
      vaccineCode: d.vaccine_code,
      administeredOn: d.administered_on,
      declaredKind: d.declared_kind,
    })),
  );
  const payload = buildVaccinationPayload({
    person: { fullName: person.full_name, dateOfBirth: person.date_of_birth },
    doses: doses.map((d) => ({
      vaccineCode: d.vaccine_code,
      administeredOn: d.administered_on,
      declaredKind: d.declared_kind,
    })),
    certificateId: id,
  });
  const expiresAt = new Date(now.getTime() + CERTIFICATE_VALIDITY_DAYS * 86_400_000);
  const qr = encodeHcertSync({
    payload,
    kid: signer.kid,
    sign: signer.sign,
    issuedAt: now,
    expiresAt,
    // Built and checked by buildVaccinationPayload just above.
    payloadValidated: true,
  });
  if (current) {
    await trx
      .updateTable('certificates')
      .set({ superseded_at: now, supersede_reason: current.content_hash === hash ? 'renewal' : 'data_changed' })
      .where('id', '=', current.id)
      .execute();
  }
  const row = await trx
    .insertInto('certificates')
    .values({
      id,
      ci,
      person_id: personId,
      status: status.status as CertificateRow['status'],
      content_hash: hash,
      payload: JSON.stringify(payload),
      qr,
      kid: signer.kidBase64,
      issued_at: now,
      expires_at: expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (current) await trx.updateTable('certificates').set({ superseded_by: id }).where('id', '=', current.id).execute();
  await recordAudit(trx, audit, {
    action: current ? 'certificate.reissue' : 'certificate.issue',
    entityType: 'person',
    entityId: personId,
    after: { ci, status: status.status, supersedes: current?.ci ?? null },
  });
  return row;
}

/**
 * For the online verifier: is this `ci` the person's current certificate? Superseded when the
 * data it shows has changed since (a correction: the new one is issued in the caller's
 * transaction), expired, or unknown.
 */
export async function certificateState(trx: Trx, deps: CertificateDeps, audit: AuditContext, ci: string) {
  const row = await trx.selectFrom('certificates').selectAll().where('ci', '=', ci).executeTakeFirst();
  if (!row) return { ci, state: 'unknown' as const };
  const now = deps.clock();
  if (!row.superseded_at) {
    const person = await getPerson(trx, row.person_id);
    if (person) {
      const doses = await countedDosesOf(trx, person.id);
      if (contentHash(person, doses) !== row.content_hash || person.id !== row.person_id) {
        await issueCertificate(trx, deps, audit, person.id, now);
        return certificateState(trx, deps, audit, ci);
      }
    }
  }
  if (row.superseded_at) {
    const by = row.superseded_by
      ? await trx.selectFrom('certificates').select('ci').where('id', '=', row.superseded_by).executeTakeFirst()
      : undefined;
    return {
      ci,
      state: 'superseded' as const,
      supersededAt: row.superseded_at.toISOString(),
      supersededByCi: by?.ci ?? null,
      reason: row.supersede_reason,
    };
  }
  if (row.expires_at <= now) return { ci, state: 'expired' as const, expiresAt: row.expires_at.toISOString() };
  return {
    ci,
    state: 'current' as const,
    issuedAt: row.issued_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
  };
}

/**
 * The person a certificate QR names — the QR the citizen's e-health book shows (or the one printed
 * on their certificate), scanned at check-in. The QR must carry this platform's signature (an
 * expired or superseded certificate still identifies its holder; a changed byte or a foreign key
 * does not). Returns the id of the person the certificate was issued to.
 */
export async function personOfCertificateQr(db: Executor, qr: string, now: Date): Promise<string> {
  const checked = await verifyHcert(qr, await trustList(db, now), now, { checkSignature: nodeSignatureCheck });
  const v = (checked.payload?.v as { ci?: unknown }[] | undefined)?.[0];
  const ci = typeof v?.ci === 'string' ? v.ci : null;
  if ((checked.result !== 'valid' && checked.result !== 'expired') || !ci) {
    throw new AppError('health_book_qr_invalid', { field: 'healthBookQr' });
  }
  const row = await db.selectFrom('certificates').select('person_id').where('ci', '=', ci).executeTakeFirst();
  if (!row) {
    throw new AppError('certificate_not_found', { field: 'healthBookQr' });
  }
  return row.person_id;
}

/** Certificates for every person vaccinated in a session (the session's batch PDF). */
export async function sessionCertificates(
  trx: Trx,
  deps: CertificateDeps,
  audit: AuditContext,
  sessionId: string,
): Promise<CertificateView[]> {
  const out: CertificateView[] = [];
  for (const personId of await peopleVaccinatedInSession(trx, sessionId))
    out.push(await getCertificate(trx, deps, audit, personId));
  return out.sort((a, b) => a.person.fullName.localeCompare(b.person.fullName, 'vi'));
}
