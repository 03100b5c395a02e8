/**
 * Reads the QR code in a picture (a photo or scan of a printed certificate, a screenshot) with the
 * verifier's reader (`qrReader.ts`: ZXing C++ as WebAssembly), loaded on first use. The picture is
 * tried as it is, then — for low-resolution scans, where a module of the code is a pixel or two —
 * enlarged.
 */

import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

/** Scales tried after the picture as it is, for small pictures (side in pixels ≤ SMALL). */
const UPSCALES = [2, 3];
const SMALL = 1600;

let reader: Promise<typeof import('./qrReader.js')> | undefined;
function loadReader() {
  reader ??= import('./qrReader.js').then((m) => {
    m.loadQrReaderFrom(wasmUrl);
    return m;
  });
  return reader;
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('image_unreadable'));
    img.src = url;
  });
}

function pixelsAt(img: HTMLImageElement, scale: number): ImageData | null {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return null;
  context.fillStyle = '#fff'; // transparent PNGs: white behind the code
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.imageSmoothingEnabled = false;
  context.drawImage(img, 0, 0, canvas.width, canvas.height);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

/** The text of the first QR code found in the picture; rejects with `Error('not_found')` when none. */
export async function decodeQrFromFile(file: Blob): Promise<string> {
  const { readQr } = await loadReader();
  const url = URL.createObjectURL(file);
  try {
    const img = await loadImage(url);
    const asIs = pixelsAt(img, 1);
    const found = asIs ? await readQr(asIs) : await readQr(file);
    if (found) return found;
    if (Math.max(img.naturalWidth, img.naturalHeight) <= SMALL) {
      for (const scale of UPSCALES) {
        const pixels = pixelsAt(img, scale);
        const text = pixels ? await readQr(pixels) : null;
        if (text) return text;
      }
    }
    throw new Error('not_found');
  } finally {
    URL.revokeObjectURL(url);
  }
}
