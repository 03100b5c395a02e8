import { useId, useRef, useState } from 'react';
import { Button } from '../../../ui/Button';
import { useAdminUsersT } from './i18n';

/** Copies text: the clipboard API where the page may use it, else the selected field and the copy command. */
async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall through to the selection
  }
  if (!field) return false;
  field.focus();
  field.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}

/**
 * A temporary password the server made, shown this once (it is kept only in this screen's memory,
 * never cached or stored): a read-only field to select, and a copy button whose result is announced.
 */
export function TemporaryPassword({ password }: { password: string }) {
  const t = useAdminUsersT();
  const id = useId();
  const fieldRef = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);

  const onCopy = async () => setCopied((await copyText(password, fieldRef.current)) ? 'yes' : 'no');

  return (
    <div className="users-temporary stack stack--tight">
      <label className="field__label" htmlFor={`${id}-password`}>
        {t('temporary.label')}
      </label>
      <p className="field__hint" id={`${id}-hint`}>
        {t('temporary.once')}
      </p>
      <div className="users-temporary__row">
        <input
          ref={fieldRef}
          id={`${id}-password`}
          className="field__input users-temporary__value"
          readOnly
          value={password}
          spellCheck={false}
          autoComplete="off"
          aria-describedby={`${id}-hint`}
          onFocus={(e) => e.currentTarget.select()}
        />
        <Button variant="secondary" onClick={() => void onCopy()}>
          {t('temporary.copy')}
        </Button>
      </div>
      <p role="status" className="users-temporary__status">
        {copied === 'yes' ? t('temporary.copied') : copied === 'no' ? t('temporary.copyFailed') : ''}
      </p>
    </div>
  );
}
