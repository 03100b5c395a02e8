import { useEffect, useId, useRef, useState } from 'react';
import { Alert } from '../ui/Alert';
import { Button } from '../ui/Button';
import { useVerifyT } from './i18n';

type CameraProblem = 'noCamera' | 'denied' | 'insecure' | 'busy' | 'failed';
type CameraState = { status: 'starting' } | { status: 'scanning' } | { status: 'error'; problem: CameraProblem };

/** Why getUserMedia failed, in terms the checker can act on. */
function problemOf(error: unknown): CameraProblem {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'noCamera';
    case 'NotReadableError':
    case 'TrackStartError':
      return 'busy';
    default:
      return 'failed';
  }
}

/** The part of ZXing's reader used here. */
interface QrReader {
  decodeFromVideoDevice(
    deviceId: string | null,
    video: HTMLVideoElement,
    callback: (result: { getText(): string } | null | undefined) => void,
  ): Promise<void>;
  reset(): void;
}

export interface CameraDialogProps {
  open: boolean;
  onClose: () => void;
  /** Called once with the decoded text; the camera is already stopped. */
  onDecoded: (text: string) => void;
}

/**
 * A modal dialog reading a certificate QR code with the camera (ZXing's BrowserQRCodeReader,
 * loaded when the dialog first opens). The stream stops on a result, on close and on unmount.
 */
export function CameraDialog({ open, onClose, onDecoded }: CameraDialogProps) {
  const t = useVerifyT();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const titleId = useId();
  const statusId = useId();
  const [state, setState] = useState<CameraState>({ status: 'starting' });
  const onDecodedRef = useRef(onDecoded);
  onDecodedRef.current = onDecoded;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    let stopped = false;
    let reader: QrReader | null = null;
    const stop = () => {
      stopped = true;
      reader?.reset();
    };
    setState({ status: 'starting' });
    const start = async () => {
      if (!window.isSecureContext) return setState({ status: 'error', problem: 'insecure' });
      if (!navigator.mediaDevices?.getUserMedia) return setState({ status: 'error', problem: 'noCamera' });
      try {
        const { BrowserQRCodeReader } = await import('@zxing/library/esm/browser/BrowserQRCodeReader');
        if (stopped) return;
        const video = videoRef.current;
        if (!video) return;
        const qrReader: QrReader = new BrowserQRCodeReader(250);
        reader = qrReader;
        await qrReader.decodeFromVideoDevice(null, video, (result) => {
          if (stopped || !result) return;
          const text = result.getText();
          stop();
          onDecodedRef.current(text);
        });
        if (stopped) qrReader.reset();
        else setState({ status: 'scanning' });
      } catch (error) {
        reader?.reset();
        if (!stopped) setState({ status: 'error', problem: problemOf(error) });
      }
    };
    void start();
    return stop;
  }, [open]);

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a click on the backdrop closes; Esc is native to <dialog>
    <dialog
      ref={dialogRef}
      className="camera-dialog"
      aria-labelledby={titleId}
      aria-describedby={statusId}
      onClose={onClose}
      onClick={(event) => {
        if (event.target === dialogRef.current) onClose();
      }}
    >
      <div className="camera-dialog__inner stack">
        <h2 id={titleId}>{t('camera.title')}</h2>
        <p className="text-muted">{t('camera.instructions')}</p>
        <div className="camera-dialog__viewport">
          <video
            ref={videoRef}
            className="camera-dialog__video"
            muted
            playsInline
            aria-label={t('camera.video')}
            hidden={state.status === 'error'}
          />
          {state.status !== 'error' && <span className="camera-dialog__frame" aria-hidden="true" />}
        </div>
        <div id={statusId} role="status">
          {state.status === 'starting' && <p>{t('camera.starting')}</p>}
          {state.status === 'scanning' && <p>{t('camera.scanning')}</p>}
        </div>
        {state.status === 'error' && (
          <Alert variant="error">
            <p>{t(`camera.${state.problem}`)}</p>
          </Alert>
        )}
        <Button variant="secondary" block onClick={onClose}>
          {t('camera.close')}
        </Button>
      </div>
    </dialog>
  );
}
