import { type Ref, useEffect, useId, useState } from 'react';
import { currentLanguage } from '../i18n';
import { Button } from '../ui/Button';
import { cx } from '../ui/cx';
import { FieldError } from '../ui/Field';
import { formatFileSize } from './format';
import { usePortalT } from './i18n';
import type { Message } from './validation';

/** What the server accepts (it checks the content again). */
export const PHOTO_MAX_BYTES = 5 * 1024 * 1024;
const PHOTO_TYPES = ['image/jpeg', 'image/png'];

/** Checks a chosen photo before sending: JPEG/PNG (when the browser tells the type), at most 5 MB. */
export function checkPhoto(file: File): Message | null {
  if (file.type && !PHOTO_TYPES.includes(file.type)) return { key: 'errors.photoType' };
  if (file.size > PHOTO_MAX_BYTES)
    return { key: 'errors.photoTooLarge', values: { size: formatFileSize(file.size, currentLanguage()) } };
  return null;
}

export interface PhotoFieldProps {
  label: string;
  hint?: string;
  file: File | null;
  error?: string | undefined;
  onChange: (file: File | null) => void;
  inputRef?: Ref<HTMLInputElement>;
  name: string;
}

/** An optional photo: a file input for JPEG/PNG (camera on phones), a preview and a way to remove it. */
export function PhotoField({ label, hint, file, error, onChange, inputRef, name }: PhotoFieldProps) {
  const t = usePortalT();
  const autoId = useId();
  const inputId = `photo-${autoId}`;
  const hintId = hint ? `${inputId}-hint` : undefined;
  const errorId = error ? `${inputId}-error` : undefined;
  const chosenId = file ? `${inputId}-chosen` : undefined;
  const [preview, setPreview] = useState<string | null>(null);
  const [inputKey, setInputKey] = useState(0);

  useEffect(() => {
    if (!file) {
      setPreview(null);
      return;
    }
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const labelId = `${inputId}-label`;
  return (
    <div className={cx('field', error && 'field--invalid')}>
      {/* The native file button speaks the browser's language: a labelled, styled one instead. */}
      <span className="field__label-row">
        <span className="field__label" id={labelId}>
          {label}
        </span>
        <span className="field__optional">({t('common.optional')})</span>
      </span>
      {hint && (
        <p className="field__hint" id={hintId}>
          {hint}
        </p>
      )}
      {error && <FieldError id={errorId}>{error}</FieldError>}
      <div className="photo-field">
        <input
          key={inputKey}
          ref={inputRef}
          id={inputId}
          name={name}
          type="file"
          className="visually-hidden photo-field__input"
          accept="image/jpeg,image/png"
          aria-labelledby={labelId}
          aria-invalid={error ? true : undefined}
          aria-describedby={[hintId, errorId, chosenId].filter(Boolean).join(' ') || undefined}
          onChange={(event) => onChange(event.target.files?.[0] ?? null)}
        />
        <label className="btn btn--secondary photo-field__button" htmlFor={inputId} aria-hidden="true">
          {file ? t('report.photoChange') : t('report.photoChoose')}
        </label>
      </div>
      {file && (
        <div className="photo-preview">
          {preview && !error && <img src={preview} alt={t('report.photoPreview')} />}
          <p id={chosenId}>
            {t('report.photoChosen', { name: file.name, size: formatFileSize(file.size, currentLanguage()) })}
          </p>
          <Button
            variant="ghost"
            onClick={() => {
              setInputKey((k) => k + 1);
              onChange(null);
            }}
          >
            {t('report.photoRemove')}
          </Button>
        </div>
      )}
    </div>
  );
}
