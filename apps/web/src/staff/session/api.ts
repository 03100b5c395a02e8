import {
  type AdverseEventBody,
  type AdverseEventRecorded,
  type Board,
  CHECK_IN_METHODS,
  type CheckInMethod,
  type CloseSessionBody,
  type CloseSessionResult,
  type Dose,
  type DoseRuleViolation,
  type Facility,
  type LotUsage,
  type OpenSessionBody,
  type Registration,
  type ScreeningBodyInput,
  type ScreeningResult,
  type Session,
  type SessionLot,
  type SessionsQuery,
  type StockLot,
  type Tally,
  VISIT_STATUSES,
  type Visit,
  type VisitDoseBody,
  type VisitDoseResult,
  type VisitPerson,
  type VisitStatus,
} from '@tiemchung/core';
import { api } from '../../api/client';
import type { ItemsResponse, Person } from '../reception/api';

/** The session area's view of the server (`/api/sessions`, `/api/visits`, ...): the contract's types from core. */
export type {
  Board,
  CheckInMethod,
  Dose,
  Facility,
  LotUsage,
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
export type InvitedRegistration = Pick<
  Registration,
  'id' | 'code' | 'fullName' | 'dateOfBirth' | 'gender' | 'assignedFacilityId' | 'invitedFor'
>;

/** `POST /api/visits/{id}/screening` as sent (the vital signs may be left out). */
export type ScreeningRequest = ScreeningBodyInput;
/** `POST /api/visits/{id}/dose`: `givenAt` is the nurse's submit, even if it syncs later (the observation starts then). */
export type DoseRequest = VisitDoseBody;
export type AdverseEventRequest = AdverseEventBody;
export type CloseRequest = CloseSessionBody;
export type CloseResponse = CloseSessionResult;

const enc = encodeURIComponent;

export const sessionApi = {
  list: (query: SessionsQuery, signal?: AbortSignal) =>
    api.get<ItemsResponse<Session>>('/api/sessions', { query, signal }),
  open: (body: OpenSessionBody) => api.post<Session>('/api/sessions', body),
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
  /**
   * Check-in by the e-health book's check-in QR (TCSK:…, short-lived, no personal data): the
   * server checks the token's signature and expiry and finds the member it was made for.
   */
  checkInToken: (sessionId: string, body: { id: string; checkInQr: string }) =>
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
    api.post<ScreeningResult>(`/api/visits/${enc(visitId)}/screening`, body, { signal }),
  dose: (visitId: string, body: DoseRequest, idempotencyKey: string, signal?: AbortSignal) =>
    api.post<VisitDoseResult>(`/api/visits/${enc(visitId)}/dose`, body, {
      headers: { 'Idempotency-Key': idempotencyKey },
      signal,
    }),
  complete: (visitId: string, signal?: AbortSignal) =>
    api.post<Visit>(`/api/visits/${enc(visitId)}/complete`, undefined, { signal }),
  adverseEvent: (body: AdverseEventRequest) => api.post<AdverseEventRecorded>('/api/adverse-events', body),
  close: (sessionId: string, body: CloseRequest) =>
    api.post<CloseResponse>(`/api/sessions/${enc(sessionId)}/close`, body),
  lots: (facilityId: string, signal?: AbortSignal) =>
    api.get<ItemsResponse<StockLot>>('/api/lots', { query: { facilityId }, signal }),
  doses: (personId: string, signal?: AbortSignal) =>
    api.get<ItemsResponse<Dose>>(`/api/people/${enc(personId)}/doses`, { signal }),
  facilities: (signal?: AbortSignal) => api.get<ItemsResponse<Facility>>('/api/facilities', { signal }),
};
