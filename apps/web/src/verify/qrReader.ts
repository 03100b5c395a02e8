import { prepareZXingModule, type ReaderOptions, readBarcodes } from 'zxing-wasm/reader';

/**
 * The QR reader of the verifier, of the camera dialogs and of picture files: ZXing's C++ decoder
 * compiled to WebAssembly (zxing-wasm), which finds codes that the JavaScript port misses —
 * photos and scans of a printed certificate at any resolution, screenshots, rotated or inverted
 * codes. Nothing here touches the DOM: the browser loads it with `loadQrReader.ts`, node tests
 * with `loadQrReaderWith`.
 */
export const QR_READER_OPTIONS: ReaderOptions = {
  formats: ['QRCode'],
  tryHarder: true,
  tryRotate: true,
  tryInvert: true,
  tryDownscale: true,
  maxNumberOfSymbols: 1,
};

/** Where the decoder's WebAssembly is served from (the web app's own bundle; never a CDN). */
export function loadQrReaderFrom(wasmUrl: string): void {
  prepareZXingModule({
    overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) },
  });
}

/** The decoder with its WebAssembly given as bytes (tests, workers without a URL). */
export function loadQrReaderWith(wasmBinary: ArrayBuffer): void {
  prepareZXingModule({ overrides: { wasmBinary } });
}

/** RGBA pixels, as a canvas's `ImageData` holds them (4 bytes a pixel, rows top to bottom). */
export interface Pixels {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** The text of the first QR code in an image file (PNG, JPEG…) or in pixels; null when none. */
export async function readQr(input: Blob | ArrayBuffer | Uint8Array | ImageData | Pixels): Promise<string | null> {
  // zxing-wasm reads any `{ data, width, height }` as pixels, though its type names ImageData only.
  const results = await readBarcodes(input as Blob | ArrayBuffer | Uint8Array | ImageData, QR_READER_OPTIONS);
  return results.find((r) => r.isValid && r.text.length > 0)?.text ?? null;
}

/**
 * Enlargements tried after the picture as it is. In a low-resolution scan, a photo taken from
 * afar or a small screenshot, a module of the code is a pixel or less; spread over two or three
 * pixels by bilinear interpolation, its edges fall between pixels where the decoder can find them.
 */
export const ENLARGEMENTS = [2, 3] as const;
/** No enlargement beyond this many pixels (48 MB of RGBA): a phone's memory is limited. */
export const MAX_ENLARGED_PIXELS = 12_000_000;

/** The picture `factor` times larger, interpolated bilinearly (as a canvas draws with smoothing). */
export function enlarge(picture: Pixels, factor: number): Pixels {
  const { data, width, height } = picture;
  const w = Math.max(1, Math.round(width * factor));
  const h = Math.max(1, Math.round(height * factor));
  const out = new Uint8ClampedArray(w * h * 4);
  // Source column of each target column (pixel centres aligned), computed once.
  const x0s = new Int32Array(w);
  const x1s = new Int32Array(w);
  const dxs = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    const fx = Math.min(width - 1, Math.max(0, (x + 0.5) / factor - 0.5));
    x0s[x] = Math.floor(fx);
    x1s[x] = Math.min(width - 1, x0s[x]! + 1);
    dxs[x] = fx - x0s[x]!;
  }
  for (let y = 0; y < h; y++) {
    const fy = Math.min(height - 1, Math.max(0, (y + 0.5) / factor - 0.5));
    const y0 = Math.floor(fy);
    const dy = fy - y0;
    const row0 = y0 * width * 4;
    const row1 = Math.min(height - 1, y0 + 1) * width * 4;
    let o = y * w * 4;
    for (let x = 0; x < w; x++, o += 4) {
      const a = row0 + x0s[x]! * 4;
      const b = row0 + x1s[x]! * 4;
      const c = row1 + x0s[x]! * 4;
      const d = row1 + x1s[x]! * 4;
      const dx = dxs[x]!;
      for (let k = 0; k < 3; k++) {
        const top = data[a + k]! + (data[b + k]! - data[a + k]!) * dx;
        const bottom = data[c + k]! + (data[d + k]! - data[c + k]!) * dx;
        out[o + k] = top + (bottom - top) * dy;
      }
      out[o + 3] = 255;
    }
  }
  return { data: out, width: w, height: h };
}

/**
 * The text of the QR code in a picture (a photo or scan of a printed certificate, a screenshot):
 * the picture as it is, then enlarged (`ENLARGEMENTS`) while that stays within
 * `MAX_ENLARGED_PIXELS`; null when none of them reads.
 */
export async function readQrInPicture(picture: Pixels): Promise<string | null> {
  const found = await readQr(picture);
  if (found) return found;
  for (const factor of ENLARGEMENTS) {
    if (picture.width * picture.height * factor * factor > MAX_ENLARGED_PIXELS) break;
    const text = await readQr(enlarge(picture, factor));
    if (text) return text;
  }
  return null;
}
