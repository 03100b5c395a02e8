import type {
  addMemberStartedSchema,
  CheckInToken,
  HealthBookDevice,
  HealthBookSignedIn,
  Household,
  HouseholdMember,
  HouseholdReport,
  HouseholdReportBody,
  healthBookDevicesSchema,
  healthBookSignInStartedSchema,
  NextDoseView,
  ReportCategory,
  ReportReceipt,
  reminderSchema,
} from '@tiemchung/core';
import { api } from '../api/client';

/**
 * The e-health book's API (`/api/health-book/…`): core's contract, types only (the book, a public
 * page, loads no zod). The device's session is the httpOnly cookie `tc_book` the server sets when
 * a sign-in is verified; every call sends it (same origin).
 */
export type {
  CheckInToken,
  HealthBookDevice,
  HealthBookSignedIn,
  Household,
  HouseholdMember,
  HouseholdReport,
  HouseholdReportBody,
  NextDoseView,
  ReportCategory,
  ReportReceipt,
};

/** What a zod schema of core parses to, without loading zod (a type-only import of the schema). */
type Parsed<S extends { parse(value: unknown): unknown }> = ReturnType<S['parse']>;
export type SignInStarted = Parsed<typeof healthBookSignInStartedSchema>;
export type AddMemberStarted = Parsed<typeof addMemberStartedSchema>;
export type Devices = Parsed<typeof healthBookDevicesSchema>;
export type Reminder = Parsed<typeof reminderSchema>;

/** A member's certificate as the book keeps it (the portal's certificate, without a PDF link). */
export type BookCertificate = HouseholdMember['certificate'];
export type BookDose = BookCertificate['doses'][number];

/** The error code of a device whose session is missing, revoked or expired. */
export const SIGNED_OUT = 'health_book_signed_out';

const enc = (s: string) => encodeURIComponent(s);
const BASE = '/api/health-book';

export const bookApi = {
  startSignIn: (phone: string) => api.post<SignInStarted>(`${BASE}/sign-in`, { phone }),
  verifySignIn: (signInId: string, otp: string, deviceName?: string) =>
    api.post<HealthBookSignedIn>(`${BASE}/sign-in/${enc(signInId)}/verify`, { otp, deviceName }),
  household: (signal?: AbortSignal) => api.get<Household>(`${BASE}/household`, { signal }),
  startAddMember: (idNumber: string, dateOfBirth: string) =>
    api.post<AddMemberStarted>(`${BASE}/members`, { idNumber, dateOfBirth }),
  verifyAddMember: (requestId: string, otp: string) =>
    api.post<HouseholdMember>(`${BASE}/members/${enc(requestId)}/verify`, { otp }),
  removeMember: (personId: string) => api.delete<void>(`${BASE}/members/${enc(personId)}`),
  checkInToken: (personId: string) => api.post<CheckInToken>(`${BASE}/members/${enc(personId)}/check-in-token`),
  setReminder: (personId: string, enabled: boolean) =>
    api.put<Reminder>(`${BASE}/members/${enc(personId)}/reminder`, { enabled }),
  fileReport: (personId: string, body: HouseholdReportBody) =>
    api.post<ReportReceipt>(`${BASE}/members/${enc(personId)}/reports`, body),
  devices: (signal?: AbortSignal) => api.get<Devices>(`${BASE}/devices`, { signal }),
  revokeDevice: (id: string) => api.delete<void>(`${BASE}/devices/${enc(id)}`),
  signOut: () => api.post<void>(`${BASE}/sign-out`),
};

/** The certificate's PDF (A4 page or wallet card), sent with the device's cookie. */
export function certificatePdfUrl(personId: string, layout: 'a4' | 'card'): string {
  return `${BASE}/members/${enc(personId)}/certificate.pdf?layout=${layout}`;
}
