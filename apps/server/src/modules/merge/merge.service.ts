import { type DoseViolation, historyViolations } from '@tiemchung/core';
import type { PersonRow } from '../../db/schema.js';
import type { Trx } from '../../db/transaction.js';
import type { Actor } from '../../lib/authz.js';
import type { AuditContext } from '../audit/audit.service.js';
import { type CertificateDeps, certificatesAfterMerge } from '../certificates/certificates.service.js';
import { countedDosesOf, flagDosesAgainstRules, moveDoses } from '../doses/doses.service.js';
import { type MoveRecords, mergePeople } from '../people/people.service.js';
import { moveReports, noteMergeOnReport, reportForMerge } from '../reports/reports.handling.js';

/**
 * Merging duplicate records of a person, orchestrated above the modules that keep records about a
 * person (people, doses, reports): none of them imports another for it, nor this module.
 */

type MergeResult = { survivor: PersonRow; moved: Record<string, number> };

/**
 * What a merge moves from the merged record to the survivor: every record other modules keep
 * about a person, through their services. Each owner adds its step here.
 */
export const moveRecordsOfPerson: MoveRecords = async (trx, fromId, toId, now) => {
  return { doses: await moveDoses(trx, fromId, toId, now), reports: await moveReports(trx, fromId, toId) };
};

/**
 * Merges a duplicate record into a person (every dose and report kept), in the route's transaction.
 * The combined doses are renumbered, then checked in date order by the desk's rules (core's
 * `historyViolations`): a dose that breaks one now — a "booster" a month after the primary series
 * because the other record held an earlier dose — is marked as recorded against a rule, with the
 * merge as the reason, so it blocks a vaccine passport until a person reviews it. The merge itself
 * goes ahead: the records are one person and the doses were given. The merged record's
 * certificates and passport are withdrawn and the survivor's brought up to date
 * (`certificatesAfterMerge`), in the same transaction.
 */
export async function mergePerson(
  trx: Trx,
  deps: CertificateDeps,
  actor: Actor,
  audit: AuditContext,
  input: { survivorId: string; otherId: string; reason: string; now: Date },
): Promise<MergeResult> {
  const result = await mergePeople(trx, actor, audit, input, moveRecordsOfPerson);
  await flagMergedHistory(trx, actor, audit, result.survivor, input.reason, input.now);
  // The merged record's certificates and passport withdrawn, the survivor's made again (or its
  // passport withdrawn when the merged history now blocks it), as a correction does.
  await certificatesAfterMerge(trx, deps, audit, { fromId: input.otherId, toId: input.survivorId, now: input.now });
  return result;
}

/** Marks the survivor's doses that break a dose rule in the merged history (audited, in the merge's transaction). */
async function flagMergedHistory(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  survivor: PersonRow,
  mergeReason: string,
  now: Date,
): Promise<void> {
  const doses = await countedDosesOf(trx, survivor.id);
  const found = historyViolations(
    { dateOfBirth: survivor.date_of_birth },
    doses.map((d) => ({
      id: d.id,
      vaccineCode: d.vaccine_code,
      administeredOn: d.administered_on,
      declaredKind: d.declared_kind,
    })),
  );
  if (!found.length) return;
  const rowOf = new Map(doses.map((d) => [d.id, d]));
  await flagDosesAgainstRules(
    trx,
    actor,
    audit,
    found.map(({ dose, violations }) => ({
      dose: rowOf.get(dose.id)!,
      codes: violations.map((x) => x.code),
      reason: mergeFlagReason(mergeReason, violations),
    })),
    now,
  );
}

/** Why a dose is marked after a merge: the merge, its reason, and the rules the dose breaks now. */
function mergeFlagReason(mergeReason: string, violations: readonly DoseViolation[]): string {
  return `Gộp hồ sơ (${mergeReason}), cần rà soát: ${violations.map((x) => x.message.vi).join(' ')}`;
}

/**
 * Merges a duplicate record into the report's person (every dose and report kept): the merge and
 * the report's action commit together (the route's transaction), or neither does.
 */
export async function mergeForReport(
  trx: Trx,
  deps: CertificateDeps,
  actor: Actor,
  audit: AuditContext,
  input: { reportId: string; duplicateId: string; now: Date },
): Promise<MergeResult> {
  const r = await reportForMerge(trx, actor, input.reportId);
  const result = await mergePerson(trx, deps, actor, audit, {
    survivorId: r.person_id,
    otherId: input.duplicateId,
    reason: `Phản ánh ${r.tracking_code}`,
    now: input.now,
  });
  await noteMergeOnReport(trx, r, actor, input.duplicateId, result.moved);
  return result;
}
