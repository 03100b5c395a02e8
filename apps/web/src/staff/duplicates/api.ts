import { api } from '../../api/client';
import type { ItemsResponse, Person } from '../reception/api';

/** Why two records look like one person (what made the server list them). */
export type CandidateKind = 'same_name_dob_phone' | 'cmnd_cccd' | 'legacy_match' | 'same_name_dob';

/** An open candidate pair as `/api/people/duplicates` returns it. */
export interface DuplicateCandidate {
  id: number;
  kind: CandidateKind | string;
  createdAt: string;
  a: Person;
  b: Person;
}

export const duplicatesKeys = { list: ['people', 'duplicates'] as const };

export const duplicatesApi = {
  list: (signal?: AbortSignal) =>
    api.get<ItemsResponse<DuplicateCandidate>>('/api/people/duplicates', { signal }).then((r) => r.items),
  /** Keeps `survivorId`; the other record's doses and reports move to it, its id resolves to it. */
  merge: (survivorId: string, duplicateId: string, reason: string) =>
    api.post<{ person: Person; moved: Record<string, number> }>(`/api/people/${encodeURIComponent(survivorId)}/merge`, {
      duplicateId,
      reason,
    }),
  dismiss: (candidateId: number) => api.post<void>(`/api/people/duplicates/${candidateId}/dismiss`),
};
