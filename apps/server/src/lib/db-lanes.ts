import type { FastifyInstance, RouteHandlerMethod, RouteOptions } from 'fastify';
import { busyError, type DbLane, inDbLane, type QueueLimits } from '../db/connection-queue.js';

/** The lane of a route's database work: the health check first, the public portal last. */
export function dbLaneOf(url: string): DbLane {
  if (url === '/api/health') return 'health';
  if (url.startsWith('/api/portal/')) return 'public';
  return 'staff';
}

/**
 * Runs each route's handler in its database lane (`db/connection-queue.ts`), so that under
 * overload the public portal is shed before staff work and the health check. Routes of the staff
 * lane are left as they are (work outside any lane is staff). Public routes also get a first
 * `onRequest` hook that answers 503 at once, before the body is even read, when the database's
 * queue has no room for a new public request (`shedsNewPublic`): whatever the request holds, so
 * the answer says nothing about the data. Register before the routes.
 */
export function registerDbLanes(
  app: FastifyInstance,
  database: { shedsNewPublic?: () => boolean },
  limits: QueueLimits,
): void {
  const sheds = database.shedsNewPublic;
  const shedEarly: RouteOptions['onRequest'] = (_request, _reply, done) => {
    done(sheds?.() ? busyError(limits, 'no room for a new public request in the connection queue') : undefined);
  };
  app.addHook('onRoute', (route) => {
    const lane = dbLaneOf(route.url);
    if (lane === 'staff') return;
    const handler = route.handler as RouteHandlerMethod;
    route.handler = function laneHandler(this: FastifyInstance, request, reply) {
      return inDbLane(lane, () => handler.call(this, request, reply));
    };
    if (lane === 'public' && sheds) {
      const existing = route.onRequest ? (Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest]) : [];
      route.onRequest = [shedEarly, ...existing] as RouteOptions['onRequest'];
    }
  });
}
