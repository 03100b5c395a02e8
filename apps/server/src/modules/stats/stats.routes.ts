import {
  statsCoverageQuerySchema,
  statsCoverageSchema,
  statsDosesQuerySchema,
  statsDosesSchema,
  statsOverviewSchema,
  statsReportsQuerySchema,
  statsReportsSchema,
  statsSummarySchema,
  statsUnitQuerySchema,
  statsUnitsQuerySchema,
  statsUnitsSchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ALL_STAFF, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { sendTable } from '../../lib/table-export.js';
import {
  checkStatsRange,
  resolveUnit,
  statsCoverage,
  statsDoses,
  statsOverview,
  statsReports,
  statsUnits,
} from './stats.api.js';
import { coverageTable, dosesTable, reportsTable, statsFileName, unitsTable } from './stats.export.js';
import { summary } from './stats.service.js';

/**
 * Statistics from platform data (api-contract.md, Statistics). Every staff member sees the figures
 * of their own unit and the units below it (`own-units`: a unit asked outside them is 403
 * `out_of_scope`); the 2025 units are for national and province accounts. Each breakdown answers
 * JSON, or the same rows as a CSV or XLSX file (`format`).
 */
export const statsRoutes: FastifyPluginAsyncZod = async (app) => {
  const now = () => app.deps.clock();

  app.get(
    '/api/stats/summary',
    {
      config: staffAccess(ALL_STAFF, 'own-units'),
      schema: {
        tags: ['stats'],
        summary: 'People and doses in the caller’s units, by dose number and vaccine',
        response: { 200: statsSummarySchema },
      },
    },
    async (request) => summary(app.dbRead, actorOf(request), now()),
  );

  app.get(
    '/api/stats/overview',
    {
      config: staffAccess(ALL_STAFF, 'own-units'),
      schema: {
        tags: ['stats'],
        summary: 'A unit’s KPI tiles: doses by dimension and on the latest day, coverage, report handling',
        querystring: statsUnitQuerySchema,
        response: { 200: statsOverviewSchema },
      },
    },
    async (request) => statsOverview(app.dbRead, await resolveUnit(app.dbRead, actorOf(request), request.query), now()),
  );

  app.get(
    '/api/stats/units',
    {
      config: staffAccess(ALL_STAFF, 'own-units'),
      schema: {
        tags: ['stats'],
        summary: 'The children of a unit (drill-down) with doses in the dates and coverage; CSV or XLSX with format',
        querystring: statsUnitsQuerySchema,
        response: { 200: statsUnitsSchema },
      },
    },
    async (request, reply) => {
      const q = request.query;
      checkStatsRange(q);
      const unit = await resolveUnit(app.dbRead, actorOf(request), q);
      const body = await statsUnits(app.dbRead, unit, q, now());
      if (q.format === 'json') return body;
      return sendTable(reply, q.format, unitsTable(body), statsFileName('don-vi', unit.ref));
    },
  );

  app.get(
    '/api/stats/doses',
    {
      config: staffAccess(ALL_STAFF, 'own-units'),
      schema: {
        tags: ['stats'],
        summary: 'A unit’s doses by day, week, vaccine, dose number or kind, age band or sex; CSV or XLSX with format',
        querystring: statsDosesQuerySchema,
        response: { 200: statsDosesSchema },
      },
    },
    async (request, reply) => {
      const q = request.query;
      checkStatsRange(q);
      const unit = await resolveUnit(app.dbRead, actorOf(request), q);
      const body = await statsDoses(app.dbRead, unit, q, now());
      if (q.format === 'json') return body;
      return sendTable(reply, q.format, dosesTable(body), statsFileName(`mui-tiem-${q.by}`, unit.ref));
    },
  );

  app.get(
    '/api/stats/coverage',
    {
      config: staffAccess(ALL_STAFF, 'own-units'),
      schema: {
        tags: ['stats'],
        summary: 'People by status against the population, by child unit, age band, sex or priority group',
        querystring: statsCoverageQuerySchema,
        response: { 200: statsCoverageSchema },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const unit = await resolveUnit(app.dbRead, actorOf(request), q);
      const body = await statsCoverage(app.dbRead, unit, q.by, now());
      if (q.format === 'json') return body;
      return sendTable(reply, q.format, coverageTable(body), statsFileName(`bao-phu-${q.by}`, unit.ref));
    },
  );

  app.get(
    '/api/stats/reports',
    {
      config: staffAccess(ALL_STAFF, 'own-units'),
      schema: {
        tags: ['stats'],
        summary: 'Report handling in a unit and each child unit: received, resolved on time, overdue, median hours',
        querystring: statsReportsQuerySchema,
        response: { 200: statsReportsSchema },
      },
    },
    async (request, reply) => {
      const q = request.query;
      checkStatsRange(q);
      const unit = await resolveUnit(app.dbRead, actorOf(request), q);
      const body = await statsReports(app.dbRead, unit, q, now());
      if (q.format === 'json') return body;
      return sendTable(reply, q.format, reportsTable(body), statsFileName('phan-anh', unit.ref));
    },
  );
};
