import type { PersonRow } from '../../db/schema.js';
import type { Trx } from '../../db/transaction.js';
import type { Actor } from '../../lib/authz.js';
import type { AuditContext } from '../audit/audit.service.js';
import { moveDoses } from '../doses/doses.service.js';
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

/** Merges a duplicate record into a person (every dose and report kept), in the route's transaction. */
export function mergePerson(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: { survivorId: string; otherId: string; reason: string; now: Date },
): Promise<MergeResult> {
  return mergePeople(trx, actor, audit, input, moveRecordsOfPerson);
}

/**
 * Merges a duplicate record into the report's person (every dose and report kept): the merge and
 * the report's action commit together (the route's transaction), or neither does.
 */
export async function mergeForReport(
  trx: Trx,
  actor: Actor,
  audit: AuditContext,
  input: { reportId: string; duplicateId: string; now: Date },
): Promise<MergeResult> {
  const r = await reportForMerge(trx, actor, input.reportId);
  const result = await mergePerson(trx, actor, audit, {
    survivorId: r.person_id,
    otherId: input.duplicateId,
    reason: `Phản ánh ${r.tracking_code}`,
    now: input.now,
  });
  await noteMergeOnReport(trx, r, actor, input.duplicateId, result.moved);
  return result;
}
