import { adverseEventDoseProblem, adverseEventTimeProblem, uuidv7, vietnamDay } from '@tiemchung/core';
import type { Trx } from '../../db/transaction.js';
import { type Actor, covers } from '../../lib/authz.js';
import { AppError } from '../../lib/errors.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { doseDatesOf, getDose, latestDoseOf } from '../doses/doses.service.js';
import { getFacility } from '../facilities/facilities.service.js';
import { notifyUnit } from '../notifications/notifications.service.js';
import { canSeePerson, getPerson } from '../people/people.service.js';
import { getVisit } from '../sessions/sessions.service.js';

export interface AdverseEventInput {
  readonly personId: string;
  readonly doseId?: string;
  readonly visitId?: string;
  readonly occurredAt: Date;
  readonly symptoms: string[];
  readonly severity: 'mild' | 'serious';
  readonly actionTaken: string;
}

/**
 * Records an adverse event after immunisation (phản ứng sau tiêm). A serious one is flagged to the
 * district (and province) at once: a notification in the same transaction, and a warning in the log.
 */
export async function recordAdverseEvent(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: AdverseEventInput,
  log: { warn: (o: object, m: string) => void },
  now: Date,
) {
  const person = await getPerson(trx, input.personId);
  if (!person || !canSeePerson(actor, person)) throw new AppError('not_found', { field: 'personId' });
  // Not after now, nor before the person was born.
  const when = adverseEventTimeProblem(input.occurredAt, { now, dateOfBirth: person.date_of_birth });
  if (when) throw new AppError(when, { field: 'occurredAt' });
  // The dose it follows: the one named, else the latest given on or before the day it started.
  const found = input.doseId
    ? await getDose(trx, input.doseId)
    : await latestDoseOf(trx, person.id, vietnamDay(input.occurredAt));
  const dose = found?.person_id === person.id ? found : undefined;
  if (input.doseId && !dose) throw new AppError('not_found', { field: 'doseId' });
  // It cannot have started before that dose; nor, when none is named, before the person's first dose.
  const doseDay = dose?.administered_on ?? (input.doseId ? undefined : (await doseDatesOf(trx, person.id))[0]);
  if (doseDay && adverseEventDoseProblem(input.occurredAt, doseDay)) {
    throw new AppError('aefi_before_dose', { field: 'occurredAt', params: { administeredOn: doseDay } });
  }
  // The visit named must exist and be this person's (an unknown id is the caller's 404, not a 500).
  const visit = input.visitId ? await getVisit(trx, input.visitId) : undefined;
  if (input.visitId && visit?.person_id !== person.id) throw new AppError('not_found', { field: 'visitId' });
  const facilityId = dose?.facility_id ?? actor.scope.facilityId;
  const facility = facilityId ? await getFacility(trx, facilityId) : undefined;
  if (!facility) throw new AppError('validation_failed', { field: 'doseId' });
  if (
    !covers(actor.scope, {
      provinceCode: facility.province_code,
      districtCode: facility.district_code,
      communeCode: facility.commune_code,
      facilityId: facility.id,
    })
  ) {
    throw new AppError('out_of_scope');
  }
  const row = await trx
    .insertInto('adverse_events')
    .values({
      id: uuidv7(),
      person_id: person.id,
      dose_id: dose?.id ?? null,
      visit_id: visit?.id ?? null,
      facility_id: facility.id,
      province_code: facility.province_code,
      district_code: facility.district_code,
      occurred_at: input.occurredAt,
      symptoms: JSON.stringify(input.symptoms),
      severity: input.severity,
      action_taken: input.actionTaken,
      reported_by: actor.username,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await recordAudit(trx, audit, {
    action: 'aefi.create',
    entityType: 'adverse_event',
    entityId: row.id,
    after: { personId: person.id, doseId: dose?.id ?? null, severity: input.severity, symptoms: input.symptoms },
  });
  if (input.severity === 'serious') {
    await notifyUnit(trx, {
      kind: 'aefi_serious',
      provinceCode: facility.province_code,
      districtCode: facility.district_code,
      facilityId: facility.id,
      title: `Phản ứng nặng sau tiêm tại ${facility.name}`,
      body: {
        adverseEventId: row.id,
        personId: person.id,
        doseId: dose?.id ?? null,
        vaccineCode: dose?.vaccine_code ?? null,
        lotNumber: dose?.lot_number ?? null,
        symptoms: input.symptoms,
        actionTaken: input.actionTaken,
        occurredAt: input.occurredAt.toISOString(),
      },
    });
    log.warn(
      { adverseEventId: row.id, facilityId: facility.id, districtCode: facility.district_code },
      'serious adverse event after immunisation: district notified',
    );
  }
  return row;
}
