import {
  campaignBodySchema,
  campaignCreatedSchema,
  campaignProgressSchema,
  campaignSchema,
  correctDoseBodySchema,
  doseSchema,
  idParamsSchema,
  linkPersonBodySchema,
  listOf,
  personReportSchema,
  personSchema,
  REPORT_ROLES,
  type ReportListFilter,
  reassignBodySchema,
  recordDoseBodySchema,
  reportDetailSchema,
  reportListQuerySchema,
  reportSchema,
  resolutionBodySchema,
  updatePersonBodySchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { unitOfWork } from '../../db/transaction.js';
import { ALL_STAFF, staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { presentDose } from '../doses/doses.service.js';
import { presentPerson } from '../people/people.service.js';
import { reportsAboutPerson } from './person-reports.js';
import { reportsCsv, reportsXlsx } from './reports.export.js';
import {
  addDoseForReport,
  campaignProgress,
  claimReport,
  correctDoseForReport,
  correctPersonForReport,
  createCampaign,
  evidenceOf,
  linkPerson,
  listCampaigns,
  listReports,
  planLinkPerson,
  planPersonCorrection,
  presentReport,
  reassignReport,
  reportActions,
  reportFor,
  resolveReport,
} from './reports.handling.js';

/** Report handling for staff (api-contract.md, Reports), scoped to the caller's units. */
export const reportsRoutes: FastifyPluginAsyncZod = async (app) => {
  const now = () => app.deps.clock();
  const deps = () => ({
    clock: app.deps.clock,
    sms: app.deps.sms,
    smsAscii: app.config.sms.ascii,
    registry: app.deps.registry,
    keys: app.deps.keys,
    evidenceDir: app.config.evidenceDir,
  });
  const filterOf = (q: ReportListFilter) => ({
    ...q,
    receivedFrom: q.receivedFrom ? new Date(q.receivedFrom) : undefined,
    receivedTo: q.receivedTo ? new Date(q.receivedTo) : undefined,
  });

  app.get(
    '/api/reports',
    {
      config: staffAccess(REPORT_ROLES, 'own-units'),
      schema: {
        tags: ['reports'],
        summary: 'The report queue of the caller’s units, by time left',
        querystring: reportListQuerySchema,
        response: { 200: listOf(reportSchema) },
      },
    },
    async (request) => ({
      items: (await listReports(app.db, actorOf(request), filterOf(request.query), now())).map((r) =>
        presentReport(r, now()),
      ),
    }),
  );

  app.get(
    '/api/people/:id/reports',
    {
      config: staffAccess(ALL_STAFF, 'person-read'),
      schema: {
        tags: ['reports'],
        summary: 'The citizens’ reports about a person: status and deadline (not their content)',
        params: idParamsSchema,
        response: { 200: listOf(personReportSchema) },
      },
    },
    // One unit of work: the record's read and this list are audited together.
    async (request) => ({
      items: await unitOfWork(app.db, (trx) =>
        reportsAboutPerson(trx, actorOf(request), auditContextOf(request), request.params.id, now()),
      ),
    }),
  );

  app.get(
    '/api/reports/export.csv',
    {
      config: staffAccess(REPORT_ROLES, 'own-units'),
      schema: {
        tags: ['reports'],
        summary: 'The filtered queue as CSV (UTF-8 with BOM)',
        querystring: reportListQuerySchema,
      },
    },
    async (request, reply) => {
      const rows = await listReports(
        app.db,
        actorOf(request),
        { ...filterOf(request.query), limit: Math.max(request.query.limit, 5000) },
        now(),
      );
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="phan-anh.csv"')
        .send(reportsCsv(rows, now()));
    },
  );

  app.get(
    '/api/reports/export.xlsx',
    {
      config: staffAccess(REPORT_ROLES, 'own-units'),
      schema: { tags: ['reports'], summary: 'The filtered queue as XLSX', querystring: reportListQuerySchema },
    },
    async (request, reply) => {
      const rows = await listReports(
        app.db,
        actorOf(request),
        { ...filterOf(request.query), limit: Math.max(request.query.limit, 5000) },
        now(),
      );
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', 'attachment; filename="phan-anh.xlsx"')
        .send(await reportsXlsx(rows, now()));
    },
  );

  app.get(
    '/api/reports/:id',
    {
      config: staffAccess(REPORT_ROLES, 'report'),
      schema: {
        tags: ['reports'],
        summary: 'A report with the actions taken',
        params: idParamsSchema,
        response: {
          200: reportDetailSchema,
        },
      },
    },
    async (request) => {
      const r = await reportFor(app.db, actorOf(request), request.params.id);
      const actions = await reportActions(app.db, r.id);
      return {
        ...presentReport(r, now()),
        actions: actions.map((a) => ({
          action: a.action,
          entityType: a.entity_type,
          entityId: a.entity_id,
          detail: a.detail,
          actor: a.actor,
          at: a.at.toISOString(),
        })),
      };
    },
  );

  app.get(
    '/api/reports/:id/evidence',
    {
      config: staffAccess(REPORT_ROLES, 'report'),
      schema: { tags: ['reports'], summary: 'The evidence photo', params: idParamsSchema },
    },
    async (request, reply) => {
      const e = await evidenceOf(app.db, actorOf(request), { evidenceDir: app.config.evidenceDir }, request.params.id);
      // The stored photo is a re-encoded JPEG/PNG; it is still a citizen's upload, so it is a
      // download (never a page of this origin), its type is not second-guessed, and it runs nothing.
      return reply
        .type(e.type)
        .header(
          'content-disposition',
          `attachment; filename="minh-chung-${e.trackingCode}.${e.type === 'image/png' ? 'png' : 'jpg'}"`,
        )
        .header('x-content-type-options', 'nosniff')
        .header('cache-control', 'private, no-store')
        .header('content-security-policy', "default-src 'none'; sandbox")
        .send(e.stream);
    },
  );

  app.post(
    '/api/reports/:id/claim',
    {
      config: staffAccess(REPORT_ROLES, 'report'),
      schema: {
        tags: ['reports'],
        summary: 'Take the report (in progress)',
        params: idParamsSchema,
        response: { 200: reportSchema },
      },
    },
    async (request) =>
      presentReport(
        await unitOfWork(app.db, (trx) =>
          claimReport(trx, actorOf(request), auditContextOf(request), request.params.id),
        ),
        now(),
      ),
  );

  app.post(
    '/api/reports/:id/reassign',
    {
      config: staffAccess(REPORT_ROLES, 'report'),
      schema: {
        tags: ['reports'],
        summary: 'Send the report to another unit, with a reason',
        params: idParamsSchema,
        body: reassignBodySchema,
        response: { 200: reportSchema },
      },
    },
    async (request) =>
      presentReport(
        await unitOfWork(app.db, (trx) =>
          reassignReport(trx, actorOf(request), auditContextOf(request), request.params.id, request.body),
        ),
        now(),
      ),
  );

  app.post(
    '/api/reports/:id/person',
    {
      config: staffAccess(REPORT_ROLES, 'report'),
      schema: {
        tags: ['reports'],
        summary: 'Link the report to a person on record, or register the person from the report',
        params: idParamsSchema,
        body: linkPersonBodySchema,
        response: { 200: personSchema },
      },
    },
    async (request) => {
      // Registering the person from the report asks the registry: before the transaction opens.
      const plan = await planLinkPerson(app.db, deps(), actorOf(request), request.params.id, request.body);
      return presentPerson(
        await unitOfWork(app.db, (trx) => linkPerson(trx, actorOf(request), auditContextOf(request), plan)),
      );
    },
  );

  app.post(
    '/api/reports/:id/actions/add-dose',
    {
      config: staffAccess(REPORT_ROLES, 'report'),
      schema: {
        tags: ['reports'],
        summary: 'Add the missing dose (dose rules and audit as at the site; once per report and date)',
        params: idParamsSchema,
        body: recordDoseBodySchema,
        response: { 200: doseSchema, 201: doseSchema },
      },
    },
    async (request, reply) => {
      const { dose, created } = await unitOfWork(app.db, (trx) =>
        addDoseForReport(trx, deps(), actorOf(request), auditContextOf(request), request.params.id, request.body),
      );
      return reply.status(created ? 201 : 200).send(presentDose(dose));
    },
  );

  app.post(
    '/api/reports/:id/actions/correct-dose',
    {
      config: staffAccess(REPORT_ROLES, 'report'),
      schema: {
        tags: ['reports'],
        summary: 'Fix a dose (through the dose rules; audited)',
        params: idParamsSchema,
        body: correctDoseBodySchema,
        response: { 200: doseSchema },
      },
    },
    async (request) =>
      presentDose(
        await unitOfWork(app.db, (trx) =>
          correctDoseForReport(trx, deps(), actorOf(request), auditContextOf(request), request.params.id, request.body),
        ),
      ),
  );

  app.post(
    '/api/reports/:id/actions/correct-person',
    {
      config: staffAccess(REPORT_ROLES, 'report'),
      schema: {
        tags: ['reports'],
        summary: 'Fix the person’s details (identity re-verified)',
        params: idParamsSchema,
        body: updatePersonBodySchema,
        response: { 200: personSchema },
      },
    },
    async (request) => {
      // Changed identity details are checked with the registry: before the transaction opens.
      const plan = await planPersonCorrection(app.db, deps(), actorOf(request), request.params.id, request.body);
      return presentPerson(
        await unitOfWork(app.db, (trx) => correctPersonForReport(trx, actorOf(request), auditContextOf(request), plan)),
      );
    },
  );

  app.post(
    '/api/reports/:id/resolution',
    {
      config: staffAccess(REPORT_ROLES, 'report'),
      schema: {
        tags: ['reports'],
        summary: 'Close the report: corrected, rejected (with a stated reason) or duplicate; the citizen gets an SMS',
        params: idParamsSchema,
        body: resolutionBodySchema,
        response: { 200: reportSchema },
      },
    },
    async (request) =>
      presentReport(
        await unitOfWork(app.db, (trx) =>
          resolveReport(trx, deps(), actorOf(request), auditContextOf(request), request.params.id, request.body),
        ),
        now(),
      ),
  );

  app.post(
    '/api/campaigns',
    {
      config: staffAccess(['national_admin', 'province_admin'], 'body-units'),
      schema: {
        tags: ['reports'],
        summary: 'A campaign: a receipt window and a deadline (e.g. 05–10 Nov, close by 12 Nov)',
        body: campaignBodySchema,
        response: { 201: campaignCreatedSchema },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const c = await unitOfWork(app.db, (trx) =>
        createCampaign(trx, actorOf(request), auditContextOf(request), {
          name: b.name,
          receiveFrom: new Date(b.receiveFrom),
          receiveTo: new Date(b.receiveTo),
          deadline: new Date(b.deadline),
          provinceCode: b.provinceCode,
        }),
      );
      return reply.status(201).send({ id: c.id, name: c.name });
    },
  );

  app.get(
    '/api/campaigns',
    {
      config: staffAccess(REPORT_ROLES, 'own-units'),
      schema: {
        tags: ['reports'],
        summary: 'Campaigns of the caller’s province and national ones',
        response: { 200: listOf(campaignSchema) },
      },
    },
    async (request) => ({
      items: (await listCampaigns(app.db, actorOf(request))).map((c) => ({
        id: c.id,
        name: c.name,
        provinceCode: c.province_code,
        receiveFrom: c.receive_from.toISOString(),
        receiveTo: c.receive_to.toISOString(),
        deadline: c.deadline.toISOString(),
      })),
    }),
  );

  app.get(
    '/api/campaigns/:id',
    {
      config: staffAccess(REPORT_ROLES, 'own-units'),
      schema: {
        tags: ['reports'],
        summary: 'Campaign progress per unit: received, resolved, open, overdue, on-time rate, projected misses',
        params: idParamsSchema,
        response: { 200: campaignProgressSchema },
      },
    },
    async (request) => campaignProgress(app.db, actorOf(request), request.params.id, now()),
  );
};
