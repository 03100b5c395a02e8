import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { vnDate } from '@tiemchung/core';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import type { CertificateView } from './certificates.service.js';

/**
 * The printed certificate: A4 ("CHỨNG NHẬN TIÊM CHỦNG COVID-19") and a card layout, with the whole
 * Be Vietnam Pro TTF embedded so every Vietnamese diacritic prints (the split web-font subsets lose
 * glyphs in pdfkit). Everything on it comes from `CertificateView`, i.e. from platform data.
 */
const require = createRequire(import.meta.url);
const FONT_REGULAR = readFileSync(
  require.resolve('@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf'),
);
const FONT_BOLD = readFileSync(require.resolve('@expo-google-fonts/be-vietnam-pro/700Bold/BeVietnamPro_700Bold.ttf'));
/**
 * The fonts parsed once per process and shared by every document (pdfkit takes a fontkit font as
 * well as the file's bytes): parsing the TTF's tables for each PDF, and the glyph and layout work
 * fontkit keeps on a font object, was a large part of a certificate's time (BENCHMARKS.md, "PDFs").
 * Each document still embeds its own subset of the glyphs it uses.
 */
const SHARED_REGULAR = fontkit.create(FONT_REGULAR);
const SHARED_BOLD = fontkit.create(FONT_BOLD);

const BAND: Record<CertificateView['color'], { fill: string; text: string }> = {
  green: { fill: '#1f8a4c', text: '#ffffff' },
  yellow: { fill: '#f2c230', text: '#1d1d1d' },
  none: { fill: '#d9d9d9', text: '#1d1d1d' },
};

const ISSUER = 'BỘ Y TẾ';
const ISSUER_EN = 'Ministry of Health of Viet Nam';
const GENDER_VI = { male: 'Nam', female: 'Nữ' } as const;
const KIND_VI: Record<string, string> = { primary: 'Cơ bản', additional: 'Bổ sung', booster: 'Nhắc lại' };

function newDoc(size: 'A4' | 'A6', layout: 'portrait' | 'landscape') {
  const doc = new PDFDocument({
    size,
    layout,
    margin: size === 'A4' ? 48 : 18,
    info: {
      Title: 'Chứng nhận tiêm chủng COVID-19',
      Author: 'Tiêm chủng — Bộ Y tế',
      Subject: 'COVID-19 vaccination certificate',
    },
  });
  doc.registerFont('regular', SHARED_REGULAR as unknown as Buffer);
  doc.registerFont('bold', SHARED_BOLD as unknown as Buffer);
  return doc;
}

function collect(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/**
 * Draws the QR code as vector squares (sharp at any print size, and no PNG to encode and decode):
 * error correction Q, as the EU DCC guidelines recommend for printed certificates.
 */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'Q' });
  const n = qr.modules.size;
  const quiet = 1;
  const cell = size / (n + 2 * quiet);
  doc.save();
  doc.rect(x, y, size, size).fill('#ffffff');
  // One rectangle per run of dark modules in a row (a third of the rectangles of one per module).
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      let end = col + 1;
      while (end < n && qr.modules.get(row, end)) end++;
      doc.rect(x + (col + quiet) * cell, y + (row + quiet) * cell, (end - col) * cell + 0.01, cell + 0.01);
      col = end;
    }
  }
  doc.fill('#000000');
  doc.restore();
}

async function a4Page(doc: PDFKit.PDFDocument, c: CertificateView): Promise<void> {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.font('bold').fontSize(11).text('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { align: 'center' });
  doc.font('regular').fontSize(10).text('Độc lập – Tự do – Hạnh phúc', { align: 'center' });
  doc.moveDown(0.3);
  doc.font('bold').fontSize(11).text(ISSUER, { align: 'center' });
  doc.font('regular').fontSize(8).fillColor('#555555').text(ISSUER_EN, { align: 'center' }).fillColor('#000000');
  doc.moveDown(1);
  doc.font('bold').fontSize(20).text('CHỨNG NHẬN TIÊM CHỦNG COVID-19', { align: 'center' });
  doc
    .font('regular')
    .fontSize(10)
    .fillColor('#555555')
    .text('COVID-19 VACCINATION CERTIFICATE', { align: 'center' })
    .fillColor('#000000');
  doc.moveDown(1);

  // Status colour band.
  const band = BAND[c.color];
  const bandY = doc.y;
  doc.rect(left, bandY, width, 30).fill(band.fill);
  doc
    .fillColor(band.text)
    .font('bold')
    .fontSize(13)
    .text(c.statusText.vi.toUpperCase(), left, bandY + 8, { width, align: 'center' });
  doc.fillColor('#000000');
  doc.y = bandY + 44;

  const qrSize = 170;
  const infoTop = doc.y;
  const field = (label: string, value: string) => {
    doc
      .font('regular')
      .fontSize(9)
      .fillColor('#555555')
      .text(label, left, doc.y, { width: width - qrSize - 16 });
    doc
      .font('bold')
      .fontSize(13)
      .fillColor('#000000')
      .text(value, { width: width - qrSize - 16 });
    doc.moveDown(0.35);
  };
  field('Họ và tên / Full name', c.person.fullName);
  field('Ngày sinh / Date of birth', vnDate(c.person.dateOfBirth));
  field('Giới tính / Sex', GENDER_VI[c.person.gender]);
  field('Số CCCD/CMND / ID number', c.person.idNumberMasked ?? '—');
  field(
    'Xác thực định danh / Identity',
    c.identity.verified ? 'Đã xác thực với CSDL quốc gia về dân cư' : 'Chưa xác thực với CSDL quốc gia về dân cư',
  );
  const afterInfo = doc.y;
  if (c.qr) drawQr(doc, c.qr, left + width - qrSize, infoTop, qrSize);
  doc.y = Math.max(afterInfo, infoTop + qrSize) + 12;

  // Doses.
  const cols = [
    { title: 'Mũi', w: 0.08 },
    { title: 'Ngày tiêm', w: 0.14 },
    { title: 'Vắc xin', w: 0.3 },
    { title: 'Số lô', w: 0.14 },
    { title: 'Cơ sở tiêm chủng', w: 0.34 },
  ];
  let y = doc.y;
  doc.rect(left, y, width, 20).fill('#eef3f6');
  doc.fillColor('#000000').font('bold').fontSize(9);
  let x = left;
  for (const col of cols) {
    doc.text(col.title, x + 4, y + 6, { width: col.w * width - 8 });
    x += col.w * width;
  }
  y += 22;
  doc.font('regular').fontSize(9);
  for (const d of c.doses) {
    const values = [
      `${d.doseNumber} (${KIND_VI[d.doseKind] ?? d.doseKind})`,
      vnDate(d.administeredOn),
      d.vaccineName,
      d.lotNumber,
      d.facilityName,
    ];
    x = left;
    let rowHeight = 0;
    for (const [i, col] of cols.entries())
      rowHeight = Math.max(rowHeight, doc.heightOfString(values[i] ?? '', { width: col.w * width - 8 }));
    for (const [i, col] of cols.entries()) {
      doc.text(values[i] ?? '', x + 4, y, { width: col.w * width - 8 });
      x += col.w * width;
    }
    y += rowHeight + 8;
    doc
      .moveTo(left, y - 4)
      .lineTo(left + width, y - 4)
      .lineWidth(0.5)
      .strokeColor('#cccccc')
      .stroke();
  }
  doc.y = y + 12;
  doc.font('regular').fontSize(9).fillColor('#333333');
  if (c.issuedAt)
    doc.text(
      `Ngày cấp / Issued: ${vnDate(c.issuedAt.slice(0, 10))}    Có giá trị đến / Valid until: ${vnDate((c.expiresAt ?? '').slice(0, 10))}`,
      left,
      doc.y,
      { width },
    );
  if (c.ci) doc.text(`Mã chứng nhận / Certificate identifier: ${c.ci}`, { width });
  doc.moveDown(0.5);
  doc
    .fontSize(8)
    .fillColor('#555555')
    .text(
      'Mã QR được ký số theo chuẩn Chứng nhận COVID số của EU (HCERT) và có thể xác thực ngoại tuyến bằng danh sách khoá công khai của Bộ Y tế. In từ Nền tảng tiêm chủng COVID-19.',
      { width },
    );
  doc.fillColor('#000000');
}

async function cardPage(doc: PDFKit.PDFDocument, c: CertificateView): Promise<void> {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const band = BAND[c.color];
  doc.rect(0, 0, doc.page.width, 26).fill(band.fill);
  doc
    .fillColor(band.text)
    .font('bold')
    .fontSize(10)
    .text('CHỨNG NHẬN TIÊM CHỦNG COVID-19', left, 8, { width, align: 'center' });
  doc.fillColor('#000000');
  const qrSize = 120;
  const top = 36;
  if (c.qr) drawQr(doc, c.qr, left + width - qrSize, top, qrSize);
  doc.y = top;
  const w = width - qrSize - 10;
  doc.font('bold').fontSize(12).text(c.person.fullName, left, doc.y, { width: w });
  doc.font('regular').fontSize(8.5);
  doc.text(`Ngày sinh: ${vnDate(c.person.dateOfBirth)} · ${GENDER_VI[c.person.gender]}`, { width: w });
  doc.text(`CCCD/CMND: ${c.person.idNumberMasked ?? '—'}`, { width: w });
  doc.moveDown(0.3);
  doc.font('bold').text(c.statusText.vi, { width: w });
  doc.font('regular');
  for (const d of c.doses)
    doc.text(`Mũi ${d.doseNumber}: ${vnDate(d.administeredOn)} · ${d.vaccineName.split(' (')[0]} · lô ${d.lotNumber}`, {
      width: w,
    });
  doc.moveDown(0.3);
  doc
    .fontSize(7)
    .fillColor('#555555')
    .text(`${ISSUER} · ${c.identity.verified ? 'Định danh đã xác thực' : 'Định danh chưa xác thực'}`, { width: w });
  if (c.ci) doc.text(c.ci, { width: w });
  doc.fillColor('#000000');
}

/** One certificate as a PDF: `a4` or `card` (A6 landscape, fits a wallet). */
export async function certificatePdf(c: CertificateView, layout: 'a4' | 'card' = 'a4'): Promise<Buffer> {
  const doc = layout === 'a4' ? newDoc('A4', 'portrait') : newDoc('A6', 'landscape');
  await (layout === 'a4' ? a4Page(doc, c) : cardPage(doc, c));
  return collect(doc);
}

/** Many certificates in one PDF, a page each (all people vaccinated in a session). */
export async function batchPdf(certs: CertificateView[], layout: 'a4' | 'card' = 'a4'): Promise<Buffer> {
  const doc = layout === 'a4' ? newDoc('A4', 'portrait') : newDoc('A6', 'landscape');
  for (const [i, c] of certs.entries()) {
    if (i > 0) doc.addPage();
    await (layout === 'a4' ? a4Page(doc, c) : cardPage(doc, c));
  }
  if (!certs.length) doc.font('regular').fontSize(12).text('Buổi tiêm chưa có người được tiêm.');
  return collect(doc);
}
