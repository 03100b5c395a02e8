import { api, isApiError } from '../api/client';
import type { LoginRequest, LoginResponse, MeResponse, SessionUser } from './types';

/** The auth endpoints of the server (`/api/auth/*`). */
export const authApi = {
  /** The current user, or null when not signed in (401). */
  async me(signal?: AbortSignal): Promise<SessionUser | null> {
    try {
      const { user } = await api.get<MeResponse>('/api/auth/me', { signal });
      return user;
    } catch (error) {
      if (isApiError(error) && error.status === 401) return null;
      throw error;
    }
  },
  /** Signs in; the server sets the HttpOnly session cookie. The token in the body is not kept. */
  async login(credentials: LoginRequest): Promise<SessionUser> {
    const { user } = await api.post<LoginResponse>('/api/auth/login', credentials);
    return user;
  },
  /** Signs out; the server clears the session cookie. */
  async logout(): Promise<void> {
    await api.post<undefined>('/api/auth/logout');
  },
};
