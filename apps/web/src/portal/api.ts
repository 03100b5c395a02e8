import { useQuery } from '@tanstack/react-query';
import type { AdminUnit, CertificateDose, Facility, PortalCertificate } from '@tiemchung/core';
import { api } from '../api/client';

/** The citizens' portal API (`/api/portal/...`) and the public reference data it uses. */

export type Gender = 'male' | 'female';

/** The certificate the portal shows after the OTP, with its PDF link (core's contract). */
export type Certificate = PortalCertificate;
export type { CertificateDose };

export interface PersonBody {
  fullName: string;
  dateOfBirth: string;
  gender: Gender;
  phone: string;
  idNumber?: string | undefined;
}

export const REPORT_CATEGORIES = ['missing_dose', 'wrong_dose', 'wrong_personal_info', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export interface ReportBody extends PersonBody {
  category: ReportCategory;
  description: string;
  provinceCode?: string | undefined;
  dose?: { administeredOn?: string | undefined; vaccineCode?: string | undefined; facilityId?: string | undefined };
}

export interface ReportReceipt {
  trackingCode: string;
  receivedAt: string;
  dueAt: string;
  status: string;
}

export type ReportState = 'received' | 'in_progress' | 'resolved';
export type ReportOutcome = 'corrected' | 'rejected' | 'duplicate';
export type RejectionReason = 'evidence_incomplete' | 'details_mismatch' | 'photo_unusable' | 'other';

export interface ReportStatus {
  trackingCode: string;
  status: ReportState;
  category: ReportCategory;
  receivedAt: string;
  dueAt: string;
  resolvedAt: string | null;
  outcome: ReportOutcome | null;
  outcomeReason: RejectionReason | null;
  outcomeNote: string | null;
  hasEvidence: boolean;
}

export const PRIORITY_GROUPS = [
  'health_worker',
  'frontline',
  'essential_services',
  'teacher',
  'elderly_65',
  'chronic_disease',
  'industrial_worker',
  'other',
] as const;
export type PriorityGroup = (typeof PRIORITY_GROUPS)[number];

export type ChecklistAnswer = 'yes' | 'no' | 'unsure';

export interface RegistrationBody extends PersonBody {
  idNumber: string;
  healthInsuranceNumber?: string | undefined;
  occupation?: string | undefined;
  priorityGroup: PriorityGroup;
  provinceCode: string;
  districtCode?: string | undefined;
  communeCode?: string | undefined;
  ethnicity?: string | undefined;
  nationality: string;
  preferredDate?: string | undefined;
  checklist: Record<string, ChecklistAnswer>;
  consent: true;
}

export interface RegistrationConfirmation {
  code: string;
  qr: string;
  status: string;
  fullName: string;
  provinceCode: string;
}

const path = (s: string) => encodeURIComponent(s);

export const portalApi = {
  startLookup: (body: PersonBody) => api.post<{ lookupId: string }>('/api/portal/certificate-lookups', body),
  verifyLookup: (lookupId: string, otp: string) =>
    api.post<Certificate>(`/api/portal/certificate-lookups/${path(lookupId)}/verify`, { otp }),
  fileReport: (body: ReportBody) => api.post<ReportReceipt>('/api/portal/reports', body),
  attachEvidence: (trackingCode: string, phone: string, photo: File) => {
    const form = new FormData();
    form.append('phone', phone);
    form.append('photo', photo, photo.name);
    return api.post<void>(`/api/portal/reports/${path(trackingCode)}/evidence`, form);
  },
  reportStatus: (trackingCode: string, phone: string, signal?: AbortSignal) =>
    api.get<ReportStatus>(`/api/portal/reports/${path(trackingCode)}`, { query: { phone }, signal }),
  startRegistration: (body: RegistrationBody) =>
    api.post<{ registrationId: string }>('/api/portal/registrations', body),
  confirmRegistration: (registrationId: string, otp: string) =>
    api.post<RegistrationConfirmation>(`/api/portal/registrations/${path(registrationId)}/verify`, { otp }),
};

interface Items<T> {
  items: T[];
}

export interface VaccineItem {
  code: string;
  name: string;
  localName: string;
}

/** Reference data changes rarely: keep it for the whole visit. */
const REFERENCE_STALE_MS = 60 * 60_000;

export function useVaccines() {
  return useQuery({
    queryKey: ['portal', 'vaccines'],
    queryFn: ({ signal }) => api.get<Items<VaccineItem>>('/api/vaccines', { signal }).then((r) => r.items),
    staleTime: REFERENCE_STALE_MS,
  });
}

/** The vaccination facilities of a province (none asked while no province is chosen). */
export function useFacilities(provinceCode: string) {
  return useQuery({
    queryKey: ['portal', 'facilities', provinceCode],
    queryFn: ({ signal }) =>
      api.get<Items<Facility>>('/api/facilities', { query: { provinceCode }, signal }).then((r) => r.items),
    enabled: provinceCode !== '',
    staleTime: REFERENCE_STALE_MS,
  });
}

/** The districts of a province or the communes of a district (none asked without a parent). */
export function useChildUnits(parentCode: string) {
  return useQuery({
    queryKey: ['portal', 'units', parentCode],
    queryFn: ({ signal }) =>
      api.get<Items<AdminUnit>>('/api/units', { query: { parentCode }, signal }).then((r) => r.items),
    enabled: parentCode !== '',
    staleTime: REFERENCE_STALE_MS,
  });
}
