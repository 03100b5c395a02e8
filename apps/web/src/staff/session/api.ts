import {
  type Board,
  CHECK_IN_METHODS,
  type CheckInMethod,
  type Dose,
  type DoseKind,
  type DoseRuleViolation,
  type Facility,
  type ScreeningAnswer,
  type ScreeningOutcome,
  type Session,
  type SessionLot,
  type StockLot,
  type Tally,
  VISIT_STATUSES,
  type Visit,
  type VisitPerson,
  type VisitStatus,
  type Vitals,
} from '@tiemchung/core';
import { api } from '../../api/client';
import type { ItemsResponse, Person } from '../reception/api';

/** The session area's view of the server (`/api/sessions`, `/api/visits`, ...): the contract's types from core. */
export type {
  Board,
  CheckInMethod,
  Dose,
  Facility,
  Person,
  Session,
  SessionLot,
  StockLot,
  Tally,
  Visit,
  VisitPerson,
  VisitStatus,
};
/** One broken dose rule in a 422 answer. */
export type Violation = DoseRuleViolation;
export { CHECK_IN_METHODS, VISIT_STATUSES };

/** A registration invited for a date at a facility (the fields the board shows). */
export interface InvitedRegistration {
  id: string;
  code: string;
  fullName: string;
  dateOfBirth: string;
  gender: string;
  assignedFacilityId: string | null;
  invitedFor: string | null;
}

/** A lot held by a facility (`GET /api/lots?facilityId=`). */
export interface ScreeningRequest {
  answers: Record<string, ScreeningAnswer>;
  vitals: Vitals;
  outcome: ScreeningOutcome;
  reason?: string;
}

export interface DoseRequest {
  vaccineCode: string;
  lotNumber: string;
  doseKind?: DoseKind;
  /** When the dose was given (the nurse's submit, even if it syncs later): the observation starts then. */
  givenAt?: string;
}

export interface AdverseEventRequest {
  personId: string;
  doseId?: string;
  visitId?: string;
  occurredAt?: string;
  symptoms: string[];
  severity: 'mild' | 'serious';
  actionTaken: string;
}

export interface CloseRequest {
  lots: { lotNumber: string; vialsOpened: number }[];
}

export interface LotUsage {
  lotNumber: string;
  vaccineCode: string;
  vialsOpened: number;
  dosesPerVial: number;
  dosesUsed: number;
  dosesRecorded: number;
  possibleUnrecorded: number;
}

export interface CloseResponse {
  session: Session;
  lots: LotUsage[];
}

const enc = encodeURIComponent;

export const sessionApi = {
  list: (query: { facilityId?: string; from?: string; to?: string }, signal?: AbortSignal) =>
    api.get<ItemsResponse<Session>>('/api/sessions', { query, signal }),
  open: (body: { facilityId: string; sessionDate: string; name?: string; lotNumbers?: string[] }) =>
    api.post<Session>('/api/sessions', body),
  board: (id: string, signal?: AbortSignal) => api.get<Board>(`/api/sessions/${enc(id)}`, { signal }),
  /**
   * Check-in of a portal registrant by the text of their QR (TCDK:DK-…), scanned (`registration_qr`)
   * or picked from the list of those invited for the day (`list`): the server finds or registers
   * the person.
   */
  checkInRegistration: (
    sessionId: string,
    body: { id: string; registrationQr: string },
    method: 'registration_qr' | 'list' = 'registration_qr',
  ) => api.post<Visit>(`/api/sessions/${enc(sessionId)}/visits`, { ...body, method }),
  /** Check-in by the certificate QR of the citizen's e-health book (HC1:…): the server finds the holder. */
  checkInHealthBook: (sessionId: string, body: { id: string; healthBookQr: string }) =>
    api.post<Visit>(`/api/sessions/${enc(sessionId)}/visits`, { ...body, method: 'health_book_qr' }),
  /** Registrants a facility invited for a day (`GET /api/registrations?status=invited&…`). */
  invited: (facilityId: string, day: string, signal?: AbortSignal) =>
    api
      .get<ItemsResponse<InvitedRegistration>>('/api/registrations', {
        query: { status: 'invited', facilityId, invitedFor: day },
        signal,
      })
      .then((r) => r.items),
  checkIn: (sessionId: string, body: { id: string; personId: string; method: CheckInMethod }, signal?: AbortSignal) =>
    api.post<Visit>(`/api/sessions/${enc(sessionId)}/visits`, body, { signal }),
  screening: (visitId: string, body: ScreeningRequest, signal?: AbortSignal) =>
    api.post<{ visit: Visit; suggestion: string }>(`/api/visits/${enc(visitId)}/screening`, body, { signal }),
  dose: (visitId: string, body: DoseRequest, idempotencyKey: string, signal?: AbortSignal) =>
    api.post<{ visit: Visit; dose: Dose }>(`/api/visits/${enc(visitId)}/dose`, body, {
      headers: { 'Idempotency-Key': idempotencyKey },
      signal,
    }),
  complete: (visitId: string, signal?: AbortSignal) =>
    api.post<Visit>(`/api/visits/${enc(visitId)}/complete`, undefined, { signal }),
  adverseEvent: (body: AdverseEventRequest) => api.post<{ id: string; severity: string }>('/api/adverse-events', body),
  close: (sessionId: string, body: CloseRequest) =>
    api.post<CloseResponse>(`/api/sessions/${enc(sessionId)}/close`, body),
  lots: (facilityId: string, signal?: AbortSignal) =>
    api.get<ItemsResponse<StockLot>>('/api/lots', { query: { facilityId }, signal }),
  doses: (personId: string, signal?: AbortSignal) =>
    api.get<ItemsResponse<Dose>>(`/api/people/${enc(personId)}/doses`, { signal }),
  facilities: (signal?: AbortSignal) => api.get<ItemsResponse<Facility>>('/api/facilities', { signal }),
};
