/**
 * Reads the QR code in a picture file (a photo or scan of a printed certificate, a screenshot):
 * the browser decodes the file into pixels on a white canvas, and `readQrInPicture` (qrReader.ts,
 * the same function the node tests run on rendered certificate PDFs) reads them — as they are,
 * then enlarged for small pictures.
 */

import { loadQrReader } from './loadQrReader';

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('image_unreadable'));
    img.src = url;
  });
}

/** The picture's pixels, with white behind transparent parts (a transparent PNG's code). */
function pixelsOf(img: HTMLImageElement): ImageData | null {
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, img.naturalWidth);
  canvas.height = Math.max(1, img.naturalHeight);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) return null;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(img, 0, 0);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

/** The text of the first QR code found in the picture; rejects with `Error('not_found')` when none. */
export async function decodeQrFromFile(file: Blob): Promise<string> {
  const { readQr, readQrInPicture } = await loadQrReader();
  const url = URL.createObjectURL(file);
  try {
    const img = await loadImage(url);
    const pixels = pixelsOf(img);
    // Without a canvas, the decoder reads the file itself (PNG, JPEG, GIF, BMP).
    const found = pixels ? await readQrInPicture(pixels) : await readQr(file);
    if (found) return found;
    throw new Error('not_found');
  } finally {
    URL.revokeObjectURL(url);
  }
}
