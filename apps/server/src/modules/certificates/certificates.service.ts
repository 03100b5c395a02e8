import { createHash } from 'node:crypto';
import {
  buildVaccinationPayload,
  type CertificateStatus,
  certificateStatus,
  certificateStatusText,
  encodeHcertSync,
  type IssuedPassport,
  type Localized,
  makeUvci,
  PASSPORT_VALIDITY_DAYS,
  type PassportBlocker,
  passportBlockers,
  passportDueForRenewal,
  reissueReason,
  sequenceDoses,
  supersedeWithdraws,
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
  /** The record's signed vaccine passport, if the ministry has issued one. */
  readonly passport: IssuedPassport | null;
}

/** A certificate's kind: the domestic certificate every vaccinated person has, or the passport. */
export type CertificateKind = CertificateRow['kind'];

/** What a certificate shows, hashed: a certificate whose hash differs from its record's is out of date. */
export function contentHash(person: PersonRow, doses: DoseRow[]): string {
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

/** The person's current certificate of a kind (one at most: a unique index). */
export function currentCertificate(db: Executor, personId: string, kind: CertificateKind = 'domestic') {
  return db
    .selectFrom('certificates')
    .selectAll()
    .where('person_id', '=', personId)
    .where('kind', '=', kind)
    .where('superseded_at', 'is', null)
    .executeTakeFirst();
}

/** What stands between this record and an international (EU DCC) vaccine passport (core's rule). */
export function recordPassportBlockers(
  person: PersonRow,
  doses: DoseRow[],
  status?: CertificateStatus['status'],
): PassportBlocker[] {
  return passportBlockers(
    {
      fullName: person.full_name,
      idNumber: person.id_number,
      idType: person.id_type,
      verificationStatus: person.verification_status,
      identityOverride: person.identity_override_at !== null,
    },
    doses.map((d) => ({
      id: d.id,
      doseNumber: d.dose_number,
      administeredOn: d.administered_on,
      lotId: d.lot_id,
      overrideReason: d.override_reason,
    })),
    status,
  );
}

async function buildView(
  db: Executor,
  person: PersonRow,
  doses: DoseRow[],
  cert: CertificateRow | undefined,
  passport: CertificateRow | undefined = undefined,
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
    passportBlockers: recordPassportBlockers(person, doses, status.status),
    passport: passport ? issuedPassport(passport) : null,
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
  const [current, passport] = await Promise.all([
    currentCertificate(trx, person.id),
    currentCertificate(trx, person.id, 'passport'),
  ]);
  if (upToDate(current, hash, now) && (!passport || upToDate(passport, hash, now))) {
    return buildView(trx, person, doses, current, passport);
  }
  const cert = await issueCertificate(trx, deps, audit, person.id, now);
  // A passport out of date (a correction, near expiry) is made again as it is read, like the
  // certificate — or withdrawn when a blocker appeared (passports.service.ts).
  const fresh = (await getPerson(trx, person.id))!;
  const freshDoses = await countedDosesOf(trx, person.id);
  const pass = passport ? await refreshPassportOf(trx, deps, audit, person.id, now) : undefined;
  return buildView(trx, fresh, freshDoses, cert, pass ?? undefined);
}

/**
 * What the person's certificate shows, without a signed QR: the view a reader falls back on when
 * the certificate cannot be made (core refused its payload) — the household book shows the member
 * so, rather than failing the whole household.
 */
export async function certificateWithoutQr(db: Executor, personId: string): Promise<CertificateView> {
  const person = await getPerson(db, personId);
  if (!person) throw new AppError('not_found');
  return buildView(db, person, await countedDosesOf(db, person.id), undefined);
}

/** Whether a current certificate still shows its record as it is and is not near its expiry. */
function upToDate(row: CertificateRow | undefined, hash: string, now: Date): boolean {
  if (row === undefined || row.content_hash !== hash) return false;
  if (row.kind === 'passport') return !passportDueForRenewal(row.expires_at, now);
  return row.expires_at.getTime() - now.getTime() > RENEW_BEFORE_DAYS * 86_400_000;
}

/** A passport row as the API answers it. */
export function issuedPassport(row: CertificateRow): IssuedPassport {
  return { qr: row.qr, ci: row.ci, issuedAt: row.issued_at.toISOString(), expiresAt: row.expires_at.toISOString() };
}

/**
 * Issues the person's certificate of a kind (superseding the current one of that kind) unless
 * another request just did — in the caller's transaction, holding the person's row lock. A passport
 * (`kind: 'passport'`) is made only by passports.service.ts, which checks that nothing blocks it.
 */
export async function issueCertificate(
  trx: Trx,
  deps: CertificateDeps,
  audit: AuditContext,
  personId: string,
  now: Date,
  kind: CertificateKind = 'domestic',
): Promise<CertificateRow> {
  const signer = await deps.keys.active(trx, audit, now);
  // One issuer at a time per person; re-read inside the lock (another request may have issued).
  const person = await lockPerson(trx, personId);
  if (!person) throw new AppError('not_found');
  const doses = await countedDosesOf(trx, personId);
  const hash = contentHash(person, doses);
  const current = await currentCertificate(trx, personId, kind);
  if (current && upToDate(current, hash, now)) return current;
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
  const days = kind === 'passport' ? PASSPORT_VALIDITY_DAYS : CERTIFICATE_VALIDITY_DAYS;
  const expiresAt = new Date(now.getTime() + days * 86_400_000);
  const qr = encodeHcertSync({
    payload,
    kid: signer.kid,
    sign: signer.sign,
    issuedAt: now,
    expiresAt,
    // Built and checked by buildVaccinationPayload just above.
    payloadValidated: true,
  });
  const record = recordNow(person, doses);
  // A new dose leaves the certificate valid for what it states; a correction withdraws it (core's rule).
  const reason = current ? record.reasonFor(current) : null;
  if (current) {
    await trx
      .updateTable('certificates')
      .set({ superseded_at: now, supersede_reason: reason })
      .where('id', '=', current.id)
      .execute();
  }
  const row = await trx
    .insertInto('certificates')
    .values({
      id,
      ci,
      person_id: personId,
      kind,
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
  const withdrawn = current ? await withdrawNoLongerTrue(trx, personId, kind, record) : [];
  const verb = kind === 'passport' ? 'passport' : 'certificate';
  await recordAudit(trx, audit, {
    action: current ? `${verb}.reissue` : `${verb}.issue`,
    entityType: 'person',
    entityId: personId,
    after: {
      ci,
      status: status.status,
      supersedes: current?.ci ?? null,
      ...(reason ? { supersedeReason: reason } : {}),
      ...(withdrawn.length ? { withdrawn } : {}),
      expiresAt: expiresAt.toISOString(),
    },
  });
  return row;
}

const rowOf = (d: { row: DoseRow }) => d.row;

/** The record as it is now, and why a certificate made from it earlier would be replaced (core's `reissueReason`). */
function recordNow(person: PersonRow, doses: DoseRow[]) {
  const dated = doses.map((row) => ({ row, recordedAt: row.recorded_at.getTime() }));
  const hashOf = (ds: readonly { row: DoseRow }[]) => contentHash(person, ds.map(rowOf));
  return {
    reasonFor: (cert: CertificateRow) =>
      reissueReason({ contentHash: cert.content_hash, issuedAt: cert.issued_at.getTime() }, dated, hashOf),
  };
}

/**
 * Withdraws the person's earlier certificates of a kind that a new dose had left valid
 * (`new_dose`) and whose content the record no longer shows (a correction since) — every one of
 * them, for `reason`, when the current one is withdrawn (no `record`): a verifier answers them
 * revoked. Returns their identifiers.
 */
async function withdrawNoLongerTrue(
  trx: Trx,
  personId: string,
  kind: CertificateKind,
  record: ReturnType<typeof recordNow> | null,
  reason = 'data_changed',
): Promise<string[]> {
  const valid = await trx
    .selectFrom('certificates')
    .selectAll()
    .where('person_id', '=', personId)
    .where('kind', '=', kind)
    .where('supersede_reason', '=', 'new_dose')
    .execute();
  const stale = valid.filter((c) => !record || record.reasonFor(c) === 'data_changed');
  const ids = stale.map((c) => c.id);
  if (ids.length)
    await trx.updateTable('certificates').set({ supersede_reason: reason }).where('id', 'in', ids).execute();
  return stale.map((c) => c.ci);
}

/**
 * Brings a person's vaccine passport up to date, in the caller's transaction: made again when the
 * record it shows has changed (a correction, a merge) or it expires within 30 days; withdrawn when
 * something now blocks it (identity no longer verified, a dose recorded against a rule…), the
 * record then listed as blocked for its unit. Returns the current passport, if any.
 */
export async function refreshPassportOf(
  trx: Trx,
  deps: CertificateDeps,
  audit: AuditContext,
  personId: string,
  now: Date,
): Promise<CertificateRow | undefined> {
  const current = await currentCertificate(trx, personId, 'passport');
  if (!current) return undefined;
  const found = await passportBlockersNow(trx, personId);
  if (!found || found.person.id !== personId) {
    // Merged into another record: the passport goes with the record merged away.
    await withdrawCertificate(trx, audit, personId, 'passport', 'merged', now);
    return undefined;
  }
  const { blockers } = found;
  if (blockers.length) {
    await withdrawCertificate(trx, audit, personId, 'passport', 'blocked', now);
    await trx
      .updateTable('passport_requests')
      .set({ state: 'blocked', blockers: JSON.stringify(blockers), updated_at: now })
      .where('person_id', '=', personId)
      .execute();
    return undefined;
  }
  return issueCertificate(trx, deps, audit, personId, now, 'passport');
}

/** What blocks a person's passport now, from the record's current data (`undefined`: no such person). */
export async function passportBlockersNow(db: Executor, personId: string) {
  const person = await getPerson(db, personId);
  if (!person) return undefined;
  const doses = await countedDosesOf(db, person.id);
  return { person, blockers: recordPassportBlockers(person, doses, statusOf(doses)) };
}

/** The certificate status of counted doses (core's rule). */
function statusOf(doses: readonly DoseRow[]): CertificateStatus['status'] {
  return certificateStatus(
    doses.map((d) => ({
      vaccineCode: d.vaccine_code,
      administeredOn: d.administered_on,
      declaredKind: d.declared_kind,
    })),
  ).status;
}

/** Marks a person's current certificate of a kind superseded without a successor (a passport withdrawn). */
export async function withdrawCertificate(
  trx: Trx,
  audit: AuditContext,
  personId: string,
  kind: CertificateKind,
  reason: string,
  now: Date,
): Promise<CertificateRow | undefined> {
  const current = await currentCertificate(trx, personId, kind);
  if (!current) return undefined;
  await trx
    .updateTable('certificates')
    .set({ superseded_at: now, supersede_reason: reason })
    .where('id', '=', current.id)
    .execute();
  // The earlier ones a new dose had left valid go with it.
  const earlier = await withdrawNoLongerTrue(trx, personId, kind, null, reason);
  await recordAudit(trx, audit, {
    action: `${kind === 'passport' ? 'passport' : 'certificate'}.withdraw`,
    entityType: 'person',
    entityId: personId,
    before: { ci: current.ci, ...(earlier.length ? { earlier } : {}) },
    reason,
  });
  return current;
}

/**
 * A merge, in its transaction (the route's): the merged-away record's certificates and vaccine
 * passport stop being valid — the record no longer stands on its own and its history is now the
 * survivor's — the certificate withdrawn as after a correction (`data_changed`), the passport as
 * merged (`merged`), with the earlier ones a new dose had left valid; each then points to the
 * survivor's current one of its kind and is listed in the survivor's history (moved to it). The
 * survivor's certificate is made again from the merged history, and its passport brought up to
 * date (made again, or withdrawn when the merge brought a blocker). Audited on the merged record.
 */
export async function certificatesAfterMerge(
  trx: Trx,
  deps: CertificateDeps,
  audit: AuditContext,
  input: { fromId: string; toId: string; now: Date },
): Promise<void> {
  const { fromId, toId, now } = input;
  const rows = await trx.selectFrom('certificates').selectAll().where('person_id', '=', fromId).execute();
  // Still valid: the current ones, and those a new dose left valid.
  const live = rows.filter((c) => c.superseded_at === null || !supersedeWithdraws(c.supersede_reason));
  const reasonOf = (kind: CertificateKind) => (kind === 'passport' ? 'merged' : 'data_changed');
  for (const kind of ['domestic', 'passport'] as const) {
    const ofKind = live.filter((c) => c.kind === kind);
    if (!ofKind.length) continue;
    for (const c of ofKind) {
      await trx
        .updateTable('certificates')
        .set({ superseded_at: c.superseded_at ?? now, supersede_reason: reasonOf(kind) })
        .where('id', '=', c.id)
        .execute();
    }
    await recordAudit(trx, audit, {
      action: `${kind === 'passport' ? 'passport' : 'certificate'}.withdraw`,
      entityType: 'person',
      entityId: fromId,
      before: { ci: ofKind.map((c) => c.ci) },
      after: { mergedInto: toId },
      reason: reasonOf(kind),
    });
  }
  if (live.some((c) => c.kind === 'passport')) {
    // The merged record is no longer on its way to a passport of its own.
    await trx
      .updateTable('passport_requests')
      .set({ state: 'blocked', blockers: '[]', updated_at: now })
      .where('person_id', '=', fromId)
      .execute();
  }
  // Listed in the survivor's history from now on.
  if (rows.length)
    await trx.updateTable('certificates').set({ person_id: toId }).where('person_id', '=', fromId).execute();
  // The survivor's, from the merged history.
  const [current, passport] = await Promise.all([
    currentCertificate(trx, toId),
    currentCertificate(trx, toId, 'passport'),
  ]);
  const next = {
    domestic:
      (current || live.some((c) => c.kind === 'domestic')) && (await countedDosesOf(trx, toId)).length
        ? await issueCertificate(trx, deps, audit, toId, now)
        : current,
    passport: passport ? await refreshPassportOf(trx, deps, audit, toId, now) : undefined,
  };
  for (const c of live) {
    const successor = next[c.kind];
    if (c.superseded_by === null && successor)
      await trx.updateTable('certificates').set({ superseded_by: successor.id }).where('id', '=', c.id).execute();
  }
}

/**
 * For the online verifier: is this `ci` the person's current certificate? Superseded when the
 * data it shows has changed since (a correction: the new one is issued in the caller's
 * transaction, and the earlier certificates it makes untrue are withdrawn), `newer_issued` when a
 * later dose has a newer certificate (this one still valid for what it states), expired, or unknown.
 */
export async function certificateState(trx: Trx, deps: CertificateDeps, audit: AuditContext, ci: string) {
  const row = await trx.selectFrom('certificates').selectAll().where('ci', '=', ci).executeTakeFirst();
  if (!row) return { ci, state: 'unknown' as const };
  const now = deps.clock();
  if (!row.superseded_at || !supersedeWithdraws(row.supersede_reason)) {
    // The person's current certificate brought up to date first: a correction since the new dose
    // withdraws this one too.
    const person = await getPerson(trx, row.person_id);
    if (person && person.id === row.person_id) {
      const current = row.superseded_at ? await currentCertificate(trx, person.id, row.kind) : row;
      const doses = await countedDosesOf(trx, person.id);
      if (current && contentHash(person, doses) !== current.content_hash) {
        if (row.kind === 'passport') await refreshPassportOf(trx, deps, audit, person.id, now);
        else await issueCertificate(trx, deps, audit, person.id, now);
        const after = await trx.selectFrom('certificates').selectAll().where('ci', '=', ci).executeTakeFirstOrThrow();
        Object.assign(row, after);
      }
    }
  }
  /** The `ci` of the certificate that followed this one, if any. */
  const nextCi = async () =>
    row.superseded_by
      ? ((await trx.selectFrom('certificates').select('ci').where('id', '=', row.superseded_by).executeTakeFirst())
          ?.ci ?? null)
      : null;
  if (row.superseded_at && supersedeWithdraws(row.supersede_reason)) {
    return {
      ci,
      state: 'superseded' as const,
      supersededAt: row.superseded_at.toISOString(),
      supersededByCi: await nextCi(),
      reason: row.supersede_reason,
    };
  }
  if (row.expires_at <= now) return { ci, state: 'expired' as const, expiresAt: row.expires_at.toISOString() };
  if (row.superseded_at) {
    return {
      ci,
      state: 'newer_issued' as const,
      issuedAt: row.issued_at.toISOString(),
      expiresAt: row.expires_at.toISOString(),
      newerIssuedAt: row.superseded_at.toISOString(),
      newerCi: await nextCi(),
    };
  }
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
