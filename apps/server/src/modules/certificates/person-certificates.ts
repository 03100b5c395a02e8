import type { IssuedCertificate } from '@tiemchung/core';
import { sql } from 'kysely';
import type { Executor } from '../../db/transaction.js';
import type { Actor } from '../../lib/authz.js';
import { type AuditContext, recordAudit } from '../audit/audit.service.js';
import { readPerson } from '../people/people.service.js';

/**
 * Every certificate issued to a person, the current one first, for the person's page: the current one
 * (valid, or expired) and those a newer one replaced, with when and why. Scoped like the record
 * (`readPerson`: 404 outside the caller's reach) and audited — the record read and this list.
 */
export async function certificatesOfPerson(
  db: Executor,
  actor: Actor,
  audit: AuditContext,
  personId: string,
  now: Date,
): Promise<IssuedCertificate[]> {
  const person = await readPerson(db, actor, audit, personId);
  const rows = await db
    .selectFrom('certificates as c')
    .leftJoin('certificates as next', 'next.id', 'c.superseded_by')
    .select([
      'c.ci',
      'c.status',
      'c.issued_at',
      'c.expires_at',
      'c.superseded_at',
      'c.supersede_reason',
      'next.ci as superseded_by_ci',
    ])
    .where('c.person_id', '=', person.id)
    // The current one first, then back along the chain of replacements.
    .orderBy(sql`c.superseded_at is not null`)
    .orderBy('c.superseded_at', 'desc')
    .orderBy('c.issued_at', 'desc')
    .limit(100)
    .execute();
  await recordAudit(db, audit, {
    action: 'certificate.list',
    entityType: 'person',
    entityId: person.id,
    after: { count: rows.length },
  });
  return rows.map((r) => ({
    ci: r.ci,
    status: r.status,
    state: r.superseded_at ? 'superseded' : r.expires_at <= now ? 'expired' : 'valid',
    issuedAt: r.issued_at.toISOString(),
    expiresAt: r.expires_at.toISOString(),
    supersededAt: r.superseded_at?.toISOString() ?? null,
    supersedeReason: r.supersede_reason,
    supersededByCi: r.superseded_by_ci,
  }));
}
