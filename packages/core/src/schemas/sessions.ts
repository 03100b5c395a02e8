import { z } from 'zod';
import { addDays } from '../doses/calendar.js';
import { DOSE_KINDS } from '../doses/rules.js';
import { FIRST_VACCINE_APPROVAL } from '../vaccines.js';
import { isoDateSchema, isoDateTimeSchema } from './common.js';
import { doseOverrideSchema, doseSchema } from './doses.js';
import { CHECK_IN_QR_PREFIX } from './health-book.js';
import { schemaMessage } from './messages.js';

/**
 * The session at the site (`/api/sessions`, `/api/visits`): the contract the server validates and
 * answers with, and the types the web app's board is built on — one definition for both.
 */

/**
 * Where a visit is: checked in, being screened, vaccinated and observed (30 min), done, or not
 * vaccinated; or, when its session closed before it was done, handed over to another session of
 * the facility (`handed_over`) or ended because the person left (`left`, with the reason).
 */
export const VISIT_STATUSES = [
  'waiting',
  'screening',
  'vaccinated',
  'observing',
  'done',
  'postponed',
  'referred',
  'left',
  'handed_over',
] as const;
export type VisitStatus = (typeof VISIT_STATUSES)[number];

/** The statuses of a visit not done yet: a session closes only once each has an outcome. */
export const UNFINISHED_VISIT_STATUSES = [
  'waiting',
  'screening',
  'vaccinated',
  'observing',
] as const satisfies readonly VisitStatus[];
export type UnfinishedVisitStatus = (typeof UNFINISHED_VISIT_STATUSES)[number];

/** Is the visit still to be done (waiting, in screening, vaccinated or in observation)? */
export function isUnfinishedVisit(status: VisitStatus): status is UnfinishedVisitStatus {
  return (UNFINISHED_VISIT_STATUSES as readonly string[]).includes(status);
}

/** How a person was found at check-in. */
export const CHECK_IN_METHODS = ['list', 'search', 'cccd_qr', 'health_book_qr', 'registration_qr'] as const;
export type CheckInMethod = (typeof CHECK_IN_METHODS)[number];

export const SESSION_STATUSES = ['open', 'closed'] as const;

export const sessionSchema = z.object({
  id: z.string(),
  facilityId: z.string(),
  sessionDate: z.string(),
  name: z.string().nullable(),
  status: z.enum(SESSION_STATUSES),
  openedBy: z.string().nullable(),
  openedAt: z.string(),
  closedAt: z.string().nullable(),
});
export type Session = z.infer<typeof sessionSchema>;

/** Who a visit is for, as the board shows it. */
export const visitPersonSchema = z.object({ fullName: z.string(), dateOfBirth: z.string(), gender: z.string() });
export type VisitPerson = z.infer<typeof visitPersonSchema>;

export const visitSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  personId: z.string(),
  queueNumber: z.number(),
  status: z.enum(VISIT_STATUSES),
  checkInMethod: z.string(),
  checkedInAt: z.string(),
  screeningOutcome: z.string().nullable(),
  screeningReason: z.string().nullable(),
  doseId: z.string().nullable(),
  /** ISO time the 30-minute observation ends. */
  observationUntil: z.string().nullable(),
  doneAt: z.string().nullable(),
  /** Why the person left (status `left`: recorded when the session closed). */
  leftReason: z.string().nullable().optional(),
  /** The session the visit was handed over to (status `handed_over`). */
  handedOverTo: z.string().nullable().optional(),
  /** The session this visit was handed over from (its visit there is `handed_over`). */
  handedOverFrom: z.string().nullable().optional(),
  /** Sent with the board; not with the answers to check-in / screening / dose. */
  person: visitPersonSchema.optional(),
});
export type Visit = z.infer<typeof visitSchema>;

/** The day's figures of a session. */
export const tallySchema = z.object({
  checkedIn: z.number(),
  waiting: z.number(),
  screened: z.number(),
  observing: z.number(),
  done: z.number(),
  postponed: z.number(),
  referred: z.number(),
  /** Visits ended at closing because the person left. */
  left: z.number().optional(),
  /** Visits handed over to another session at closing. */
  handedOver: z.number().optional(),
  vaccinated: z.number(),
  byVaccine: z.record(z.string(), z.number()),
});
export type Tally = z.infer<typeof tallySchema>;

export const sessionLotSchema = z.object({
  lotNumber: z.string(),
  vaccineCode: z.string(),
  expiresOn: z.string(),
  dosesPerVial: z.number(),
  vialsOpened: z.number().nullable(),
});
export type SessionLot = z.infer<typeof sessionLotSchema>;

/** `GET /api/sessions/{id}`: the session board. */
export const boardSchema = z.object({
  session: sessionSchema,
  visits: z.array(visitSchema),
  tally: tallySchema,
  lots: z.array(sessionLotSchema),
});
export type Board = z.infer<typeof boardSchema>;

/** `POST /api/sessions`. */
export const openSessionBodySchema = z.object({
  facilityId: z.string().min(1).max(40),
  sessionDate: isoDateSchema,
  name: z.string().trim().max(100).optional(),
  lotNumbers: z.array(z.string().trim().min(1).max(40)).max(20).optional(),
});
export type OpenSessionBody = z.infer<typeof openSessionBodySchema>;

/** How far ahead a session may be opened: planned ahead, not years ahead. */
export const SESSION_MAX_DAYS_AHEAD = 365;

/**
 * The days a session may be held on (`POST /api/sessions`, 400 `session_date_out_of_range`): from
 * the day the first COVID-19 vaccine was approved in Vietnam (no dose can be given before it) to
 * `SESSION_MAX_DAYS_AHEAD` days after today (the day in Vietnam). Past days are allowed: a session
 * held on paper is recorded afterwards, as its doses are.
 */
export function sessionDateRange(today: string): { readonly from: string; readonly to: string } {
  return { from: FIRST_VACCINE_APPROVAL, to: addDays(today, SESSION_MAX_DAYS_AHEAD) };
}

/** Can a session be held on `date`, `today` being the day in Vietnam? */
export function isSessionDateAllowed(date: string, today: string): boolean {
  const { from, to } = sessionDateRange(today);
  return date >= from && date <= to;
}

/** `POST /api/sessions/{id}/visits`: one of the person's id, a registrant's QR or a certificate QR. */
export const checkInBodySchema = z
  .object({
    /** The visit's id, made by the client (offline check-in): the same id again is the same visit. */
    id: z.uuid().optional(),
    personId: z.string().min(1).max(64).optional(),
    /** The text of a registrant's QR (TCDK:DK-…): the person is found or registered from it. */
    registrationQr: z.string().min(4).max(40).optional(),
    /** The certificate QR (HC1:…) the citizen's e-health book shows: the person it was issued to. */
    healthBookQr: z.string().startsWith('HC1:').max(4000).optional(),
    /** The e-health book's check-in QR (TCSK:…, short-lived, no personal data): the person it was made for. */
    checkInQr: z.string().startsWith(CHECK_IN_QR_PREFIX).max(200).optional(),
    method: z.enum(CHECK_IN_METHODS).default('search'),
  })
  .refine((b) => [b.personId, b.registrationQr, b.healthBookQr, b.checkInQr].filter(Boolean).length === 1, {
    ...schemaMessage('oneCheckIn'),
    path: ['personId'],
  });
export type CheckInBody = z.input<typeof checkInBodySchema>;

/** `GET /api/sessions`: by facility and dates. */
export const sessionsQuerySchema = z.object({
  facilityId: z.string().max(40).optional(),
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
});
export type SessionsQuery = z.input<typeof sessionsQuerySchema>;

/** The answer to `POST /api/visits/{id}/screening`: the visit, and the outcome the checklist suggests. */
export const screeningResultSchema = z.object({ visit: visitSchema, suggestion: z.string() });
export type ScreeningResult = z.infer<typeof screeningResultSchema>;

/** `POST /api/visits/{id}/dose`. */
export const visitDoseBodySchema = z.object({
  vaccineCode: z.string().min(1).max(40),
  lotNumber: z.string().trim().min(1).max(40),
  doseKind: z.enum(DOSE_KINDS).optional(),
  override: doseOverrideSchema.optional(),
  /** When the dose was given, if earlier than now (a dose recorded offline and synced later). */
  givenAt: isoDateTimeSchema.optional(),
});
export type VisitDoseBody = z.infer<typeof visitDoseBodySchema>;

/** The answer to a visit's dose: the visit (now observing) and the dose recorded. */
export const visitDoseResultSchema = z.object({ visit: visitSchema, dose: doseSchema });
export type VisitDoseResult = z.infer<typeof visitDoseResultSchema>;

/**
 * What becomes of a visit not done when its session closes: handed over to another open session
 * of the facility (`sessionId`; a visit there continues it), ended because the person left (with
 * the reason), or — an observation whose 30 minutes are over — done.
 */
export const VISIT_CLOSE_OUTCOMES = ['handover', 'left', 'done'] as const;
export type VisitCloseOutcome = (typeof VISIT_CLOSE_OUTCOMES)[number];

export const visitCloseOutcomeSchema = z.discriminatedUnion('outcome', [
  z.object({
    visitId: z.string().min(1).max(64),
    outcome: z.literal('handover'),
    sessionId: z.string().min(1).max(64),
  }),
  z.object({
    visitId: z.string().min(1).max(64),
    outcome: z.literal('left'),
    reason: z.string().trim().min(3).max(500),
  }),
  z.object({ visitId: z.string().min(1).max(64), outcome: z.literal('done') }),
]);
export type VisitCloseOutcomeBody = z.infer<typeof visitCloseOutcomeSchema>;

/**
 * `POST /api/sessions/{id}/close`: the vials opened of each lot; and, when visits are not done,
 * an outcome for each (`visits`; without them the close answers 409 `session_visits_unresolved`
 * listing those visits).
 */
export const closeSessionBodySchema = z.object({
  lots: z
    .array(
      z.object({
        lotNumber: z.string().trim().min(1).max(40),
        /**
         * The lot's vaccine: needed only when lots of several vaccines share the number (else 422
         * `session_lot_ambiguous`); a lot is (vaccine, lot number).
         */
        vaccineCode: z.string().min(1).max(40).optional(),
        vialsOpened: z.number().int().min(0).max(10_000),
      }),
    )
    .max(20),
  visits: z.array(visitCloseOutcomeSchema).max(1000).optional(),
});
export type CloseSessionBody = z.infer<typeof closeSessionBodySchema>;

/** A lot at a closed session: doses used (vials × doses per vial) against doses recorded. */
export const lotUsageSchema = z.object({
  lotNumber: z.string(),
  vaccineCode: z.string(),
  vialsOpened: z.number(),
  dosesPerVial: z.number(),
  dosesUsed: z.number(),
  dosesRecorded: z.number(),
  possibleUnrecorded: z.number(),
});
export type LotUsage = z.infer<typeof lotUsageSchema>;

/** A visit not done that the close resolved, and how. */
export const resolvedVisitSchema = z.object({
  visitId: z.string(),
  personId: z.string(),
  queueNumber: z.number(),
  outcome: z.enum(VISIT_CLOSE_OUTCOMES),
  /** Handed over: the session and the visit there. */
  sessionId: z.string().nullable(),
  toVisitId: z.string().nullable(),
});
export type ResolvedVisit = z.infer<typeof resolvedVisitSchema>;

/** A visit not done, as the 409 `session_visits_unresolved` lists it (`visits` beside `error`). */
export const unresolvedVisitSchema = z.object({
  id: z.string(),
  personId: z.string(),
  queueNumber: z.number(),
  status: z.enum(UNFINISHED_VISIT_STATUSES),
});
export type UnresolvedVisit = z.infer<typeof unresolvedVisitSchema>;

/** The answer to closing a session. */
export const closeSessionResultSchema = z.object({
  session: sessionSchema,
  lots: z.array(lotUsageSchema),
  /** The visits not done that the close handed over or ended. */
  visits: z.array(resolvedVisitSchema).optional(),
});
export type CloseSessionResult = z.infer<typeof closeSessionResultSchema>;
