import {
  DOSE_KINDS,
  isoDateSchema,
  listOf,
  REPORT_CATEGORIES,
  REPORT_ROLES,
  resolutionBodySchema,
  updatePersonBodySchema,
} from '@tiemchung/core';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { staffAccess } from '../../lib/access.js';
import { actorOf } from '../../lib/authz.js';
import { auditContextOf } from '../audit/audit.service.js';
import { presentDose } from '../doses/doses.service.js';
import { presentPerson } from '../people/people.service.js';
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
  presentReport,
  reassignReport,
  reportActions,
  reportFor,
  resolveReport,
} from './reports.handling.js';

const idParam = z.object({ id: z.string().min(1).max(64) });

const reportSchema = z.object({
  id: z.string(),
  trackingCode: z.string(),
  category: z.string(),
  status: z.string(),
  fullName: z.string(),
  dateOfBirth: z.string(),
  gender: z.string(),
  phone: z.string(),
  idNumber: z.string().nullable(),
  description: z.string(),
  dose: z
    .object({
      administeredOn: z.string().nullable(),
      vaccineCode: z.string().nullable(),
      facilityId: z.string().nullable(),
    })
    .nullable(),
  personId: z.string().nullable(),
  assignedUnit: z.object({ level: z.string(), code: z.string() }),
  provinceCode: z.string(),
  districtCode: z.string().nullable(),
  facilityId: z.string().nullable(),
  handler: z.string().nullable(),
  receivedAt: z.string(),
  dueAt: z.string(),
  overdue: z.boolean(),
  urgency: z.string().nullable(),
  escalatedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  resolvedBy: z.string().nullable(),
  outcome: z.string().nullable(),
  outcomeReason: z.string().nullable(),
  outcomeNote: z.string().nullable(),
  hasEvidence: z.boolean(),
});

const listQuery = z.object({
  status: z.enum(['received', 'in_progress', 'resolved']).optional(),
  overdue: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  category: z.enum(REPORT_CATEGORIES).optional(),
  view: z.enum(['all', 'queue']).default('all'),
  trackingCode: z.string().max(20).optional(),
  receivedFrom: z.iso.datetime({ offset: true }).optional(),
  receivedTo: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(200),
});

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
  const filterOf = (q: z.infer<typeof listQuery>) => ({
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
        querystring: listQuery,
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
    '/api/reports/export.csv',
    {
      config: staffAccess(REPORT_ROLES, 'own-units'),
      schema: { tags: ['reports'], summary: 'The filtered queue as CSV (UTF-8 with BOM)', querystring: listQuery },
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
      schema: { tags: ['reports'], summary: 'The filtered queue as XLSX', querystring: listQuery },
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
        params: idParam,
        response: {
          200: reportSchema.extend({
            actions: z.array(
              z.object({
                action: z.string(),
                entityType: z.string().nullable(),
                entityId: z.string().nullable(),
                detail: z.unknown(),
                actor: z.string().nullable(),
                at: z.string(),
              }),
            ),
          }),
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
      schema: { tags: ['reports'], summary: 'The evidence photo', params: idParam },
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
        params: idParam,
        response: { 200: reportSchema },
      },
    },
    async (request) =>
      presentReport(await claimReport(app.db, actorOf(request), auditContextOf(request), request.params.id), now()),
  );

  app.post(
    '/api/reports/:id/reassign',
    {
      config: staffAccess(REPORT_ROLES, 'report'),
      schema: {
        tags: ['reports'],
        summary: 'Send the report to another unit, with a reason',
        params: idParam,
        body: z.object({
          facilityId: z.string().max(40).optional(),
          unitCode: z
            .string()
            .regex(/^\d{2,5}$/)
            .optional(),
          reason: z.string().trim().min(3).max(500),
        }),
        response: { 200: reportSchema },
      },
    },
    async (request) =>
      presentReport(
        await reassignReport(app.db, actorOf(request), auditContextOf(request), request.params.id, request.body),
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
        params: idParam,
        body: z.object({
          personId: z.string().max(64).optional(),
          create: z.boolean().optional(),
          provinceCode: z
            .string()
            .regex(/^\d{2}$/)
            .optional(),
        }),
      },
    },
    async (request) =>
      presentPerson(
        await linkPerson(app.db, deps(), actorOf(request), auditContextOf(request), request.params.id, request.body),
      ),
  );

  app.post(
    '/api/reports/:id/actions/add-dose',
    {
      config: staffAccess(REPORT_ROLES, 'report'),
      schema: {
        tags: ['reports'],
        summary: 'Add the missing dose (dose rules and audit as at the site; once per report and date)',
        params: idParam,
        body: z.object({
          vaccineCode: z.string().min(1).max(40),
          lotNumber: z.string().trim().min(1).max(40),
          administeredOn: isoDateSchema,
          facilityId: z.string().min(1).max(40),
          doseKind: z.enum(DOSE_KINDS).optional(),
          override: z.object({ reason: z.string().trim().min(5).max(500) }).optional(),
        }),
      },
    },
    async (request, reply) => {
      const { dose, created } = await addDoseForReport(
        app.db,
        deps(),
        actorOf(request),
        auditContextOf(request),
        request.params.id,
        request.body,
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
        params: idParam,
        body: z.object({
          doseId: z.string().min(1).max(64),
          vaccineCode: z.string().max(40).optional(),
          lotNumber: z.string().trim().max(40).optional(),
          administeredOn: isoDateSchema.optional(),
          facilityId: z.string().max(40).optional(),
          override: z.object({ reason: z.string().trim().min(5).max(500) }).optional(),
        }),
      },
    },
    async (request) =>
      presentDose(
        await correctDoseForReport(
          app.db,
          deps(),
          actorOf(request),
          auditContextOf(request),
          request.params.id,
          request.body,
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
        params: idParam,
        body: updatePersonBodySchema,
      },
    },
    async (request) =>
      presentPerson(
        await correctPersonForReport(
          app.db,
          deps(),
          actorOf(request),
          auditContextOf(request),
          request.params.id,
          request.body,
        ),
      ),
  );

  app.post(
    '/api/reports/:id/resolution',
    {
      config: staffAccess(REPORT_ROLES, 'report'),
      schema: {
        tags: ['reports'],
        summary: 'Close the report: corrected, rejected (with a stated reason) or duplicate; the citizen gets an SMS',
        params: idParam,
        body: resolutionBodySchema,
        response: { 200: reportSchema },
      },
    },
    async (request) =>
      presentReport(
        await resolveReport(app.db, deps(), actorOf(request), auditContextOf(request), request.params.id, request.body),
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
        body: z.object({
          name: z.string().trim().min(1).max(200),
          receiveFrom: z.iso.datetime({ offset: true }),
          receiveTo: z.iso.datetime({ offset: true }),
          deadline: z.iso.datetime({ offset: true }),
          provinceCode: z
            .string()
            .regex(/^\d{2}$/)
            .optional(),
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const c = await createCampaign(app.db, actorOf(request), auditContextOf(request), {
        name: b.name,
        receiveFrom: new Date(b.receiveFrom),
        receiveTo: new Date(b.receiveTo),
        deadline: new Date(b.deadline),
        provinceCode: b.provinceCode,
      });
      return reply.status(201).send({ id: c.id, name: c.name });
    },
  );

  app.get(
    '/api/campaigns',
    {
      config: staffAccess(REPORT_ROLES, 'own-units'),
      schema: { tags: ['reports'], summary: 'Campaigns of the caller’s province and national ones' },
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
        params: idParam,
      },
    },
    async (request) => campaignProgress(app.db, actorOf(request), request.params.id, now()),
  );
};
