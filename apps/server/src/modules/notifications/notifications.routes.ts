import { listOf, notificationSchema } from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ALL_STAFF, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { listNotifications } from './notifications.service.js';

/** Notifications for the caller's units (serious adverse events, overdue reports…). */
export const notificationsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/notifications',
    {
      config: staffAccess(ALL_STAFF, 'own-units'),
      schema: {
        tags: ['notifications'],
        summary: 'Notifications for the caller’s units, newest first',
        response: {
          200: listOf(notificationSchema),
        },
      },
    },
    async (request) => ({
      items: (await listNotifications(app.db, actorOf(request))).map((n) => ({
        id: n.id,
        kind: n.kind,
        title: n.title,
        body: n.body,
        provinceCode: n.province_code,
        districtCode: n.district_code,
        facilityId: n.facility_id,
        createdAt: n.created_at.toISOString(),
      })),
    }),
  );
};
