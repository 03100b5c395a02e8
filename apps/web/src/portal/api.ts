import { useQuery } from '@tanstack/react-query';
import type {
  AdminUnit,
  CatalogueVaccine,
  CertificateDose,
  CertificateLookupBody,
  Facility,
  Gender,
  LookupStarted,
  PortalCertificate,
  PortalRegistrationBody,
  PortalReportBody,
  PortalReportStatus,
  PriorityGroup,
  RegistrationConfirmation,
  RegistrationStarted,
  RejectionReason,
  ReportCategory,
  ReportOutcome,
  ReportReceipt,
  ReportStatus as ReportState,
  ScreeningAnswer,
} from '@tiemchung/core';
import { api } from '../api/client';

/**
 * The citizens' portal API (`/api/portal/...`) and the public reference data it uses. Every body
 * and answer is core's contract (types only: the public pages load no zod); the two lists are
 * core's zod-free constants.
 */
export { PRIORITY_GROUPS, REPORT_CATEGORIES } from '@tiemchung/core';
export type {
  CertificateDose,
  Gender,
  PriorityGroup,
  RegistrationConfirmation,
  RejectionReason,
  ReportCategory,
  ReportOutcome,
  ReportReceipt,
  ReportState,
};

/** The certificate the portal shows after the OTP, with its PDF link. */
export type Certificate = PortalCertificate;
/** Who the citizen says they are (the certificate look-up's body). */
export type PersonBody = CertificateLookupBody;
export type ReportBody = PortalReportBody;
/** A report as the citizen who filed it sees it. */
export type ReportStatus = PortalReportStatus;
export type ChecklistAnswer = ScreeningAnswer;
export type RegistrationBody = PortalRegistrationBody;

const path = (s: string) => encodeURIComponent(s);

export const portalApi = {
  startLookup: (body: PersonBody) => api.post<LookupStarted>('/api/portal/certificate-lookups', body),
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
  startRegistration: (body: RegistrationBody) => api.post<RegistrationStarted>('/api/portal/registrations', body),
  confirmRegistration: (registrationId: string, otp: string) =>
    api.post<RegistrationConfirmation>(`/api/portal/registrations/${path(registrationId)}/verify`, { otp }),
};

interface Items<T> {
  items: T[];
}

/** What the portal's forms show of a vaccine of the catalogue. */
export type VaccineItem = Pick<CatalogueVaccine, 'code' | 'name' | 'localName'>;

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
