import { type FormEvent, type ReactNode, useEffect, useId, useRef } from 'react';
import { cx } from './cx';
import './form-dialog.css';

/**
 * A modal dialog holding one form, open while it is mounted: its title (an h3 naming the dialog),
 * then the children (text, fields, alerts, the buttons). Esc calls `onCancel`.
 */
export function FormDialog({
  title,
  onCancel,
  onSubmit,
  className,
  children,
}: {
  title: ReactNode;
  onCancel: () => void;
  onSubmit: (event: FormEvent) => void;
  className?: string;
  children: ReactNode;
}) {
  const titleId = useId();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    return () => dialog?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={cx('dialog form-dialog', className)}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
    >
      <form className="stack form-dialog__body" onSubmit={onSubmit} noValidate>
        <h3 id={titleId} className="h3">
          {title}
        </h3>
        {children}
      </form>
    </dialog>
  );
}
