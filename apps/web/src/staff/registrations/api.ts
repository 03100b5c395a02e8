import { api } from '../../api/client';
import type { ItemsResponse } from '../reception/api';

export const REGISTRATION_STATUSES = ['confirmed', 'assigned', 'invited', 'checked_in', 'cancelled'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];

/** A confirmed registration as `/api/registrations` returns it. */
export interface Registration {
  id: string;
  code: string;
  fullName: string;
  dateOfBirth: string;
  gender: string;
  phone: string;
  priorityGroup: string;
  provinceCode: string;
  districtCode: string | null;
  preferredDate: string | null;
  status: RegistrationStatus | string;
  assignedDistrictCode: string | null;
  assignedFacilityId: string | null;
  invitedFor: string | null;
  createdAt: string;
}

export const registrationsKeys = {
  list: (status: string) => ['registrations', status] as const,
};

export const registrationsApi = {
  list: (status: RegistrationStatus | '', signal?: AbortSignal) =>
    api
      .get<ItemsResponse<Registration>>('/api/registrations', { query: status ? { status } : {}, signal })
      .then((r) => r.items),
  assign: (id: string, to: { districtCode: string } | { facilityId: string }) =>
    api.post<Registration>(`/api/registrations/${encodeURIComponent(id)}/assign`, to),
  invite: (id: string, date: string) =>
    api.post<Registration>(`/api/registrations/${encodeURIComponent(id)}/invite`, { date }),
};
