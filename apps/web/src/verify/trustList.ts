import type { AnchorKeys, TrustListKey } from '@tiemchung/core';
import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client';

/** Where the verifier keeps the last trust list it fetched, so that it verifies offline. */
export const TRUST_LIST_STORAGE_KEY = 'tiemchung.verifier.trustList';

/** A trusted key and the country whose signer it is (`VN`: the platform's own). */
export type CountryTrustListKey = TrustListKey & { readonly country?: string };

export interface StoredTrustList {
  /** When it was fetched (ISO). */
  fetchedAt: string;
  keys: CountryTrustListKey[];
  /** The EU DCC value sets' codes by id (absent in a list stored by an older version). */
  valueSets?: Record<string, string[]>;
  /** The acceptance rules by destination, EU business-rule format (CertLogic). */
  rules?: Record<string, Record<string, unknown>[]>;
}

function isStoredTrustList(value: unknown): value is StoredTrustList {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<StoredTrustList>;
  return (
    typeof v.fetchedAt === 'string' &&
    Array.isArray(v.keys) &&
    v.keys.every((k) => typeof k?.kid === 'string' && typeof k.publicKeyPem === 'string')
  );
}

export function readStoredTrustList(): StoredTrustList | null {
  try {
    const raw = window.localStorage.getItem(TRUST_LIST_STORAGE_KEY);
    if (!raw) return null;
    const parsed: unknown = JSON.parse(raw);
    return isStoredTrustList(parsed) ? parsed : null;
  } catch {
    return null; // storage disabled or corrupt: fetch again
  }
}

function storeTrustList(list: StoredTrustList): void {
  try {
    window.localStorage.setItem(TRUST_LIST_STORAGE_KEY, JSON.stringify(list));
  } catch {
    // storage full or disabled: the list then lasts for this page only
  }
}

/**
 * Fetches `GET /api/verify/trust-list` (public: the platform's keys and the foreign states' the
 * national administrators imported, each with its country) and keeps the keys with the time.
 */
export async function fetchTrustList(): Promise<StoredTrustList> {
  // Past the browser's cache: a refresh is asked for because a key is missing (a new one, or an
  // anchor just imported), which a cached answer would not have.
  const body = await api.get<AnchorKeys>('/api/verify/trust-list', { cache: 'no-cache' });
  const list: StoredTrustList = {
    fetchedAt: new Date().toISOString(),
    keys: body.keys.map((k) => ({
      kid: k.kid,
      alg: k.alg,
      publicKeyPem: k.publicKeyPem,
      country: k.country,
      ...(k.keyUsage.length ? { keyUsage: k.keyUsage } : {}),
    })),
    ...(body.valueSets ? { valueSets: body.valueSets } : {}),
    ...(body.rules ? { rules: body.rules } : {}),
  };
  storeTrustList(list);
  return list;
}

export type TrustListStatus = 'idle' | 'loading' | 'failed';

/**
 * The trust list for offline verification: the stored copy at once, refreshed from the server
 * when online (on opening the page and when the network comes back).
 */
export function useTrustList() {
  const [list, setList] = useState<StoredTrustList | null>(() => readStoredTrustList());
  const [status, setStatus] = useState<TrustListStatus>('idle');
  const [online, setOnline] = useState(() => navigator.onLine);
  const inFlight = useRef<Promise<StoredTrustList | null> | null>(null);

  const refresh = useCallback(async (): Promise<StoredTrustList | null> => {
    if (inFlight.current) return inFlight.current;
    setStatus('loading');
    const request = fetchTrustList()
      .then((fresh) => {
        setList(fresh);
        setStatus('idle');
        return fresh;
      })
      .catch(() => {
        setStatus('failed');
        return null;
      })
      .finally(() => {
        inFlight.current = null;
      });
    inFlight.current = request;
    return request;
  }, []);

  useEffect(() => {
    if (navigator.onLine) void refresh();
    const onOnline = () => {
      setOnline(true);
      void refresh();
    };
    const onOffline = () => setOnline(false);
    window.addEventListener('online', onOnline);
    window.addEventListener('offline', onOffline);
    return () => {
      window.removeEventListener('online', onOnline);
      window.removeEventListener('offline', onOffline);
    };
  }, [refresh]);

  return { list, status, online, refresh };
}
