import {
  type AcceptanceCheck,
  type BusinessRule,
  type CertificateState,
  checkAcceptance,
  dccFindings,
  type HcertVerification,
  type HcertVerifyResult,
  type RuleFinding,
  vaccineByCode,
  vaccineDisplayName,
  verifyHcert,
} from '@tiemchung/core';
import { type FormEvent, useId, useRef, useState } from 'react';
import { api } from '../api/client';
import { currentLanguage } from '../i18n';
import { Button } from '../ui/Button';
import { TextAreaField } from '../ui/TextAreaField';
import { usePageTitle } from '../ui/usePageTitle';
import { CameraDialog } from './CameraDialog';
import { decodeQrFromFile } from './decodeImage';
import { useVerifyT, type VerifyKey } from './i18n';
import { type StoredTrustList, useTrustList } from './trustList';
import './verify.css';

type OnlineCheck =
  | { state: 'checking' }
  | { state: 'offline' }
  | { state: 'failed' }
  | { state: 'done'; answer: CertificateState };

/** The content checks made on the device once the signature holds (as `POST /api/verify` makes them). */
interface ContentChecks {
  /** Value sets and plausibility: any finding makes the certificate not valid. */
  readonly findings: readonly RuleFinding[];
  /** The destination's acceptance rules (CertLogic), each passed, failed or open; null without rules. */
  readonly acceptance: AcceptanceCheck | null;
}

type Outcome =
  | { state: 'checking' }
  /** A picture is being read; `no_code`: no QR code could be read from it (or it is no picture). */
  | { state: 'reading' }
  | { state: 'no_code' }
  | { state: 'no_trust_list' }
  | { state: 'error' }
  | { state: 'done'; verification: HcertVerification; online: OnlineCheck | null; checks: ContentChecks | null };

/** The destination whose acceptance rules the verifier applies: Vietnam's, the rule set it carries. */
const DESTINATION = 'VN';

/** Value sets and acceptance rules on a signed certificate, from the stored trust list (offline). */
function contentChecks(v: HcertVerification, list: StoredTrustList, clock: Date): ContentChecks | null {
  if (!v.payload || typeof v.payload !== 'object') return null;
  const payload = v.payload as Record<string, unknown>;
  const valueSets = list.valueSets
    ? Object.fromEntries(Object.entries(list.valueSets).map(([id, codes]) => [id, new Set(codes)]))
    : null;
  const rules = list.rules?.[DESTINATION] as BusinessRule[] | undefined;
  return {
    findings: dccFindings(payload, v.claims, valueSets),
    acceptance: rules?.length
      ? checkAcceptance({ destination: DESTINATION, rules, payload, claims: v.claims, valueSets, clock })
      : null,
  };
}

/**
 * How long the verdict on a signed certificate waits for the online answer (replaced since?),
 * so that a replaced certificate never shows first as valid; past it, the verdict shows and the
 * answer updates it when it comes.
 */
const ONLINE_WAIT_MS = 4000;

/** Results whose content is authentic (the signature verified): their details may be shown. */
const SIGNED: readonly HcertVerifyResult[] = ['valid', 'expired', 'not_yet_valid'];

/** `YYYY-MM-DD` → `dd/MM/yyyy`; partial DCC dates (`1980`, `1980-04`) as they are. */
function formatDate(text: string | undefined): string {
  if (!text) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : text;
}

const pad = (n: number) => String(n).padStart(2, '0');

function formatDay(d: Date): string {
  return `${pad(d.getDate())}/${pad(d.getMonth() + 1)}/${d.getFullYear()}`;
}

function formatDateTime(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())} ${formatDay(d)}`;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const num = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);

/** The fields a checker needs, read defensively from the decoded EU DCC payload. */
function certificateDetails(v: HcertVerification) {
  const payload = (v.payload ?? {}) as Record<string, unknown>;
  const nam = (payload.nam ?? {}) as Record<string, unknown>;
  const entries = Array.isArray(payload.v) ? payload.v : [];
  const entry = (entries[0] ?? {}) as Record<string, unknown>;
  const mp = str(entry.mp);
  const vaccine = mp ? vaccineByCode(mp) : undefined;
  return {
    name:
      [str(nam.fn), str(nam.gn)].filter(Boolean).join(' ') || [str(nam.fnt), str(nam.gnt)].filter(Boolean).join(' '),
    dateOfBirth: formatDate(str(payload.dob)),
    vaccine: vaccine ? vaccineDisplayName(vaccine) : mp,
    dn: num(entry.dn),
    sd: num(entry.sd),
    date: formatDate(str(entry.dt)),
    // The state whose trusted key signed it, when one did; otherwise what the certificate says.
    country: str((v.signer as { country?: unknown } | undefined)?.country) ?? str(entry.co),
    issuer: str(entry.is),
    ci: str(entry.ci),
    expiresAt: expiryDay(v.claims?.exp),
  };
}

/** A CWT `exp` (seconds) as `dd/MM/yyyy` (UTC day); undefined without one or one no Date holds. */
function expiryDay(exp: number | null | undefined): string | undefined {
  if (!exp) return undefined;
  const d = new Date(exp * 1000);
  return Number.isNaN(d.getTime()) ? undefined : formatDate(d.toISOString().slice(0, 10));
}

async function onlineState(ci: string): Promise<OnlineCheck> {
  if (!navigator.onLine) return { state: 'offline' };
  try {
    // `GET /api/certificates/status`: is the certificate still the current one?
    const answer = await api.get<CertificateState>('/api/certificates/status', { query: { ci } });
    return { state: 'done', answer };
  } catch (error) {
    return (error as { status?: number }).status === 0 ? { state: 'offline' } : { state: 'failed' };
  }
}

/**
 * `/xac-thuc`: the verifier. A certificate QR code — from the camera, a picture or pasted — is
 * verified offline against the trust list kept on the device (`verifyHcert`, WebCrypto); online,
 * the server also says whether the certificate was replaced since.
 */
export default function VerifyPage() {
  const t = useVerifyT();
  const headingRef = usePageTitle(t('title'));
  const trust = useTrustList();
  const [text, setText] = useState('');
  const [textError, setTextError] = useState<VerifyKey | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [cameraOpen, setCameraOpen] = useState(false);
  const textRef = useRef<HTMLTextAreaElement>(null);
  const resultRef = useRef<HTMLDivElement>(null);
  const imageId = useId();
  const run = useRef(0);

  /** Brings the verdict into view (on a phone it is above the ways to read a code). */
  const showResult = () => resultRef.current?.scrollIntoView?.({ block: 'start', behavior: 'smooth' });

  const verify = async (raw: string) => {
    const qr = raw.trim();
    if (!qr) {
      // A new check: the previous verdict goes, whatever it was (and a check under way is dropped).
      run.current++;
      setOutcome(null);
      setTextError('scan.pasteRequired');
      textRef.current?.focus();
      return;
    }
    setTextError(null);
    const id = ++run.current;
    const current = () => id === run.current;
    setOutcome({ state: 'checking' });
    let list: StoredTrustList | null = trust.list ?? (navigator.onLine ? await trust.refresh() : null);
    if (!current()) return;
    if (!list) return setOutcome({ state: 'no_trust_list' });
    let verification: HcertVerification;
    let checks: ContentChecks | null;
    let ci: string | undefined;
    try {
      verification = await verifyHcert(qr, list.keys);
      // A key added since the list was saved (key rotation): fetch the list again once.
      if (verification.result === 'unknown_key' && navigator.onLine) {
        const fresh = await trust.refresh();
        if (fresh) {
          list = fresh;
          verification = await verifyHcert(qr, list.keys);
        }
      }
      if (!current()) return;
      // (Inside the try: whatever a certificate holds, the page ends on a verdict, never "checking".)
      checks = SIGNED.includes(verification.result) ? contentChecks(verification, list, new Date()) : null;
      ci = SIGNED.includes(verification.result) ? certificateDetails(verification).ci : undefined;
    } catch (error) {
      console.error(error);
      if (current()) {
        setOutcome({ state: 'error' });
        showResult();
      }
      return;
    }
    const online = ci ? onlineState(ci) : null;
    // The verdict waits (a little) for the online answer: a replaced certificate is never shown
    // as valid first.
    const early = online
      ? await Promise.race([online, new Promise<null>((resolve) => setTimeout(() => resolve(null), ONLINE_WAIT_MS))])
      : null;
    if (!current()) return;
    setOutcome({ state: 'done', verification, checks, online: online ? (early ?? { state: 'checking' }) : null });
    showResult();
    if (online && !early) {
      const answer = await online;
      if (current()) setOutcome({ state: 'done', verification, checks, online: answer });
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    void verify(text);
  };

  /**
   * A new picture is a new check: the previous verdict, its details and the code in the text box
   * go at once, before the picture is read; a picture with no code that reads says so where the
   * verdict was (announced), never next to the last person's verdict.
   */
  const readImage = async (file: File | undefined) => {
    if (!file) return;
    const id = ++run.current;
    setText('');
    setTextError(null);
    setOutcome({ state: 'reading' });
    let decoded: string;
    try {
      decoded = await decodeQrFromFile(file);
    } catch {
      if (id === run.current) {
        setOutcome({ state: 'no_code' });
        showResult();
      }
      return;
    }
    if (id !== run.current) return;
    setText(decoded);
    await verify(decoded);
  };

  const busy = outcome?.state === 'checking' || outcome?.state === 'reading';

  return (
    <div className="container page verify-page stack">
      <div className="stack stack--tight">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('title')}
        </h1>
        <p className="lead">{t('intro')}</p>
      </div>

      <TrustListLine trust={trust} />

      <div ref={resultRef} className="verify-result stack">
        {/* The verdict is announced; the details below it are there to read. */}
        <div className="verify-result-region" role="status" aria-live="polite">
          {outcome && <OutcomeView outcome={outcome} />}
        </div>
        {outcome?.state === 'done' && SIGNED.includes(outcome.verification.result) && (
          <DetailsView verification={outcome.verification} />
        )}
        {outcome?.state === 'done' && outcome.checks?.acceptance && outcome.checks.findings.length === 0 && (
          <AcceptanceView acceptance={outcome.checks.acceptance} />
        )}
      </div>

      <section className="card stack" aria-labelledby="verify-input-title">
        <h2 id="verify-input-title">{t('scan.title')}</h2>
        <div className="verify-sources">
          <Button onClick={() => setCameraOpen(true)}>
            <svg className="btn__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
              <path
                fill="currentColor"
                d="M2 3h5v2H4v3H2V3Zm11 0h5v5h-2V5h-3V3ZM2 12h2v3h3v2H2v-5Zm14 0h2v5h-5v-2h3v-3ZM6 6h3v3H6V6Zm5 0h3v3h-3V6Zm-5 5h3v3H6v-3Zm5 0h3v3h-3v-3Z"
              />
            </svg>
            {t('scan.camera')}
          </Button>
          <div className="field">
            <input
              id={imageId}
              className="visually-hidden verify-file__input"
              type="file"
              accept="image/*"
              aria-describedby={`${imageId}-hint`}
              onChange={(event) => {
                void readImage(event.target.files?.[0]);
                event.target.value = '';
              }}
            />
            <label className="btn btn--secondary verify-file" htmlFor={imageId}>
              {t('scan.image')}
            </label>
            <p id={`${imageId}-hint`} className="field__hint">
              {t('scan.imageHint')}
            </p>
          </div>
        </div>
        <p className="verify-or" aria-hidden="true">
          {t('scan.or')}
        </p>
        <form className="stack" onSubmit={submit} noValidate>
          <TextAreaField
            ref={textRef}
            name="qr"
            label={t('scan.paste')}
            hint={t('scan.pasteHint')}
            rows={4}
            spellCheck={false}
            autoCapitalize="none"
            autoCorrect="off"
            className="verify-text"
            value={text}
            onChange={(event) => setText(event.target.value)}
            error={textError ? t(textError) : undefined}
          />
          <p>
            <Button type="submit" disabled={busy} busy={busy}>
              {outcome?.state === 'checking' ? t('scan.checking') : t('scan.check')}
            </Button>
          </p>
        </form>
      </section>

      <CameraDialog
        open={cameraOpen}
        onClose={() => setCameraOpen(false)}
        onDecoded={(decoded) => {
          setCameraOpen(false);
          setText(decoded);
          void verify(decoded);
        }}
      />
    </div>
  );
}

function TrustListLine({ trust }: { trust: ReturnType<typeof useTrustList> }) {
  const t = useVerifyT();
  const { list, status, online } = trust;
  return (
    <div className="trust-line">
      {list ? (
        <p>
          {t('trust.loaded', { count: list.keys.length, at: formatDateTime(new Date(list.fetchedAt)) })}
          {!online && <> {t('trust.offline')}</>}
          {online && status === 'failed' && <> {t('trust.refreshFailed')}</>}
        </p>
      ) : status === 'loading' ? (
        <p>{t('trust.loading')}</p>
      ) : (
        <p>{t('trust.missing')}</p>
      )}
      {online && (
        <Button variant="ghost" onClick={() => void trust.refresh()} disabled={status === 'loading'}>
          {t('trust.refresh')}
        </Button>
      )}
    </div>
  );
}

function OutcomeView({ outcome }: { outcome: Outcome }) {
  const t = useVerifyT();
  if (outcome.state === 'checking') return <p className="verify-checking">{t('result.checking')}</p>;
  if (outcome.state === 'reading') return <p className="verify-checking">{t('scan.imageReading')}</p>;
  if (outcome.state === 'no_code') {
    return (
      <div className="verdict verdict--unknown">
        <div className="stack stack--tight">
          <p className="verdict__word">{t('result.noCode')}</p>
          <p className="verdict__text">{t('scan.imageNoCode')}</p>
        </div>
      </div>
    );
  }
  if (outcome.state === 'no_trust_list' || outcome.state === 'error') {
    return (
      <div className="verdict verdict--unknown">
        <p className="verdict__text">{t(outcome.state === 'error' ? 'result.failed' : 'result.noTrustList')}</p>
      </div>
    );
  }
  const { verification, online, checks } = outcome;
  const signed = SIGNED.includes(verification.result);
  const details = signed ? certificateDetails(verification) : null;
  const replaced = signed && online?.state === 'done' && online.answer.state === 'superseded' ? online.answer : null;
  // Signed, but its content breaks a value set or plausibility: not valid (as the server answers).
  const findings = signed && checks ? checks.findings : [];
  const valid = verification.result === 'valid' && !replaced && findings.length === 0;
  const kind = replaced ? 'superseded' : valid ? 'valid' : 'invalid';
  return (
    <div className="stack">
      <div className={`verdict verdict--${kind}`}>
        <svg className="verdict__icon" viewBox="0 0 20 20" aria-hidden="true" focusable="false">
          <path fill="currentColor" fillRule="evenodd" d={VERDICT_ICONS[kind]} />
        </svg>
        <div className="stack stack--tight">
          <p className="verdict__word">{t(`result.${kind}`)}</p>
          {details?.name && <p className="verdict__name">{details.name}</p>}
          {replaced ? (
            <ReplacedText replaced={replaced} />
          ) : findings.length > 0 ? (
            <>
              <p className="verdict__text">{t('result.findingsText')}</p>
              <ul className="verdict__findings">
                {findings.map((f) => (
                  <li key={`${f.rule}-${f.field}`}>
                    {f.message[currentLanguage()]} <span className="mono">({f.rule})</span>
                  </li>
                ))}
              </ul>
            </>
          ) : (
            <p className="verdict__text">
              {valid
                ? t('result.validText')
                : verification.result === 'malformed' && verification.errorCode === 'prefix'
                  ? t('result.notHcert')
                  : t(`result.reasons.${verification.result as Exclude<HcertVerifyResult, 'valid'>}`)}
            </p>
          )}
        </div>
      </div>

      {online && !replaced && <OnlineLine online={online} />}
    </div>
  );
}

const VERDICT_ICONS = {
  valid: 'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm-1.3 12.2L5 10l1.3-1.3 2.4 2.4 5-5L15 7.4l-6.3 6.3Z',
  invalid:
    'M10 1.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17Zm3.6 10.8-1.3 1.3L10 11.3l-2.3 2.3-1.3-1.3L8.7 10 6.4 7.7l1.3-1.3L10 8.7l2.3-2.3 1.3 1.3L11.3 10l2.3 2.3Z',
  // Two arrows going round: one certificate in place of another.
  superseded:
    'M10 3a7 7 0 0 1 6.3 4H14v2h5V4h-2v1.7A9 9 0 0 0 1.1 9h2A7 7 0 0 1 10 3Zm6.9 8A7 7 0 0 1 3.7 13H6v-2H1v5h2v-1.7A9 9 0 0 0 18.9 11h-2Z',
} as const;

/** Why a certificate was replaced or withdrawn, by the status endpoint's `reason` (a correction otherwise). */
const REPLACED_TEXT: Readonly<Record<string, VerifyKey>> = {
  renewal: 'result.supersededRenewal',
  blocked: 'result.supersededBlocked',
  merged: 'result.supersededMerged',
};

/** A certificate replaced by a newer one, or a passport withdrawn: since when, why, and which one to ask for. */
function ReplacedText({ replaced }: { replaced: Extract<CertificateState, { state: 'superseded' }> }) {
  const t = useVerifyT();
  const on = new Date(replaced.supersededAt);
  // A passport withdrawn (blocked, merged) was not replaced by a newer one of that record.
  const withdrawn = replaced.reason === 'blocked' || replaced.reason === 'merged';
  return (
    <>
      <p className="verdict__text">
        {Number.isNaN(on.getTime())
          ? t('result.supersededText')
          : t(withdrawn ? 'result.withdrawnOn' : 'result.supersededOn', { date: formatDay(on) })}
      </p>
      <p className="verdict__text">{t(REPLACED_TEXT[replaced.reason ?? ''] ?? 'result.supersededCorrected')}</p>
      {replaced.supersededByCi && (
        <p className="verdict__text">
          {t('result.supersededBy')} <span className="mono verdict__ci">{replaced.supersededByCi}</span>
        </p>
      )}
    </>
  );
}

function DetailsView({ verification }: { verification: HcertVerification }) {
  const t = useVerifyT();
  const details = certificateDetails(verification);
  return (
    <section className="card stack stack--tight" aria-labelledby="verify-details-title">
      <h2 id="verify-details-title" className="h3">
        {t('result.detailsTitle')}
      </h2>
      <dl className="details">
        <Detail label={t('result.name')} value={details.name} />
        <Detail label={t('result.dateOfBirth')} value={details.dateOfBirth} />
        <Detail label={t('result.vaccine')} value={details.vaccine} />
        <Detail
          label={t('result.dose')}
          value={details.dn && details.sd ? t('result.doseValue', { dn: details.dn, sd: details.sd }) : undefined}
        />
        <Detail label={t('result.date')} value={details.date} />
        <Detail
          label={t('result.country')}
          value={details.country === 'VN' ? `${t('result.countryVN')} (VN)` : details.country}
        />
        <Detail label={t('result.issuer')} value={details.issuer} />
        <Detail label={t('result.ci')} value={details.ci} mono />
        <Detail label={t('result.expiresAt')} value={details.expiresAt} />
      </dl>
    </section>
  );
}

/** The destination's acceptance rules: each rule, passed, failed or not decided, with its text. */
function AcceptanceView({ acceptance }: { acceptance: AcceptanceCheck }) {
  const t = useVerifyT();
  const failed = acceptance.rules.filter((r) => r.result !== 'passed').length;
  return (
    <section className="card stack stack--tight" aria-labelledby="verify-rules-title">
      <h2 id="verify-rules-title" className="h3">
        {t('rules.title', {
          country: acceptance.destination === 'VN' ? t('result.countryVN') : acceptance.destination,
        })}
      </h2>
      {/* No rule applied (none known or in force): nothing passed, so nothing is said to. */}
      <p
        className={
          acceptance.passed === null
            ? 'rules__summary'
            : acceptance.passed
              ? 'rules__summary rules__summary--passed'
              : 'rules__summary rules__summary--failed'
        }
      >
        {acceptance.passed === null
          ? t('rules.none')
          : acceptance.passed
            ? t('rules.passed')
            : t('rules.failed', { count: failed })}
      </p>
      {acceptance.rules.length > 0 && (
        <ul className="rules">
          {acceptance.rules.map((r) => (
            <li key={r.id} className={`rule rule--${r.result}`}>
              <span className="rule__result">{t(`rules.result.${r.result}`)}</span>{' '}
              <span className="mono rule__id">{r.id}</span>: {r.description[currentLanguage()]}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function OnlineLine({ online }: { online: OnlineCheck }) {
  const t = useVerifyT();
  if (online.state === 'checking') return <p className="text-muted">{t('online.checking')}</p>;
  if (online.state === 'offline') return <p className="online-line">{t('online.offline')}</p>;
  if (online.state === 'failed') return <p className="online-line">{t('online.failed')}</p>;
  // A replaced certificate is said by the verdict itself (ReplacedText).
  if (online.answer.state === 'superseded') return null;
  return <p className="online-line">{t(`online.${online.answer.state}`)}</p>;
}

function Detail({ label, value, mono }: { label: string; value: string | undefined; mono?: boolean }) {
  if (!value) return null;
  return (
    <div>
      <dt>{label}</dt>
      <dd className={mono ? 'mono' : undefined}>{value}</dd>
    </div>
  );
}
