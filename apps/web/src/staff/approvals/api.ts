import type {
  ApprovalStatus,
  IdentityApproval,
  IdentityApprovalDecisionBody,
  IdentityApprovalRequestBody,
  IdentityBlocked,
  IdentityBlockedRecord,
  PassportBlocker,
  PassportList,
  PassportSignResult,
  PassportState,
  PersonPassport,
} from '@tiemchung/core';
import { api } from '../../api/client';
import type { ItemsResponse } from '../reception/api';

/** Identity approvals (`/api/identity-approvals`): core's contract, type-only. */
export type { ApprovalStatus, IdentityApproval, IdentityBlocked, IdentityBlockedRecord };

export interface ApprovalsListQuery {
  status?: ApprovalStatus | undefined;
  personId?: string | undefined;
  limit?: number | undefined;
}

/** react-query keys (under `identity-approvals`: dropped with the other staff data on sign-out). */
export const approvalsKeys = {
  all: ['identity-approvals'] as const,
  list: (query: ApprovalsListQuery) => ['identity-approvals', 'list', query] as const,
  ofPerson: (personId: string) => ['identity-approvals', 'person', personId] as const,
  blocked: (unitCode: string | null) => ['identity-approvals', 'blocked', unitCode ?? 'all'] as const,
};

export const approvalsApi = {
  list: (query: ApprovalsListQuery, signal?: AbortSignal) =>
    api
      .get<ItemsResponse<IdentityApproval>>('/api/identity-approvals', { query: { ...query }, signal })
      .then((r) => r.items),
  request: (body: IdentityApprovalRequestBody) => api.post<IdentityApproval>('/api/identity-approvals', body),
  decide: (id: string, body: IdentityApprovalDecisionBody) =>
    api.post<IdentityApproval>(`/api/identity-approvals/${encodeURIComponent(id)}/decision`, body),
  blocked: (unitCode: string | null, signal?: AbortSignal) =>
    api.get<IdentityBlocked>('/api/identity-approvals/blocked', {
      query: { unitCode: unitCode ?? undefined, limit: 200 },
      signal,
    }),
};

/** The shortest reason the server takes (core's schema: 5 to 500 characters, trimmed). */
export const MIN_REASON = 5;
export const MAX_REASON = 500;

/** The vaccine passport (`/api/passports`, `/api/people/{id}/passport`): core's contract, type-only. */
export type PassportListItem = PassportList['items'][number];
export type { PassportBlocker, PassportList, PassportSignResult, PassportState, PersonPassport };

/** The answer of `POST /api/passports/confirmations`. */
export interface PassportConfirmResult {
  items: { personId: string; state: PassportState; blockers: PassportBlocker[] }[];
}

export interface PassportListQuery {
  state?: PassportState | undefined;
  unitCode?: string | undefined;
}

/** How many records one page of the passport list holds. */
export const PASSPORT_PAGE_SIZE = 50;
/** The most records one confirmation takes (core's `passportConfirmBodySchema`). */
export const PASSPORT_CONFIRM_MAX = 200;
/** How many confirmed records one "Ký hàng loạt" signs. */
export const PASSPORT_SIGN_LIMIT = 1000;

/** react-query keys (under `passports`: dropped with the other staff data on sign-out). */
export const passportKeys = {
  all: ['passports'] as const,
  list: (query: PassportListQuery) => ['passports', 'list', query] as const,
  ofPerson: (personId: string) => ['passports', 'person', personId] as const,
};

export const passportApi = {
  list: (query: PassportListQuery, after: string | null, signal?: AbortSignal) =>
    api.get<PassportList>('/api/passports', {
      query: { ...query, after: after ?? undefined, limit: PASSPORT_PAGE_SIZE },
      signal,
    }),
  ofPerson: (personId: string, signal?: AbortSignal) =>
    api.get<PersonPassport>(`/api/people/${encodeURIComponent(personId)}/passport`, { signal }),
  confirm: (personIds: string[]) => api.post<PassportConfirmResult>('/api/passports/confirmations', { personIds }),
  sign: (limit = PASSPORT_SIGN_LIMIT) => api.post<PassportSignResult>('/api/passports/signatures', { limit }),
};
