import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { batchPdf, certificatePdf, pdfkitPdf } from './certificates.pdf.js';
import { templatePdf } from './certificates.pdf-template.js';
import type { CertificateView } from './certificates.service.js';

/**
 * The template writer's PDFs, checked with tools that do not share its code: qpdf (structure,
 * streams), poppler's pdftotext (the text, through the fonts' ToUnicode maps and widths), and the
 * cross-reference table read here.
 */

const QPDF = '/usr/bin/qpdf';
const dir = mkdtempSync(path.join(tmpdir(), 'tiemchung-pdf-template-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BASE45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
/** An HC1-like text of a real certificate's length (the QR code's content is not read here). */
const hc1 = (seed: number) =>
  `HC1:${Array.from({ length: 579 }, (_, i) => BASE45[(Math.imul(i + seed, 2654435761) >>> 7) % 45]).join('')}`;

type Dose = CertificateView['doses'][number];
const dose = (n: number, over: Partial<Dose> = {}): Dose => ({
  id: `dose-${n}`,
  doseNumber: n,
  doseKind: n < 3 ? 'primary' : 'booster',
  vaccineCode: 'EU/1/20/1528',
  vaccineName: 'Comirnaty (Pfizer-BioNTech)',
  manufacturer: 'ORG-100030215',
  lotNumber: `FF258${n}`,
  administeredOn: `2021-0${6 + n}-1${n}`,
  facilityId: 'DT-CL-01',
  facilityName: 'Trạm Y tế Phường 1',
  ...over,
});

/** A certificate as `buildView` makes it: booster, three doses, a long facility name. */
function fixture(over: { fullName?: string; doses?: Dose[]; qr?: string | null } = {}): CertificateView {
  return {
    person: {
      id: '0190a1b2-0000-7000-8000-000000000001',
      fullName: over.fullName ?? 'Nguyễn Thị Ánh Tuyết',
      dateOfBirth: '1985-03-07',
      gender: 'female',
      idNumberMasked: '087******123',
    },
    status: 'booster',
    color: 'green',
    statusText: { vi: 'Đã tiêm mũi bổ sung/nhắc lại', en: 'Booster received' },
    doses: over.doses ?? [
      dose(1),
      dose(2, { facilityName: 'Bệnh viện Đa khoa Khu vực Thành phố Sa Đéc tỉnh Đồng Tháp, cơ sở 2' }),
      dose(3, { vaccineCode: 'EU/1/20/1507', vaccineName: 'Spikevax (Moderna)', lotNumber: '3002183' }),
    ],
    qr: over.qr === undefined ? hc1(0) : over.qr,
    ci: 'URN:UVCI:01:VN:0190A1B2C3D4E5F6#Q',
    issuedAt: '2022-03-05T03:00:00.000Z',
    expiresAt: '2023-03-05T03:00:00.000Z',
    identity: { verified: true, status: 'verified', source: 'registry', verifiedAt: null, override: false },
    passportBlockers: [],
    passport: null,
  };
}

let files = 0;
function file(pdf: Buffer): string {
  const name = path.join(dir, `${files++}.pdf`);
  writeFileSync(name, pdf);
  return name;
}

/**
 * The text poppler extracts (NFC), its whitespace collapsed: wrapped lines read as one. `raw`: in
 * the content stream's order instead of poppler's reading of the layout, which joins two one-letter
 * words ("B A" reads "BA", from pdfkit's PDF as from the template's) although the space is printed.
 */
function textOf(pdf: Buffer, page?: number, raw = false): string {
  const pages = page ? ['-f', String(page), '-l', String(page)] : [];
  return execFileSync('pdftotext', ['-enc', 'UTF-8', ...(raw ? ['-raw'] : []), ...pages, '-', '-'], { input: pdf })
    .toString('utf8')
    .normalize('NFC')
    .replace(/\s+/g, ' ');
}

/** qpdf finds no damage (when installed: `apt-get install qpdf`), and says how many pages. */
function checkWithQpdf(pdf: Buffer): number | null {
  if (!existsSync(QPDF)) return null;
  const name = file(pdf);
  const check = execFileSync(QPDF, ['--check', name]).toString();
  expect(check).toContain('No syntax or stream encoding errors found');
  return Number(execFileSync(QPDF, ['--show-npages', name]).toString());
}

/** Reads the cross-reference table from `startxref` and checks that each entry points at `N 0 obj`. */
function checkXref(pdf: Buffer): number {
  const tail = pdf.toString('latin1', pdf.length - 64);
  const start = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(tail)?.[1]);
  const head = /^xref\n0 (\d+)\n/.exec(pdf.toString('latin1', start, start + 32));
  expect(head, 'xref at startxref').not.toBeNull();
  const size = Number(head![1]);
  const entries = start + head![0].length;
  expect(pdf.toString('latin1', entries, entries + 20)).toBe('0000000000 65535 f \n');
  for (let n = 1; n < size; n++) {
    const entry = pdf.toString('latin1', entries + 20 * n, entries + 20 * (n + 1));
    expect(entry).toMatch(/^\d{10} 00000 n \n$/);
    const offset = Number(entry.slice(0, 10));
    expect(pdf.toString('latin1', offset, offset + `${n} 0 obj`.length + 1)).toBe(`${n} 0 obj\n`);
  }
  expect(pdf.toString('latin1', entries + 20 * size, entries + 20 * size + 8)).toBe('trailer\n');
  return size;
}

/** Each word poppler finds on the first page, with its box (points from the top left). */
function wordsOf(pdf: Buffer): { text: string; xMin: number; yMin: number; xMax: number }[] {
  const html = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', '-l', '1', file(pdf), '-']).toString('utf8');
  return [
    ...html
      .normalize('NFC')
      .matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g),
  ].map((m) => ({ text: m[4]!, xMin: Number(m[1]), yMin: Number(m[2]), xMax: Number(m[3]) }));
}

/** Everything the A4 prints of `c` that comes from its data. */
function a4Fields(c: CertificateView): string[] {
  return [
    c.person.fullName,
    '07/03/1985',
    'Nữ',
    c.person.idNumberMasked!,
    'Đã xác thực với CSDL quốc gia về dân cư',
    c.statusText.vi.toUpperCase(),
    ...c.doses.flatMap((d) => [
      d.vaccineName,
      d.lotNumber,
      d.facilityName,
      `${d.administeredOn.slice(8)}/${d.administeredOn.slice(5, 7)}/${d.administeredOn.slice(0, 4)}`,
    ]),
    'Ngày cấp / Issued: 05/03/2022',
    'Valid until: 05/03/2023',
    c.ci!,
  ];
}

const hasPoppler = existsSync('/usr/bin/pdftotext');

describe.runIf(hasPoppler)('the template writer', () => {
  it('writes the A4 as a valid PDF whose text has every field', async () => {
    const c = fixture();
    const pdf = templatePdf([c], 'a4')!;
    expect(pdf).not.toBeNull();
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    checkXref(pdf);
    expect(checkWithQpdf(pdf) ?? 1).toBe(1);
    const text = textOf(pdf);
    for (const field of a4Fields(c)) expect(text).toContain(field);
    for (const fixed of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'CHỨNG NHẬN TIÊM CHỦNG COVID-19', 'Cơ sở tiêm chủng'])
      expect(text).toContain(fixed);
    expect(text).toContain('Bộ Y tế. In từ Nền tảng tiêm chủng COVID-19.');
    // The public function takes this path: the same bytes.
    expect((await certificatePdf(c, 'a4')).equals(pdf)).toBe(true);
  });

  it('writes the card, with the title, the Info dictionary in UTF-16 and both fonts subset', () => {
    const c = fixture();
    const pdf = templatePdf([c], 'card')!;
    checkXref(pdf);
    expect(checkWithQpdf(pdf) ?? 1).toBe(1);
    const text = textOf(pdf);
    for (const field of [
      c.person.fullName,
      'Ngày sinh: 07/03/1985 · Nữ',
      `CCCD/CMND: ${c.person.idNumberMasked}`,
      c.statusText.vi,
      'Mũi 2: 12/08/2021 · Comirnaty · lô FF2582',
      'Mũi 3: 13/09/2021 · Spikevax · lô 3002183',
      'BỘ Y TẾ · Định danh đã xác thực',
      c.ci!,
    ])
      expect(text).toContain(field);
    const info = execFileSync('pdfinfo', ['-enc', 'UTF-8', file(pdf)])
      .toString('utf8')
      .normalize('NFC');
    expect(info).toMatch(/Title:\s+Chứng nhận tiêm chủng COVID-19\n/);
    expect(info).toMatch(/Page size:\s+419.53 x 297.64 pts/);
    const fonts = execFileSync('pdffonts', [file(pdf)]).toString();
    expect(fonts).toMatch(/\+BeVietnamPro-Regular\s+CID TrueType\s+Identity-H\s+yes yes yes/);
    expect(fonts).toMatch(/\+BeVietnamPro-Bold\s+CID TrueType\s+Identity-H\s+yes yes yes/);
  });

  it('writes a batch as one document, a page each, the fonts once', async () => {
    const names = ['Trần Văn Bình', 'Lê Thị Hồng Nhung', 'Phạm Quốc Đạt'];
    const certs = names.map((fullName) => fixture({ fullName }));
    for (const layout of ['a4', 'card'] as const) {
      const pdf = templatePdf(certs, layout)!;
      checkXref(pdf);
      expect(checkWithQpdf(pdf) ?? 3).toBe(3);
      for (const [i, name] of names.entries()) expect(textOf(pdf, i + 1)).toContain(name);
      expect(pdf.toString('latin1').match(/\/FontFile2/g)).toHaveLength(2);
      expect((await batchPdf(certs, layout)).equals(pdf)).toBe(true);
    }
    // A session nobody was vaccinated in.
    expect(textOf(templatePdf([], 'a4')!)).toContain('Buổi tiêm chưa có người được tiêm.');
  });

  it('lays the text out as pdfkit does: the same words on the same lines, within a quarter of a point', async () => {
    // pdfkit's kerning is read from the font's GPOS table; its ligatures (fi) are not used, which
    // moves the words after one by a twentieth of a point.
    for (const layout of ['a4', 'card'] as const) {
      const c = fixture();
      const template = wordsOf(templatePdf([c], layout)!);
      const pdfkit = wordsOf(await pdfkitPdf([c], layout));
      expect(template.map((w) => w.text)).toEqual(pdfkit.map((w) => w.text));
      for (const [i, w] of template.entries()) {
        const p = pdfkit[i]!;
        expect(Math.abs(w.xMin - p.xMin), `${w.text} left`).toBeLessThan(0.25);
        expect(Math.abs(w.xMax - p.xMax), `${w.text} right`).toBeLessThan(0.25);
        expect(Math.abs(w.yMin - p.yMin), `${w.text} top`).toBeLessThan(0.25);
      }
    }
  });

  it('prints no QR code when there is none, and a certificate without doses', () => {
    const pdf = templatePdf([fixture({ qr: null, doses: [] })], 'a4')!;
    checkXref(pdf);
    expect(textOf(pdf)).toContain('Nguyễn Thị Ánh Tuyết');
  });

  it('wraps a long facility name inside its column', () => {
    const long = 'Trung tâm Y tế huyện Châu Thành tỉnh Đồng Tháp – Điểm tiêm lưu động số 12 tại Trường Tiểu học';
    const pdf = templatePdf([fixture({ doses: [dose(1, { facilityName: long })] })], 'a4')!;
    expect(textOf(pdf)).toContain(long);
    // The column: the last 34 % of the text width (48 to 547.28 points), 4 points inside each edge.
    const columnLeft = 48 + 0.66 * 499.28 + 4;
    const columnRight = 48 + 499.28 - 4;
    const html = execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', file(pdf), '-'])
      .toString('utf8')
      .normalize('NFC');
    const words = [
      ...html.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g),
    ];
    const lines = new Set<string>();
    for (const word of long.split(' ')) {
      const box = words.find((w) => w[4] === word && Number(w[1]) >= columnLeft - 0.5);
      expect(box, word).toBeDefined();
      expect(Number(box![3])).toBeLessThanOrEqual(columnRight + 0.5);
      lines.add(box![2]!);
    }
    expect(lines.size).toBeGreaterThanOrEqual(3);
  });

  it('leaves to pdfkit a name with a character outside the subset, which still prints', async () => {
    // Ł is in Be Vietnam Pro but not in the subset (Vietnamese, ASCII, Latin-1).
    const c = fixture({ fullName: 'Nguyễn Łan Anh' });
    expect(templatePdf([c], 'a4')).toBeNull();
    expect(templatePdf([c], 'card')).toBeNull();
    for (const layout of ['a4', 'card'] as const) {
      const pdf = await certificatePdf(c, layout);
      // pdfkit's: it names itself as the producer, the template writer does not.
      expect(pdf.toString('latin1')).toContain('/Producer');
      expect(textOf(pdf)).toContain('Nguyễn Łan Anh');
    }
    // One such name sends the whole batch to pdfkit.
    const batch = await batchPdf([fixture({ fullName: 'Trần Văn Bình' }), c], 'a4');
    expect(templatePdf([fixture({ fullName: 'Trần Văn Bình' }), c], 'a4')).toBeNull();
    expect(textOf(batch)).toContain('Trần Văn Bình');
    expect(textOf(batch)).toContain('Nguyễn Łan Anh');
    // Neither path has a glyph for Ǹ or 𠀀 (not in the font): pdfkit prints the rest of the name.
    for (const fullName of ['Ǹguyễn Văn An', '𠀀 Văn An']) {
      expect(templatePdf([fixture({ fullName })], 'a4')).toBeNull();
      const pdf = await certificatePdf(fixture({ fullName }), 'a4');
      expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
      expect(textOf(pdf)).toContain('Văn An');
    }
  });

  it('leaves to pdfkit a certificate longer than a page', async () => {
    const long = 'Bệnh viện Đa khoa Khu vực Thành phố Sa Đéc tỉnh Đồng Tháp, điểm tiêm lưu động';
    const doses = Array.from({ length: 14 }, (_, i) =>
      dose(i + 1, { administeredOn: '2022-01-05', facilityName: `${long} số ${i + 1}` }),
    );
    const c = fixture({ doses });
    expect(templatePdf([c], 'a4')).toBeNull();
    const pdf = await certificatePdf(c, 'a4');
    expect(checkWithQpdf(pdf) ?? 2).toBeGreaterThanOrEqual(2);
    expect(textOf(pdf)).toContain(`${long} số 14`);
  });

  it('prints any Vietnamese name back exactly', () => {
    const vowels = 'aăâeêioôơuưy';
    const tones = ['', '\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
    const letter = fc.oneof(
      fc.constantFrom(...'bcdđghklmnpqrstvx'),
      fc.tuple(fc.constantFrom(...vowels), fc.constantFrom(...tones)).map(([v, t]) => (v + t).normalize('NFC')),
    );
    const word = fc
      .array(letter, { minLength: 1, maxLength: 7 })
      .map((letters) => letters.join(''))
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
    const name = fc.array(word, { minLength: 1, maxLength: 4 }).map((words) => words.join(' '));
    fc.assert(
      fc.property(name, fc.constantFrom('a4' as const, 'card' as const), (fullName, layout) => {
        const pdf = templatePdf([fixture({ fullName, qr: null })], layout);
        expect(pdf).not.toBeNull();
        expect(textOf(pdf!, undefined, true)).toContain(fullName);
      }),
      // One-letter words first: the case a CI run found ("B A").
      {
        numRuns: 40,
        examples: [
          ['B A', 'a4'],
          ['Ý Ă', 'card'],
        ],
      },
    );
  });
});
