import type { ErrorBody } from '@tiemchung/core';
import { currentLanguage, i18n } from '../i18n';

/** The error body every API endpoint answers with on a non-2xx status (the server's contract, from core). */
export type ApiErrorBody = ErrorBody;

/** A failed API call: a non-2xx answer (status >= 400) or, with status 0, no answer at all. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  /** The contract's machine-readable code, e.g. `invalid_credentials`, `too_many_attempts`. */
  readonly code: string;
  /** The field the error is about, when the server said so. */
  readonly field: string | undefined;
  /** The error body as sent by the server (or synthesised when the body was not the contract's). */
  readonly body: ApiErrorBody;

  constructor(status: number, body: ApiErrorBody) {
    super(body.error.message);
    this.status = status;
    this.code = body.error.code;
    this.field = body.error.field ?? undefined;
    this.body = body;
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

export function isApiErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null) return false;
  const error = (value as { error?: unknown }).error;
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, field } = error as Record<string, unknown>;
  return (
    typeof code === 'string' &&
    typeof message === 'string' &&
    (field === undefined || field === null || typeof field === 'string')
  );
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequestOptions {
  method?: HttpMethod;
  /** Sent as JSON; a FormData (file uploads) is sent as multipart as-is. */
  body?: unknown;
  /** Query parameters; undefined/null values are left out. */
  query?: Record<string, string | number | boolean | null | undefined>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** The browser's HTTP cache for this call (`no-cache`: ask the server even for a cached answer). */
  cache?: RequestCache;
}

function buildUrl(path: string, query: ApiRequestOptions['query']): string {
  if (!path.startsWith('/api/')) {
    throw new Error(`API paths start with /api/: ${path}`);
  }
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.append(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return undefined;
  const text = await response.text();
  if (text === '') return undefined;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * Calls the platform API (`/api/...`) on the same origin: sends the session cookie, JSON and the
 * interface language in `Accept-Language` (the server answers its messages in that language).
 * Resolves with the parsed JSON body (undefined for 204). Rejects with an {@link ApiError} for any
 * non-2xx answer or when the server cannot be reached; an aborted call rejects with the
 * AbortError itself.
 */
export async function apiRequest<T>(path: string, options: ApiRequestOptions = {}): Promise<T> {
  const { method = options.body === undefined ? 'GET' : 'POST', body, query, signal } = options;
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'Accept-Language': currentLanguage(),
    ...options.headers,
  };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }

  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), {
      method,
      headers,
      body: payload,
      credentials: 'same-origin',
      signal,
      ...(options.cache ? { cache: options.cache } : {}),
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiError(0, { error: { code: 'network_error', message: i18n.t('errors.network') } });
  }

  const data = await readBody(response);
  if (!response.ok) {
    const errorBody: ApiErrorBody = isApiErrorBody(data)
      ? data
      : {
          error: {
            code: `http_${response.status}`,
            message: i18n.t('errors.generic', { status: response.status }),
          },
        };
    throw new ApiError(response.status, errorBody);
  }
  return data as T;
}

/** Shorthands for {@link apiRequest}. */
export const api = {
  get: <T>(path: string, options?: Omit<ApiRequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'GET' }),
  post: <T>(path: string, body?: unknown, options?: Omit<ApiRequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'POST', body }),
  put: <T>(path: string, body?: unknown, options?: Omit<ApiRequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'PUT', body }),
  patch: <T>(path: string, body?: unknown, options?: Omit<ApiRequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'PATCH', body }),
  delete: <T>(path: string, options?: Omit<ApiRequestOptions, 'method' | 'body'>) =>
    apiRequest<T>(path, { ...options, method: 'DELETE' }),
};
