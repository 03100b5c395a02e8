import type {
  AuthUser,
  ChangePasswordBody,
  LoginResponse as CoreLoginResponse,
  MeResponse as CoreMeResponse,
  LoginBody,
} from '@tiemchung/core';

/**
 * The signed-in staff member, as returned by `/api/auth/login` and `/api/auth/me`: username, role,
 * display name, the unit (province/district code) the account is scoped to (null for national),
 * the facility of site staff (null otherwise). Core's contract.
 */
export type SessionUser = AuthUser;

export type LoginRequest = LoginBody;

/** The bearer token (for non-browser clients; the web app relies on the HttpOnly cookie), when it ends, the user. */
export type LoginResponse = CoreLoginResponse;

export type MeResponse = CoreMeResponse;

/** `POST /api/auth/password`: the current password and the new one. */
export type ChangePasswordRequest = ChangePasswordBody;
