import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadQrReaderWith, readQr } from './qrReader.js';

/**
 * The EU DCC common test vectors' picture check (EXPECTEDPICTUREDECODE): the QR image of each
 * vector, read by the verifier's own decoder, gives the vector's HC1 string — or, where the vector
 * expects the picture not to decode to it, does not.
 */
const ROOT = path.resolve(import.meta.dirname, '../../../../reference/dcc-testdata');

interface Vector {
  PREFIX?: string;
  '2DCODE'?: string;
  EXPECTEDRESULTS: Record<string, boolean>;
  TESTCTX: { DESCRIPTION: string };
}

function vectorFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return vectorFiles(full);
    return name.endsWith('.json') ? [full] : [];
  });
}

const withPicture = vectorFiles(ROOT)
  .map((file) => [path.relative(ROOT, file), JSON.parse(readFileSync(file, 'utf8')) as Vector] as const)
  .filter(([, v]) => 'EXPECTEDPICTUREDECODE' in v.EXPECTEDRESULTS && v['2DCODE'] && v.PREFIX);

beforeAll(() => {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
  loadQrReaderWith(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
});

describe('the verifier’s QR reader on the EU DCC vectors’ pictures', () => {
  it('the vectors with a picture check are there', () => expect(withPicture.length).toBeGreaterThan(0));
  for (const [name, v] of withPicture) {
    const expected = v.EXPECTEDRESULTS.EXPECTEDPICTUREDECODE;
    it(`${name}: ${v.TESTCTX.DESCRIPTION} — ${expected ? 'reads' : 'does not read'} the HC1 string`, async () => {
      const png = Buffer.from(v['2DCODE']!, 'base64');
      const text = await readQr(new Uint8Array(png));
      expect(text === v.PREFIX).toBe(expected);
    });
  }
});
