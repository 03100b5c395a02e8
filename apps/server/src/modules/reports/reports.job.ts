import { REPORT_SLA_HOURS } from '@tiemchung/core';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { unitOfWork } from '../../db/transaction.js';
import { recordAudit } from '../audit/audit.service.js';
import { notifyUnit } from '../notifications/notifications.service.js';
import { overdueFilter } from './reports.overdue.js';

/**
 * The escalation job: an open report past its due time becomes visible to the parent unit, whose
 * staff (and the assigned unit's handlers) are notified once. One transaction per run: the batch is
 * claimed with SKIP LOCKED (several nodes may run it) and marked, notified and audited together.
 * Returns how many were escalated.
 */
export async function escalateOverdue(db: Kysely<DB>, now: Date, limit = 500): Promise<number> {
  return unitOfWork(db, async (trx) => {
    const due = await trx
      .selectFrom('reports')
      .selectAll()
      .where(overdueFilter(now))
      .where('escalated_at', 'is', null)
      .orderBy('due_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    for (const r of due) {
      await trx.updateTable('reports').set({ escalated_at: now }).where('id', '=', r.id).execute();
      const body = {
        reportId: r.id,
        trackingCode: r.tracking_code,
        dueAt: r.due_at.toISOString(),
        assigned: `${r.assigned_level}:${r.assigned_code}`,
      };
      // The assigned unit's handlers…
      await notifyUnit(trx, {
        kind: 'report_overdue',
        provinceCode: r.province_code,
        districtCode: r.district_code,
        facilityId: r.facility_id,
        title: `Phản ánh ${r.tracking_code} đã quá hạn ${REPORT_SLA_HOURS} giờ`,
        body,
      });
      // …and the parent unit (a facility's or commune's district; a district's province).
      const parent =
        r.assigned_level === 'facility' || r.assigned_level === 'commune'
          ? { provinceCode: r.province_code, districtCode: r.district_code }
          : { provinceCode: r.province_code, districtCode: null };
      await notifyUnit(trx, {
        kind: 'report_escalated',
        provinceCode: parent.provinceCode,
        districtCode: parent.districtCode,
        facilityId: null,
        title: `Phản ánh ${r.tracking_code} quá hạn tại đơn vị cấp dưới`,
        body,
      });
      await recordAudit(
        trx,
        { actorId: null, actorUsername: 'system:escalation', actorRole: null, requestId: null, ip: null },
        { action: 'report.escalate', entityType: 'report', entityId: r.id },
      );
    }
    return due.length;
  });
}
