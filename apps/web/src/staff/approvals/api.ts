import type {
  ApprovalStatus,
  IdentityApproval,
  IdentityApprovalDecisionBody,
  IdentityApprovalRequestBody,
  IdentityBlocked,
  IdentityBlockedRecord,
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
