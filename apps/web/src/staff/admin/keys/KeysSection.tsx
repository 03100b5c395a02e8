import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { Alert } from '../../../ui/Alert';
import { Badge } from '../../../ui/Badge';
import { Button } from '../../../ui/Button';
import { CheckboxField } from '../../../ui/CheckboxField';
import { FormDialog } from '../../../ui/FormDialog';
import { PageLoading } from '../../../ui/PageLoading';
import { usePageTitle } from '../../../ui/usePageTitle';
import { SectionHead } from '../SectionHead';
import { keysApi, keysKeys, type SigningKey, TRUST_LIST_URL } from './api';
import { useAdminKeysT } from './i18n';
import './keys.css';

function formatDateTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * "Khoá ký chứng nhận" (`/quan-tri/he-thong/khoa-ky`, national administrators): the key that signs
 * certificates now and those it replaced (dates, trust-list status, their X.509 certificate), the
 * published trust list (link and how many keys it carries), and a rotation confirmed in a dialog.
 */
export default function KeysSection() {
  const t = useAdminKeysT();
  const headingRef = usePageTitle(t('title'));
  const [notice, setNotice] = useState('');
  const [confirming, setConfirming] = useState(false);
  const keys = useQuery({ queryKey: keysKeys.list, queryFn: ({ signal }) => keysApi.list(signal) });
  const current = keys.data?.find((k) => k.active);
  const past = keys.data?.filter((k) => !k.active) ?? [];
  const published = keys.data?.filter((k) => k.inTrustList).length ?? 0;
  const pastId = useId();
  const currentId = useId();
  const trustId = useId();

  return (
    <div className="stack admin-keys">
      <SectionHead headingRef={headingRef} title={t('title')} intro={t('intro')}>
        <Button variant="danger" onClick={() => setConfirming(true)}>
          {t('rotate.button')}
        </Button>
      </SectionHead>
      {notice && (
        <Alert variant="success" role="status">
          <p>{notice}</p>
        </Alert>
      )}
      {keys.isError && <Alert variant="error">{t('loadError')}</Alert>}
      {keys.isPending && <PageLoading />}
      {keys.data && (
        <>
          <section className="card stack stack--tight" aria-labelledby={trustId}>
            <h3 id={trustId} className="h3">
              {t('trust.title')}
            </h3>
            <p>{t('trust.text')}</p>
            <p>
              <a href={TRUST_LIST_URL} target="_blank" rel="noopener">
                {t('trust.link')}
              </a>{' '}
              — <strong aria-live="polite">{t('trust.count', { count: published })}</strong>
            </p>
          </section>
          <section className="stack stack--tight" aria-labelledby={currentId}>
            <h3 id={currentId} className="h3">
              {t('current')}
            </h3>
            {current ? <KeyCard k={current} /> : <p>{t('noKeys')}</p>}
          </section>
          <section className="stack stack--tight" aria-labelledby={pastId}>
            <h3 id={pastId} className="h3">
              {t('past')}
            </h3>
            {past.length === 0 ? (
              <p>{t('noPast')}</p>
            ) : (
              <ul className="plain-list stack" aria-labelledby={pastId}>
                {past.map((k) => (
                  <li key={k.kid}>
                    <KeyCard k={k} />
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
      {confirming && (
        <RotateDialog
          onClose={(text) => {
            setConfirming(false);
            if (text) setNotice(text);
          }}
        />
      )}
    </div>
  );
}

function KeyCard({ k }: { k: SigningKey }) {
  const t = useAdminKeysT();
  const id = useId();
  return (
    <article className="card stack stack--tight admin-key" aria-labelledby={id}>
      <header className="admin-key__head">
        <h4 id={id} className="admin-key__kid">
          {k.kid}
        </h4>
        {k.active && <Badge tone="success">{t('active')}</Badge>}
        <Badge tone={k.inTrustList ? 'success' : 'neutral'}>{k.inTrustList ? t('trusted') : t('untrusted')}</Badge>
      </header>
      <dl className="details">
        <Row label={t('fields.kid')}>
          <code>{k.kid}</code>
        </Row>
        <Row label={t('fields.alg')}>{k.alg}</Row>
        <Row label={t('fields.created')}>{formatDateTime(k.createdAt)}</Row>
        {k.retiredAt && <Row label={t('fields.retired')}>{formatDateTime(k.retiredAt)}</Row>}
        {k.trustedUntil && <Row label={t('fields.trustedUntil')}>{formatDateTime(k.trustedUntil)}</Row>}
        <Row label={t('fields.subject')}>{k.certificate.subject}</Row>
        <Row label={t('fields.issuer')}>{k.certificate.issuer}</Row>
        <Row label={t('fields.validity')}>
          {t('fields.validityRange', {
            from: formatDateTime(k.certificate.validFrom),
            to: formatDateTime(k.certificate.validTo),
          })}
        </Row>
        <Row label={t('fields.serial')}>
          <code>{k.certificate.serialNumber}</code>
        </Row>
        <Row label={t('fields.fingerprint')}>
          <code className="admin-key__fingerprint">{k.certificate.fingerprintSha256}</code>
        </Row>
      </dl>
    </article>
  );
}

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** Rotation, confirmed by ticking a box in a modal dialog (Esc or Huỷ cancels). */
function RotateDialog({ onClose }: { onClose: (notice?: string) => void }) {
  const t = useAdminKeysT();
  const errorRef = useRef<HTMLDivElement>(null);
  const queryClient = useQueryClient();
  const [checked, setChecked] = useState(false);
  const [checkError, setCheckError] = useState('');
  const rotate = useMutation({
    mutationFn: () => keysApi.rotate(),
    onSuccess: async ({ kid }) => {
      await queryClient.invalidateQueries({ queryKey: keysKeys.list });
      onClose(t('rotate.done', { kid }));
    },
  });
  useEffect(() => {
    if (rotate.isError) errorRef.current?.focus();
  }, [rotate.isError]);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!checked) return setCheckError(t('rotate.confirmRequired'));
    setCheckError('');
    rotate.mutate();
  };
  return (
    <FormDialog title={t('rotate.title')} className="admin-keys__dialog" onCancel={() => onClose()} onSubmit={submit}>
      <p>{t('rotate.body')}</p>
      <CheckboxField
        label={t('rotate.confirm')}
        required
        checked={checked}
        error={checkError || undefined}
        onChange={(event) => setChecked(event.target.checked)}
      />
      {rotate.isError && (
        <div ref={errorRef} tabIndex={-1}>
          <Alert variant="error" title={t('rotate.refused')}>
            <p>{rotate.error.message}</p>
          </Alert>
        </div>
      )}
      <div className="admin-actions">
        <Button type="submit" variant="danger" busy={rotate.isPending} disabled={rotate.isPending}>
          {rotate.isPending ? t('rotate.working') : t('rotate.submit')}
        </Button>
        <Button variant="ghost" onClick={() => onClose()}>
          {t('rotate.cancel')}
        </Button>
      </div>
    </FormDialog>
  );
}
