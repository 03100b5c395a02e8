import { z } from 'zod';

/** A notification for the caller's units (`GET /api/notifications`): a serious adverse event, an overdue report… */
export const notificationSchema = z.object({
  id: z.number(),
  kind: z.string(),
  title: z.string(),
  body: z.unknown(),
  provinceCode: z.string(),
  districtCode: z.string().nullable(),
  facilityId: z.string().nullable(),
  createdAt: z.string(),
});
export type StaffNotification = z.infer<typeof notificationSchema>;
