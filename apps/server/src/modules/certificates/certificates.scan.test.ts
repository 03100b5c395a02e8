import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The verifier page's own reading logic (apps/web), run here on the server's real PDFs.
import { loadQrReaderWith, type Pixels, readQr, readQrInPicture } from '../../../../web/src/verify/qrReader.js';
import { buildPersonIn, createPersonVia } from '../../test/factories.js';
import { useTestApp } from '../../test/harness.js';

/**
 * The printed certificate scans: the A4 and card PDFs of a real certificate, rasterised by
 * poppler (`pdftoppm`, as a scanner or a PDF viewer would) at 72 to 300 dpi, and pictures like a
 * phone's (a screenshot of the PDF on the phone, a photo of the print), are read by the verifier's
 * decoder — `readQrInPicture`, what `/xac-thuc` runs on a chosen picture — to the certificate's
 * exact HC1 string.
 */
const t = await useTestApp({ deps: { clock: () => new Date('2022-01-10T03:00:00Z') } });
const DPIS = [72, 100, 150, 200, 300] as const;
const LAYOUTS = ['a4', 'card'] as const;
type Layout = (typeof LAYOUTS)[number];

const dir = mkdtempSync(path.join(tmpdir(), 'tiemchung-scan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let qr = '';
const pdfs = new Map<Layout, string>();
/** How each picture read, printed at the end (the timings tell where the decoder is slow). */
const report: string[] = [];

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm'));
  loadQrReaderWith(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  try {
    execFileSync('pdftoppm', ['-v'], { stdio: 'ignore' });
  } catch {
    throw new Error('pdftoppm not found: install poppler-utils (apt-get install poppler-utils), as .ci/run does');
  }

  const p = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
  for (const administeredOn of ['2021-10-01', '2021-10-29']) {
    const dose = await t.call('POST', `/api/people/${p.id}/doses`, {
      as: 'caolanh.tiem',
      headers: { 'idempotency-key': randomUUID() },
      body: { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587', administeredOn, facilityId: 'DT-CL-01' },
    });
    expect(dose.status, JSON.stringify(dose.body)).toBe(201);
  }
  const certificate = await t.call('GET', `/api/people/${p.id}/certificate`, { as: 'caolanh.tiem' });
  expect(certificate.status).toBe(200);
  qr = certificate.body.qr;
  expect(qr).toMatch(/^HC1:/);
  for (const layout of LAYOUTS) {
    const res = await t.call('GET', `/api/people/${p.id}/certificate.pdf?layout=${layout}`, { as: 'caolanh.tiem' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    const file = path.join(dir, `${layout}.pdf`);
    writeFileSync(file, res.raw.rawPayload);
    pdfs.set(layout, file);
  }
});

afterAll(() => {
  if (report.length)
    console.log(`QR reading of the printed certificate (${qr.length} characters):\n${report.join('\n')}`);
});

const renders = new Map<string, Buffer[]>();
/** Every page of the PDF as a PNG at `dpi` (pdftoppm numbers the pages), rendered once. */
function render(layout: Layout, dpi: number): Buffer[] {
  const done = renders.get(`${layout}-${dpi}`);
  if (done) return done;
  const prefix = path.join(dir, `${layout}-${dpi}`);
  execFileSync('pdftoppm', ['-r', String(dpi), '-png', pdfs.get(layout)!, prefix]);
  const pages = readdirSync(dir)
    .filter((f) => f.startsWith(`${layout}-${dpi}-`) && f.endsWith('.png'))
    .sort();
  expect(pages.length).toBeGreaterThan(0);
  const images = pages.map((f) => readFileSync(path.join(dir, f)));
  renders.set(`${layout}-${dpi}`, images);
  return images;
}

/** The picture's pixels as the page's canvas gives them: RGBA, white behind transparency. */
async function pixelsOf(image: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(image)
    .flatten({ background: '#ffffff' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.byteLength),
    width: info.width,
    height: info.height,
  };
}

/** Reads the picture as the verifier page does, and notes how long it took and whether as it is. */
async function readLikeThePage(name: string, image: Buffer): Promise<string | null> {
  const pixels = await pixelsOf(image);
  const started = performance.now();
  const text = await readQrInPicture(pixels);
  const ms = performance.now() - started;
  const asIs = text ? (await readQr(pixels)) === text : false;
  report.push(
    `  ${name.padEnd(52)} ${`${pixels.width}×${pixels.height}`.padEnd(10)} ` +
      `${text === qr ? (asIs ? 'read' : 'read enlarged') : 'NOT READ'} in ${ms.toFixed(0)} ms`,
  );
  return text;
}

describe('the verifier reads the printed certificate', () => {
  for (const layout of LAYOUTS) {
    for (const dpi of DPIS) {
      it(`${layout === 'a4' ? 'A4' : 'card'} rendered at ${dpi} dpi`, async () => {
        for (const [i, page] of render(layout, dpi).entries()) {
          expect(await readLikeThePage(`${layout} at ${dpi} dpi, page ${i + 1}`, page)).toBe(qr);
        }
      });
    }
  }

  /** Pictures as they come from phones, made from the 300 dpi and 200 dpi renders. */
  const phone: [string, Layout, number, (image: sharp.Sharp) => sharp.Sharp][] = [
    // A screenshot of the whole page in a phone's PDF viewer (390 points at 3× and 360 at 2×).
    ['screenshot, 1170 px wide', 'a4', 300, (s) => s.resize({ width: 1170 }).png()],
    ['screenshot, 720 px wide, JPEG', 'a4', 300, (s) => s.resize({ width: 720 }).jpeg({ quality: 80 })],
    ['screenshot, 1170 px wide', 'card', 300, (s) => s.resize({ width: 1170 }).png()],
    ['screenshot, 720 px wide, JPEG', 'card', 300, (s) => s.resize({ width: 720 }).jpeg({ quality: 80 })],
    // A thumbnail-sized picture (a module of the code is under 2 pixels): read once enlarged. At
    // 380 px one signed certificate in 25 did not read (the signature changes the pattern); at 420,
    // 460 and 500 px all 25 did — so the test takes 460 px, not the edge.
    ['picture 460 px wide', 'card', 300, (s) => s.resize({ width: 460 }).png()],
    ['picture 400 px wide, JPEG', 'a4', 300, (s) => s.resize({ width: 400 }).jpeg({ quality: 80 })],
    // A photo of the print: askew, a little blurred, under dim light, JPEG-compressed.
    [
      'photo, 6° askew, blurred, dim, JPEG',
      'a4',
      200,
      (s) => s.rotate(6, { background: '#d8d8d8' }).blur(1.2).modulate({ brightness: 0.75 }).jpeg({ quality: 60 }),
    ],
    [
      'photo, −9° askew, sheared, blurred, JPEG',
      'card',
      200,
      (s) =>
        s
          .rotate(-9, { background: '#e0e0e0' })
          .affine(
            [
              [1, 0.06],
              [0.02, 0.96],
            ],
            { background: '#e0e0e0' },
          )
          .blur(1)
          .jpeg({ quality: 60 }),
    ],
  ];
  for (const [name, layout, dpi, make] of phone) {
    it(`${layout === 'a4' ? 'A4' : 'card'}: ${name}`, async () => {
      const [page] = render(layout, dpi);
      const image = await make(sharp(page!)).toBuffer();
      expect(await readLikeThePage(`${layout}: ${name}`, image)).toBe(qr);
    });
  }
});
