import wasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

/**
 * The QR reader (`qrReader.ts`) in the browser, loaded on first use — its own chunk, and its
 * WebAssembly served from the app's bundle — by the picture reader and the camera dialogs.
 */
let reader: Promise<typeof import('./qrReader')> | undefined;

export function loadQrReader(): Promise<typeof import('./qrReader')> {
  reader ??= import('./qrReader').then((m) => {
    m.loadQrReaderFrom(wasmUrl);
    return m;
  });
  // A failed load (network gone) is tried again next time.
  reader.catch(() => {
    reader = undefined;
  });
  return reader;
}
