import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import QRCode from 'qrcode';
import { beforeAll, describe, expect, it } from 'vitest';
import { enlarge, loadQrReaderWith, type Pixels, readQr, readQrInPicture } from './qrReader.js';

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

/** A QR code drawn as RGBA pixels, `scale` pixels a module, with a 4-module quiet zone. */
function qrPixels(text: string, scale: number): Pixels {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const side = (modules.size + 8) * scale;
  const data = new Uint8ClampedArray(side * side * 4).fill(255);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const row = Math.floor(y / scale) - 4;
      const col = Math.floor(x / scale) - 4;
      if (row >= 0 && col >= 0 && row < modules.size && col < modules.size && modules.get(row, col)) {
        data.fill(0, (y * side + x) * 4, (y * side + x) * 4 + 3);
      }
    }
  }
  return { data, width: side, height: side };
}

describe('the reader on the desk’s codes (the staff camera dialog reads them too)', () => {
  it('reads a chip-CCCD QR code with its Vietnamese diacritics intact (UTF-8, no ECI)', async () => {
    const cccd =
      '087098001221|341950221|Đặng Thị Ngọc Hưởng|10101998|Nữ|Ấp Hòa Long, Xã Hòa An, TP Cao Lãnh, Đồng Tháp|15062021';
    expect(await readQr(qrPixels(cccd, 3))).toBe(cccd);
    const png = await QRCode.toBuffer(cccd, { margin: 4, scale: 4 });
    expect(await readQr(new Uint8Array(png))).toBe(cccd);
  });

  it('reads a registration check-in code', async () => {
    expect(await readQr(qrPixels('TCDK:DK-7K2M9QXA', 4))).toBe('TCDK:DK-7K2M9QXA');
  });
});

describe('readQrInPicture: the picture as it is, then enlarged', () => {
  it('enlarges bilinearly: the size grows by the factor, flat areas stay as they were', () => {
    const picture: Pixels = { data: new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 255]), width: 2, height: 1 };
    const big = enlarge(picture, 3);
    expect([big.width, big.height]).toEqual([6, 3]);
    const grey = (x: number, y: number) => big.data[(y * big.width + x) * 4]!;
    expect(grey(0, 1)).toBe(0);
    expect(grey(5, 1)).toBe(255);
    expect(grey(2, 1)).toBeGreaterThan(0); // between the two: interpolated
    expect(grey(2, 1)).toBeLessThan(grey(3, 1));
    expect(big.data[3]).toBe(255);
  });

  it('reads a code drawn one pixel a module, and finds nothing in a blank picture', async () => {
    const text =
      'HC1:6BFOXN%TS3DH0YOJ58S S-W5HDC *M0II5XHC9B5G2+$N IOP-IA%NFQGRJPC%OQHIZC4.OI1RM8ZA.A5:S9MKN4NN3F85QNCY0O%0VZ001HOC9JU0D0HT0HB2PL/IB*09B9LW4T*8+DCMH0LDK2%K:XFE70*LP$V25$0Q:J:4MO1P0%0L0HD+9E/HY+4J6TH48S%4K.GJ2PT3QY:GQ3TE2I+-CPHN6D7LLK*2HG%89UV-0LZ 2ZJJ524-LH/CJTK96L6SR9MU9DHGZ%P WUQRENS431T1XCNCF+47AY0-IFO0500TGPN8F5G.41Q2E4T8ALW.INSV$ 07UV5SR+BNQHNML7 /KD3TU 4V*CAT3ZGLQMI/XI%ZJNSBBXK2:UG%UJMI:TU+MMPZ5$/PMX19UE:-PSR3/$NU44CBE6DQ3D7B0FBOFX0DV2DGMB$YPF62I$60/F$Z2I6IFX21XNI-LM%3/DF/U6Z9FEOJVRLVW6K$UG+BKK57:1+D10%4K83F+1VWD1NE';
    expect(await readQrInPicture(qrPixels(text, 1))).toBe(text);
    const blank: Pixels = { data: new Uint8ClampedArray(200 * 200 * 4).fill(255), width: 200, height: 200 };
    expect(await readQrInPicture(blank)).toBeNull();
  });
});
