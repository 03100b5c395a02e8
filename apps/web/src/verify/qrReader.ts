import { prepareZXingModule, type ReaderOptions, readBarcodes } from 'zxing-wasm/reader';

/**
 * The verifier's QR reader: ZXing's C++ decoder compiled to WebAssembly (zxing-wasm), which finds
 * codes that the JavaScript port misses — photos and scans of a printed certificate at any
 * resolution, screenshots, rotated or inverted codes.
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

/** The text of the first QR code in an image file (PNG, JPEG…) or in pixels; null when none. */
export async function readQr(input: Blob | ArrayBuffer | Uint8Array | ImageData): Promise<string | null> {
  const results = await readBarcodes(input, QR_READER_OPTIONS);
  return results.find((r) => r.isValid && r.text.length > 0)?.text ?? null;
}
