import type { Role } from './roles';

/** The signed-in staff member, as returned by `/api/auth/login` and `/api/auth/me`. */
export interface SessionUser {
  username: string;
  role: Role;
  displayName: string;
  /** Administrative unit (province/district code) the account is scoped to; null for national. */
  unitCode: string | null;
  /** Vaccination facility of site staff; null otherwise. */
  facilityId: string | null;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  /** Bearer token for non-browser clients; the web app relies on the HttpOnly cookie instead. */
  token: string;
  /** When the session ends (ISO 8601), if the server says. */
  expiresAt?: string;
  user: SessionUser;
}

export interface MeResponse {
  user: SessionUser;
}
