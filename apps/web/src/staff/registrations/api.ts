import {
  type AssignRegistrationBody,
  type Registration,
  type RegistrationStatus,
  STAFF_REGISTRATION_STATUSES,
} from '@tiemchung/core';
import { api } from '../../api/client';
import type { ItemsResponse } from '../reception/api';

export type { Registration, RegistrationStatus };
/** The statuses staff filter by, and a registration as `/api/registrations` returns it (core's contract). */
export { STAFF_REGISTRATION_STATUSES as REGISTRATION_STATUSES };

export const registrationsKeys = {
  list: (status: string) => ['registrations', status] as const,
};

export const registrationsApi = {
  list: (status: RegistrationStatus | '', signal?: AbortSignal) =>
    api
      .get<ItemsResponse<Registration>>('/api/registrations', { query: status ? { status } : {}, signal })
      .then((r) => r.items),
  assign: (id: string, to: AssignRegistrationBody) =>
    api.post<Registration>(`/api/registrations/${encodeURIComponent(id)}/assign`, to),
  invite: (id: string, date: string) =>
    api.post<Registration>(`/api/registrations/${encodeURIComponent(id)}/invite`, { date }),
};
