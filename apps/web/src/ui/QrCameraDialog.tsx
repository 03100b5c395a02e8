import { useEffect, useId, useRef, useState } from 'react';
import { loadQrReader } from '../verify/loadQrReader';
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

/** The largest side of a frame given to the decoder (a 1080p camera's frames are read at 1280 px). */
const FRAME_MAX_SIDE = 1280;

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
 * A modal dialog that reads a QR code with the device camera: every `scanIntervalMs` a frame of
 * the video is drawn on a canvas and read by the platform's QR reader (ZXing C++ as WebAssembly,
 * `verify/qrReader.ts`, loaded only when the dialog opens); the next frame is read once the
 * previous one is done, so the page never queues work. The camera stream is stopped on a
 * result, on close and on unmount.
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
    let stream: MediaStream | null = null;
    let timer: number | undefined;
    let frame: number | undefined;
    /** Stops the camera (its light goes off) and the scanning. */
    const release = () => {
      window.clearTimeout(timer);
      if (frame !== undefined) window.cancelAnimationFrame(frame);
      for (const track of stream?.getTracks() ?? []) track.stop();
      stream = null;
      const video = videoRef.current;
      if (video) video.srcObject = null;
    };
    const stop = () => {
      stopped = true;
      release();
    };
    setState({ status: 'starting' });

    const start = async () => {
      if (!window.isSecureContext) return setState({ status: 'error', problem: 'insecure' });
      if (!navigator.mediaDevices?.getUserMedia) return setState({ status: 'error', problem: 'noCamera' });
      try {
        const reader = loadQrReader(); // fetched while the camera starts
        const media = await navigator.mediaDevices.getUserMedia({
          audio: false,
          video: { facingMode: 'environment', width: { ideal: 1280 }, height: { ideal: 720 } },
        });
        if (stopped) {
          for (const track of media.getTracks()) track.stop();
          return;
        }
        stream = media;
        const video = videoRef.current;
        if (!video) return release();
        video.srcObject = media;
        await video.play();
        const { readQr } = await reader;
        if (stopped) return;
        setState({ status: 'scanning' });

        const canvas = document.createElement('canvas');
        const context = canvas.getContext('2d', { willReadFrequently: true });
        if (!context) throw new Error('no 2d canvas');
        const next = () => {
          timer = window.setTimeout(() => {
            // On the next painted frame (none while the page is hidden: no scanning then).
            frame = window.requestAnimationFrame(() => void scan());
          }, scanIntervalMs);
        };
        const scan = async () => {
          if (stopped) return;
          const { videoWidth, videoHeight } = video;
          if (video.readyState >= video.HAVE_CURRENT_DATA && videoWidth > 0 && videoHeight > 0) {
            const scale = Math.min(1, FRAME_MAX_SIDE / Math.max(videoWidth, videoHeight));
            const width = Math.round(videoWidth * scale);
            const height = Math.round(videoHeight * scale);
            if (canvas.width !== width || canvas.height !== height) {
              canvas.width = width;
              canvas.height = height;
            }
            context.drawImage(video, 0, 0, width, height);
            let text: string | null = null;
            try {
              text = await readQr(context.getImageData(0, 0, width, height));
            } catch (error) {
              console.error(error); // this frame only: keep scanning
            }
            if (stopped) return;
            if (text) {
              stop();
              onDecodedRef.current(text);
              return;
            }
          }
          next();
        };
        next();
      } catch (error) {
        release();
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
