/**
 * The encoder of the `qrcode` package without its renderers (`qrcode/lib/core/qrcode`): only the
 * module matrix is needed, QrCode.tsx draws it as SVG.
 */
declare module 'qrcode/lib/core/qrcode' {
  export interface QrCodeModules {
    readonly size: number;
    get(row: number, col: number): number | boolean;
  }
  export function create(
    text: string,
    options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' },
  ): { modules: QrCodeModules; version: number };
}
