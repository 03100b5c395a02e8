import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { unitOfWork } from '../../db/transaction.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import * as q from './people.queries.js';
import { type PeopleDeps, verificationColumns } from './people.service.js';

/**
 * The background re-check: people whose verification is due (registry was unavailable, or a
 * retroactive entry) are asked again, a batch at a time; rows are claimed with SKIP LOCKED so
 * several API nodes can run it. Its units of work: the claim of the batch, then one per person's
 * answer — never one around the registry calls. Returns how many were checked.
 */
export async function runRecheckBatch(
  db: Kysely<DB>,
  deps: PeopleDeps,
  audit: AuditContext,
  limit = 50,
): Promise<number> {
  const now = deps.clock();
  // Claim a batch with a short lease, so no transaction stays open while the registry is asked.
  const lease = new Date(now.getTime() + 5 * 60_000);
  const due = await unitOfWork(db, async (trx) => {
    const rows = await q.claimDueRechecks(trx, now, limit);
    for (const p of rows) await q.updatePersonRow(trx, p.id, { recheck_after: lease });
    return rows;
  });
  for (const p of due) {
    if (!p.id_number || p.id_type === 'passport') {
      await q.updatePersonRow(db, p.id, { recheck_after: null });
      continue;
    }
    const outcome = await deps.registry.verify({
      idNumber: p.id_number,
      fullName: p.full_name,
      dateOfBirth: p.date_of_birth,
      gender: p.gender,
    });
    const cols = verificationColumns(outcome, deps.registry.source, deps.clock());
    await unitOfWork(db, async (trx) => {
      const current = await q.findPersonForUpdate(trx, p.id);
      // Details changed meanwhile (the desk re-verified): this answer is about old details.
      if (!current || current.merged_into || current.version !== p.version + 1) return;
      await q.updatePersonRow(trx, p.id, { ...cols, updated_at: deps.clock() });
      await recordAudit(trx, audit, {
        action: 'person.verify',
        entityType: 'person',
        entityId: p.id,
        before: { status: p.verification_status },
        after: { status: cols.verification_status, fields: cols.verification_fields },
      });
    });
  }
  return due.length;
}
