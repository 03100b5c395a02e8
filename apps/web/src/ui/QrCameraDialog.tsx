import { useEffect, useId, useRef, useState } from 'react';
import { Alert } from './Alert';
import { Button } from './Button';
import './qr-camera-dialog.css';

export type CameraProblem = 'noCamera' | 'denied' | 'insecure' | 'busy' | 'failed';
type CameraState = { status: 'starting' } | { status: 'scanning' } | { status: 'error'; problem: CameraProblem };

/** Why getUserMedia failed, in terms the desk can act on. */
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

/** The minimal part of ZXing's reader used here. */
interface QrReader {
  decodeFromVideoDevice(
    deviceId: string | null,
    video: HTMLVideoElement,
    callback: (result: { getText(): string } | null | undefined) => void,
  ): Promise<void>;
  reset(): void;
}

/** What the dialog says, in the caller's language and words. */
export interface QrCameraLabels {
  title: string;
  instructions: string;
  /** The accessible name of the video. */
  video: string;
  starting: string;
  scanning: string;
  close: string;
  /** Why the camera could not be used, for each problem. */
  problems: Record<CameraProblem, string>;
}

/** The labels from one set of translations: `text` gives the string of each key (`title`, `denied`…). */
export function cameraLabels(
  text: (key: Exclude<keyof QrCameraLabels, 'problems'> | CameraProblem) => string,
): QrCameraLabels {
  return {
    title: text('title'),
    instructions: text('instructions'),
    video: text('video'),
    starting: text('starting'),
    scanning: text('scanning'),
    close: text('close'),
    problems: {
      noCamera: text('noCamera'),
      denied: text('denied'),
      insecure: text('insecure'),
      busy: text('busy'),
      failed: text('failed'),
    },
  };
}

export interface QrCameraDialogProps {
  open: boolean;
  labels: QrCameraLabels;
  /** Milliseconds between decoding attempts (default 300). */
  scanIntervalMs?: number;
  /** Called when the dialog closes without a code (Esc, Close button). */
  onClose: () => void;
  /** Called once with the decoded text; the camera is already stopped. */
  onDecoded: (text: string) => void;
}

/**
 * A modal dialog that reads a QR code with the device camera (ZXing's BrowserQRCodeReader, loaded
 * only when the dialog opens). The camera stream is stopped on a result, on close and on unmount.
 */
export function QrCameraDialog({ open, labels, scanIntervalMs = 300, onClose, onDecoded }: QrCameraDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const titleId = useId();
  const statusId = useId();
  const [state, setState] = useState<CameraState>({ status: 'starting' });
  const onDecodedRef = useRef(onDecoded);
  onDecodedRef.current = onDecoded;

  // Show / hide the native modal dialog (focus trap, Esc and inert background come with it).
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
        const qrReader: QrReader = new BrowserQRCodeReader(scanIntervalMs);
        reader = qrReader;
        await qrReader.decodeFromVideoDevice(null, video, (result) => {
          if (stopped || !result) return; // no code in this frame: keep scanning
          const text = result.getText();
          stop();
          onDecodedRef.current(text);
        });
        // Closed while the camera was starting: the stream started after reset(), stop it now.
        if (stopped) qrReader.reset();
        else setState({ status: 'scanning' });
      } catch (error) {
        reader?.reset();
        if (!stopped) setState({ status: 'error', problem: problemOf(error) });
      }
    };
    void start();
    return stop;
  }, [open, scanIntervalMs]);

  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: a click on the backdrop closes; Esc is native to <dialog>
    <dialog
      ref={dialogRef}
      className="dialog qr-dialog"
      aria-labelledby={titleId}
      aria-describedby={statusId}
      onClose={onClose}
      onClick={(event) => {
        if (event.target === dialogRef.current) onClose();
      }}
    >
      <div className="qr-dialog__inner stack">
        <h2 id={titleId}>{labels.title}</h2>
        <p className="text-muted">{labels.instructions}</p>
        <div className="qr-dialog__viewport">
          <video
            ref={videoRef}
            className="qr-dialog__video"
            muted
            playsInline
            aria-label={labels.video}
            hidden={state.status === 'error'}
          />
          {state.status !== 'error' && <span className="qr-dialog__frame" aria-hidden="true" />}
        </div>
        <div id={statusId} role="status">
          {state.status === 'starting' && <p>{labels.starting}</p>}
          {state.status === 'scanning' && <p>{labels.scanning}</p>}
        </div>
        {state.status === 'error' && (
          <Alert variant="error">
            <p>{labels.problems[state.problem]}</p>
          </Alert>
        )}
        <Button variant="secondary" block onClick={onClose}>
          {labels.close}
        </Button>
      </div>
    </dialog>
  );
}
