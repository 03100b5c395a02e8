import { useQueryClient } from '@tanstack/react-query';
import { type CccdQrData, parseCccdQr } from '@tiemchung/core';
import { useCallback, useRef, useState } from 'react';
import { useNavigate } from 'react-router';
import { isApiError } from '../../api/client';
import { peopleApi, receptionKeys } from './api';
import { formatDate, type Message, todayIso } from './format';
import { type CreatePersonState, type PersonCardState, receptionPaths } from './paths';
import type { PersonFormValues } from './validation';

/**
 * Whether typed text is (the start of) a CCCD QR code rather than a search: QR codes separate
 * their parts with `|`, which no name, phone or ID number contains.
 */
export function looksLikeQr(text: string): boolean {
  return text.includes('|');
}

/** The create form's values from a CCCD QR code; the province is the one coded in the ID number. */
export function prefillFromQr(qr: CccdQrData): Partial<PersonFormValues> {
  const placeCode = qr.idNumber.slice(0, 3);
  return {
    fullName: qr.fullName,
    dateOfBirth: formatDate(qr.dateOfBirth),
    gender: qr.gender,
    idNumber: qr.idNumber,
    oldIdNumber: qr.oldIdNumber ?? '',
    address: qr.address,
    // Digits 2–3 of a CCCD are the province of birth registration ("087…" → 87 Đồng Tháp).
    provinceCode: placeCode.startsWith('0') ? placeCode.slice(1) : '',
  };
}

/** The fields of the create form a QR code fills in (tagged "Điền từ mã QR"). */
export const QR_FIELDS = [
  'fullName',
  'dateOfBirth',
  'gender',
  'idNumber',
  'oldIdNumber',
  'address',
  'provinceCode',
] as const;

export type QrState = { status: 'idle' } | { status: 'busy' } | { status: 'error'; message: Message };

/**
 * Handles the text of a CCCD QR code (typed by a USB scanner or decoded by the camera): parses it
 * with the core rules, looks the ID number up, then opens the person's record, or the create form
 * filled in from the code when nobody has that number yet.
 */
export function useCccdQr() {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [state, setState] = useState<QrState>({ status: 'idle' });
  const running = useRef<string | null>(null);

  const handle = useCallback(
    async (raw: string): Promise<boolean> => {
      if (running.current === raw) return false; // the same scan (Enter and the pause after it)
      const parsed = parseCccdQr(raw, { today: todayIso() });
      if (!parsed.ok) {
        setState({ status: 'error', message: { localized: parsed.error.message } });
        return false;
      }
      running.current = raw;
      setState({ status: 'busy' });
      try {
        const { items } = await queryClient.fetchQuery({
          queryKey: receptionKeys.search(`id:${parsed.value.idNumber}`),
          queryFn: ({ signal }) => peopleApi.search({ idNumber: parsed.value.idNumber }, signal),
          staleTime: 0,
        });
        const found = items[0];
        setState({ status: 'idle' });
        if (found) {
          const cardState: PersonCardState = { notice: 'qrFound' };
          void navigate(receptionPaths.person(found.id), { state: cardState });
        } else {
          const createState: CreatePersonState = { prefill: prefillFromQr(parsed.value), fromQr: true };
          void navigate(receptionPaths.create, { state: createState });
        }
        return true;
      } catch (error) {
        running.current = null;
        setState({
          status: 'error',
          message: { text: isApiError(error) ? error.message : String(error) },
        });
        return false;
      }
    },
    [navigate, queryClient],
  );

  const reset = useCallback(() => {
    running.current = null;
    setState({ status: 'idle' });
  }, []);

  return { state, handle, reset };
}
