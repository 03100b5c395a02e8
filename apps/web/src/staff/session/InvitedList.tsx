import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { Button } from '../../ui/Button';
import { useAnnounce } from './Announcer';
import { type InvitedRegistration, sessionApi } from './api';
import { formatDate } from './labels';
import type { BoardView } from './offline/board';
import { uuid } from './offline/siteSync';
import { siteKeys } from './useSite';

/**
 * "Được mời hôm nay": the portal registrants this facility invited for the session's date and not
 * yet checked in — one button each checks them in (method `list`; the server finds or registers
 * the person from the registration). Needs the network: the registrant may not be on record yet.
 * Hidden when nobody is invited.
 */
export function InvitedList({ view }: { view: BoardView }) {
  const { t } = useTranslation();
  const id = useId();
  const queryClient = useQueryClient();
  const announce = useAnnounce();
  const { session } = view;
  const invitedKey = siteKeys.invited(session.facilityId, session.sessionDate);
  const invited = useQuery({
    queryKey: invitedKey,
    queryFn: ({ signal }) => sessionApi.invited(session.facilityId, session.sessionDate, signal),
    refetchInterval: 60_000,
  });
  const checkIn = useMutation({
    mutationFn: (r: InvitedRegistration) =>
      sessionApi.checkInRegistration(session.id, { id: uuid(), registrationQr: `TCDK:${r.code}` }, 'list'),
    onSuccess: async (visit, r) => {
      announce(t('session.invited.done', { name: r.fullName, n: visit.queueNumber }));
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: siteKeys.board(session.id) }),
        queryClient.invalidateQueries({ queryKey: invitedKey }),
      ]);
    },
  });
  const today = invited.data ?? [];
  if (today.length === 0) return null;
  return (
    <section className="card stack invited" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="h3">
        {t('session.invited.title', { count: today.length })}
      </h2>
      <ul className="invited__list">
        {today.map((r) => (
          <li key={r.id} className="invited__item">
            <span>
              <strong>{r.fullName}</strong>{' '}
              <span className="text-muted">
                {formatDate(r.dateOfBirth)} · {r.code}
              </span>
            </span>
            <Button
              variant="secondary"
              disabled={checkIn.isPending}
              onClick={() => checkIn.mutate(r)}
              aria-label={t('session.invited.action', { name: r.fullName })}
            >
              {t('session.checkIn.action')}
            </Button>
          </li>
        ))}
      </ul>
      {checkIn.isError && (
        <p role="alert" className="field__error">
          {checkIn.error instanceof Error ? checkIn.error.message : String(checkIn.error)}
        </p>
      )}
    </section>
  );
}
