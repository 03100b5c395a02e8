import { api, isApiError } from '../api/client';
import { isRole } from './roles';
import type { ChangePasswordRequest, LoginRequest, LoginResponse, MeResponse, SessionUser } from './types';

/**
 * The last signed-in user, kept so that the staff app still opens when the server cannot be
 * reached (a vaccination site working offline reloads the page): the server's answer always wins
 * when there is one, and signing out (or a 401) forgets it. No token is kept, only who it was.
 */
const LAST_USER_KEY = 'tiemchung.lastUser';

function rememberUser(user: SessionUser | null): void {
  try {
    if (user) window.localStorage.setItem(LAST_USER_KEY, JSON.stringify(user));
    else window.localStorage.removeItem(LAST_USER_KEY);
  } catch {
    // storage disabled: no offline start then
  }
}

function rememberedUser(): SessionUser | null {
  try {
    const value = JSON.parse(window.localStorage.getItem(LAST_USER_KEY) ?? 'null') as Partial<SessionUser> | null;
    if (!value || typeof value.username !== 'string' || typeof value.displayName !== 'string' || !isRole(value.role)) {
      return null;
    }
    return {
      username: value.username,
      role: value.role,
      displayName: value.displayName,
      unitCode: typeof value.unitCode === 'string' ? value.unitCode : null,
      facilityId: typeof value.facilityId === 'string' ? value.facilityId : null,
      mustChangePassword: value.mustChangePassword === true,
    };
  } catch {
    return null;
  }
}

/**
 * True when this browser signed in and has not signed out since (the last user is remembered):
 * the only case where a public page asks the server who is signed in. A visitor who never signed
 * in makes no `GET /api/auth/me` (nor gets its 401); the staff pages always ask.
 */
export function hasSessionHint(): boolean {
  try {
    return window.localStorage.getItem(LAST_USER_KEY) !== null;
  } catch {
    return false; // no window (pre-rendering) or storage disabled
  }
}

/** The auth endpoints of the server (`/api/auth/*`). */
export const authApi = {
  /**
   * The current user, or null when not signed in (401). Without network (status 0) the last user
   * signed in on this browser, if any, so that offline work can go on.
   */
  async me(signal?: AbortSignal): Promise<SessionUser | null> {
    try {
      const { user } = await api.get<MeResponse>('/api/auth/me', { signal });
      rememberUser(user);
      return user;
    } catch (error) {
      if (isApiError(error) && error.status === 401) {
        rememberUser(null);
        return null;
      }
      if (isApiError(error) && error.status === 0) {
        const last = rememberedUser();
        if (last) return last;
      }
      throw error;
    }
  },
  /** Signs in; the server sets the HttpOnly session cookie. The token in the body is not kept. */
  async login(credentials: LoginRequest): Promise<SessionUser> {
    const { user } = await api.post<LoginResponse>('/api/auth/login', credentials);
    rememberUser(user);
    return user;
  },
  /** Sets the signed-in user's own password (`POST /api/auth/password`); the user as it now is. */
  async changePassword(body: ChangePasswordRequest): Promise<SessionUser> {
    const { user } = await api.post<MeResponse>('/api/auth/password', body);
    rememberUser(user);
    return user;
  },
  /** Signs out; the server clears the session cookie. */
  async logout(): Promise<void> {
    rememberUser(null);
    await api.post<undefined>('/api/auth/logout');
  },
};
