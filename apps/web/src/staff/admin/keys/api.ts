import type { SigningKey, SigningKeysResponse } from '@tiemchung/core';
import { api } from '../../../api/client';

/** The signing-keys section's calls: core's contract. */
export type { SigningKey };

/** The public trust list verifiers download (it carries the keys marked `inTrustList`). */
export const TRUST_LIST_URL = '/api/certificates/trust-list';

export const keysKeys = {
  list: ['admin', 'signing-keys'] as const,
};

export const keysApi = {
  list: (signal?: AbortSignal) =>
    api.get<SigningKeysResponse>('/api/certificates/keys', { signal }).then((r) => r.items),
  rotate: () => api.post<{ kid: string }>('/api/certificates/keys/rotate'),
};
