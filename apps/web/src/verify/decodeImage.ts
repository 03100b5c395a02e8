/** Reads the QR code in a picture (photo or screenshot) with ZXing, loaded on first use. */

/** Largest side tried first: big phone photos are scaled down (faster, and usually reads better). */
const SIDES = [1200, 2400];

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('image_unreadable'));
    img.src = url;
  });
}

/** The text of the first QR code found in the picture; rejects with `Error('not_found')` when none. */
export async function decodeQrFromFile(file: Blob): Promise<string> {
  const [
    { BrowserQRCodeReader },
    { HTMLCanvasElementLuminanceSource },
    { default: HybridBinarizer },
    { default: BinaryBitmap },
  ] = await Promise.all([
    import('@zxing/library/esm/browser/BrowserQRCodeReader'),
    import('@zxing/library/esm/browser/HTMLCanvasElementLuminanceSource'),
    import('@zxing/library/esm/core/common/HybridBinarizer'),
    import('@zxing/library/esm/core/BinaryBitmap'),
  ]);
  const url = URL.createObjectURL(file);
  try {
    const img = await loadImage(url);
    const reader = new BrowserQRCodeReader();
    const natural = Math.max(img.naturalWidth, img.naturalHeight);
    const sides = [...new Set(SIDES.map((side) => Math.min(side, natural)))];
    for (const side of sides) {
      const scale = side / natural;
      const canvas = document.createElement('canvas');
      canvas.width = Math.max(1, Math.round(img.naturalWidth * scale));
      canvas.height = Math.max(1, Math.round(img.naturalHeight * scale));
      const context = canvas.getContext('2d', { willReadFrequently: true });
      if (!context) break;
      context.fillStyle = '#fff'; // transparent PNGs: white behind the code
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(img, 0, 0, canvas.width, canvas.height);
      try {
        const bitmap = new BinaryBitmap(new HybridBinarizer(new HTMLCanvasElementLuminanceSource(canvas)));
        return reader.decodeBitmap(bitmap).getText();
      } catch {
        // not found at this size: try the next
      }
    }
    throw new Error('not_found');
  } finally {
    URL.revokeObjectURL(url);
  }
}
