import { useEffect, useState } from 'react';
import { cx } from './cx';
import './qr-code.css';

/** Modules of white border around the code (the QR standard asks for 4). */
const QUIET_ZONE = 4;

interface Matrix {
  size: number;
  /** SVG path of the dark modules, one `h` run per row segment. */
  path: string;
}

/** The SVG path of the dark modules (row runs merged, so the path stays short). */
function pathOf(size: number, isDark: (row: number, col: number) => boolean): string {
  let d = '';
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!isDark(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && isDark(row, col)) col++;
      d += `M${start + QUIET_ZONE} ${row + QUIET_ZONE}h${col - start}v1h-${col - start}z`;
    }
  }
  return d;
}

type QrEncoder = typeof import('qrcode/lib/core/qrcode');

async function encode(text: string, level: QrCodeProps['errorCorrection']): Promise<Matrix> {
  // A CommonJS module: its exports may come as named exports or under `default`.
  const loaded = (await import('qrcode/lib/core/qrcode')) as QrEncoder & { default?: QrEncoder };
  const create = loaded.create ?? loaded.default?.create;
  if (!create) throw new Error('qrcode: create() not found');
  const { modules } = create(text, { errorCorrectionLevel: level });
  return { size: modules.size, path: pathOf(modules.size, (row, col) => Boolean(modules.get(row, col))) };
}

export interface QrCodeProps {
  /** The text to encode. */
  text: string;
  /** What the image is, for screen readers (e.g. "Mã QR chứng nhận tiêm chủng"). */
  label: string;
  /** Error correction: EU DCC certificates use Q; short codes M. */
  errorCorrection?: 'L' | 'M' | 'Q' | 'H';
  className?: string;
}

/**
 * A QR code drawn as SVG (sharp at any size, prints well), black on white with its quiet zone.
 * The encoder is a separate chunk, loaded the first time a code is shown.
 */
export function QrCode({ text, label, errorCorrection = 'M', className }: QrCodeProps) {
  const [matrix, setMatrix] = useState<Matrix | 'error' | null>(null);

  useEffect(() => {
    let current = true;
    setMatrix(null);
    encode(text, errorCorrection).then(
      (m) => current && setMatrix(m),
      (error: unknown) => {
        console.error(error);
        if (current) setMatrix('error');
      },
    );
    return () => {
      current = false;
    };
  }, [text, errorCorrection]);

  if (matrix === null || matrix === 'error') {
    return (
      <div className={cx('qr-code', 'qr-code--placeholder', className)} role="img" aria-label={label}>
        {matrix === null && <span className="spinner" aria-hidden="true" />}
      </div>
    );
  }
  const full = matrix.size + 2 * QUIET_ZONE;
  return (
    <svg
      className={cx('qr-code', className)}
      viewBox={`0 0 ${full} ${full}`}
      role="img"
      aria-label={label}
      shapeRendering="crispEdges"
    >
      <rect width={full} height={full} fill="#fff" />
      <path d={matrix.path} fill="#000" />
    </svg>
  );
}
