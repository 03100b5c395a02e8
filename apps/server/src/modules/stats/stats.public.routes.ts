import {
  PUBLIC_DAILY_COLUMNS,
  PUBLIC_NATION_CODE,
  PUBLIC_PROVINCE_COLUMNS,
  publicDailyFileSchema,
  publicOpenDataQuerySchema,
  publicProvincesFileQuerySchema,
  publicProvincesFileSchema,
  publicStatsQuerySchema,
  publicStatsSchema,
} from '@tiemchung/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { publicAccess } from '../../lib/access.js';
import { dailyFile, etagOf, provincesFile, publicStats, toCsv } from './stats.public.js';

/** Browsers and proxies may keep the public figures a minute (the server keeps them ~30 s). */
const CACHE_CONTROL = 'public, max-age=60';
/** Public, cached, but still a database read on a miss: limited per client like other public routes. */
const PUBLIC_LIMIT = { max: 120, timeWindow: '1 minute' };

/** True (and the reply is a 304) when the client already has this version. */
function notModified(request: FastifyRequest, reply: FastifyReply, etag: string): boolean {
  reply.header('cache-control', CACHE_CONTROL).header('etag', etag);
  const given = request.headers['if-none-match'];
  if (!given) return false;
  const tags = given.split(',').map((t) => t.trim().replace(/^W\//, ''));
  if (!tags.includes(etag) && !tags.includes('*')) return false;
  reply.code(304).send();
  return true;
}

/**
 * The public statistics page's figures and the same figures as open data (docs/open-data.md):
 * no session, no personal data, small counts suppressed.
 */
export const statsPublicRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/api/public/stats',
    {
      config: { ...publicAccess(), rateLimit: PUBLIC_LIMIT },
      schema: {
        tags: ['stats'],
        summary:
          'National and provincial doses and coverage, and doses per day (the nation or one province), for everyone; counts below the threshold are null',
        querystring: publicStatsQuerySchema,
        response: { 200: publicStatsSchema },
      },
    },
    async (request, reply) => {
      const { stats, etag } = await publicStats(app.dbRead, request.query, app.deps.clock());
      if (notModified(request, reply, etag)) return reply;
      return stats;
    },
  );

  // The provinces file takes the scheme alone (it has every province): `province` is refused there.
  const files = [
    {
      name: 'provinces',
      columns: PUBLIC_PROVINCE_COLUMNS,
      schema: publicProvincesFileSchema,
      query: publicProvincesFileQuerySchema,
    },
    { name: 'daily', columns: PUBLIC_DAILY_COLUMNS, schema: publicDailyFileSchema, query: publicOpenDataQuerySchema },
  ] as const;
  for (const file of files) {
    const build = (stats: Awaited<ReturnType<typeof publicStats>>['stats'], province: string | undefined) =>
      file.name === 'provinces' ? provincesFile(stats) : dailyFile(stats, province);
    // The provinces file is the same for every daily series: one cached read per scheme.
    const statsQuery = (scheme: '2021' | '2025', province: string | undefined) =>
      file.name === 'provinces' ? { scheme } : { scheme, province };
    const fileName = (scheme: string, province: string | undefined, ext: string) =>
      file.name === 'provinces'
        ? `tiem-chung-tinh-${scheme}.${ext}`
        : `tiem-chung-theo-ngay-${scheme}-${province ?? PUBLIC_NATION_CODE}.${ext}`;

    app.get(
      `/api/public/stats/${file.name}.json`,
      {
        config: { ...publicAccess(), rateLimit: PUBLIC_LIMIT },
        schema: {
          tags: ['stats'],
          summary:
            file.name === 'provinces'
              ? 'Open data: the nation (VN) and every province — population, doses, people by status, coverage'
              : 'Open data: doses per day of the nation (VN) or of one province, by first, second and later doses',
          querystring: file.query,
          response: { 200: file.schema },
        },
      },
      async (request, reply) => {
        const { scheme, province } = request.query;
        const { stats } = await publicStats(app.dbRead, statsQuery(scheme, province), app.deps.clock());
        const body = build(stats, province);
        if (notModified(request, reply, etagOf(JSON.stringify(body)))) return reply;
        reply.header('content-disposition', `inline; filename="${fileName(scheme, province, 'json')}"`);
        return body;
      },
    );

    app.get(
      `/api/public/stats/${file.name}.csv`,
      {
        config: { ...publicAccess(), rateLimit: PUBLIC_LIMIT },
        schema: {
          tags: ['stats'],
          summary: `Open data: the same as ${file.name}.json as CSV (UTF-8 with BOM; an empty cell is suppressed)`,
          querystring: file.query,
        },
      },
      async (request, reply) => {
        const { scheme, province } = request.query;
        const { stats } = await publicStats(app.dbRead, statsQuery(scheme, province), app.deps.clock());
        const csv = toCsv(file.columns, build(stats, province).rows);
        if (notModified(request, reply, etagOf(csv))) return reply;
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${fileName(scheme, province, 'csv')}"`)
          .send(csv);
      },
    );
  }
};
