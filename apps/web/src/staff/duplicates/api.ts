import type { DuplicateCandidate, DuplicateCandidateKind, MergeResult } from '@tiemchung/core';
import { api } from '../../api/client';
import type { ItemsResponse } from '../reception/api';

/** Duplicate records of a person (`/api/people/duplicates`, merge, dismiss): core's contract. */
export type { DuplicateCandidate };
/** Why two records look like one person (what made the server list them). */
export type CandidateKind = DuplicateCandidateKind;

export const duplicatesKeys = { list: ['people', 'duplicates'] as const };

export const duplicatesApi = {
  list: (signal?: AbortSignal) =>
    api.get<ItemsResponse<DuplicateCandidate>>('/api/people/duplicates', { signal }).then((r) => r.items),
  /** Keeps `survivorId`; the other record's doses and reports move to it, its id resolves to it. */
  merge: (survivorId: string, duplicateId: string, reason: string) =>
    api.post<MergeResult>(`/api/people/${encodeURIComponent(survivorId)}/merge`, {
      duplicateId,
      reason,
    }),
  dismiss: (candidateId: number) => api.post<void>(`/api/people/duplicates/${candidateId}/dismiss`),
};
