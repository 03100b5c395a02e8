import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import {
  A4_PAGE,
  a4Fields,
  BAND,
  BLACK,
  CARD_PAGE,
  cardDoseLine,
  cardIssuerLine,
  cardPersonLines,
  certificateQr,
  DARK_GREY,
  DOCUMENT_INFO,
  DOSE_COLUMNS,
  doseCells,
  FONT_FILES,
  GREY,
  identifierLine,
  issuedLine,
  type Layout,
  type PageGeometry,
  QR_SIZE,
  TABLE_HEAD_FILL,
  TABLE_RULE,
  TEXTS,
} from './certificates.pdf-content.js';
import { templatePdf } from './certificates.pdf-template.js';
import type { CertificateView } from './certificates.service.js';

/**
 * The printed certificate: A4 ("CHỨNG NHẬN TIÊM CHỦNG COVID-19") and a card layout, with Be Vietnam
 * Pro embedded so every Vietnamese diacritic prints. Everything on it comes from `CertificateView`,
 * i.e. from platform data. The template writer (`certificates.pdf-template.ts`) prints it; what
 * it cannot print as this module would — a character outside its fonts' subset, more than a
 * page — is printed here with pdfkit.
 */

/**
 * The fonts parsed once per process and shared by every document (pdfkit takes a fontkit font as
 * well as the file's bytes): parsing the TTF's tables for each PDF, and the glyph and layout work
 * fontkit keeps on a font object, was a large part of a certificate's time (BENCHMARKS.md, "PDFs").
 * Each document still embeds its own subset of the glyphs it uses.
 */
const SHARED_REGULAR = fontkit.create(FONT_FILES.regular);
const SHARED_BOLD = fontkit.create(FONT_FILES.bold);

function newDoc(page: PageGeometry) {
  const doc = new PDFDocument({
    size: [page.width, page.height],
    margin: page.margin,
    info: { Title: DOCUMENT_INFO.title, Author: DOCUMENT_INFO.author, Subject: DOCUMENT_INFO.subject },
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

/** Draws the QR code as vector squares (sharp at any print size, and no PNG to encode and decode). */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const modules = certificateQr(text);
  const n = modules.size;
  const quiet = 1;
  const cell = size / (n + 2 * quiet);
  doc.save();
  doc.rect(x, y, size, size).fill('#ffffff');
  // One rectangle per run of dark modules in a row (a third of the rectangles of one per module).
  for (let row = 0; row < n; row++) {
    for (let col = 0; col < n; ) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      let end = col + 1;
      while (end < n && modules.get(row, end)) end++;
      doc.rect(x + (col + quiet) * cell, y + (row + quiet) * cell, (end - col) * cell + 0.01, cell + 0.01);
      col = end;
    }
  }
  doc.fill(BLACK);
  doc.restore();
}

function a4Page(doc: PDFKit.PDFDocument, c: CertificateView): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  doc.font('bold').fontSize(11).text(TEXTS.republic, { align: 'center' });
  doc.font('regular').fontSize(10).text(TEXTS.motto, { align: 'center' });
  doc.moveDown(0.3);
  doc.font('bold').fontSize(11).text(TEXTS.issuer, { align: 'center' });
  doc.font('regular').fontSize(8).fillColor(GREY).text(TEXTS.issuerEn, { align: 'center' }).fillColor(BLACK);
  doc.moveDown(1);
  doc.font('bold').fontSize(20).text(TEXTS.title, { align: 'center' });
  doc.font('regular').fontSize(10).fillColor(GREY).text(TEXTS.titleEn, { align: 'center' }).fillColor(BLACK);
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
  doc.fillColor(BLACK);
  doc.y = bandY + 44;

  const qrSize = QR_SIZE.a4;
  const infoTop = doc.y;
  for (const [label, value] of a4Fields(c)) {
    doc
      .font('regular')
      .fontSize(9)
      .fillColor(GREY)
      .text(label, left, doc.y, { width: width - qrSize - 16 });
    doc
      .font('bold')
      .fontSize(13)
      .fillColor(BLACK)
      .text(value, { width: width - qrSize - 16 });
    doc.moveDown(0.35);
  }
  const afterInfo = doc.y;
  if (c.qr) drawQr(doc, c.qr, left + width - qrSize, infoTop, qrSize);
  doc.y = Math.max(afterInfo, infoTop + qrSize) + 12;

  // Doses.
  let y = doc.y;
  doc.rect(left, y, width, 20).fill(TABLE_HEAD_FILL);
  doc.fillColor(BLACK).font('bold').fontSize(9);
  let x = left;
  for (const col of DOSE_COLUMNS) {
    doc.text(col.title, x + 4, y + 6, { width: col.share * width - 8 });
    x += col.share * width;
  }
  y += 22;
  doc.font('regular').fontSize(9);
  for (const d of c.doses) {
    const values = doseCells(d);
    x = left;
    let rowHeight = 0;
    for (const [i, col] of DOSE_COLUMNS.entries())
      rowHeight = Math.max(rowHeight, doc.heightOfString(values[i] ?? '', { width: col.share * width - 8 }));
    for (const [i, col] of DOSE_COLUMNS.entries()) {
      doc.text(values[i] ?? '', x + 4, y, { width: col.share * width - 8 });
      x += col.share * width;
    }
    y += rowHeight + 8;
    doc
      .moveTo(left, y - 4)
      .lineTo(left + width, y - 4)
      .lineWidth(0.5)
      .strokeColor(TABLE_RULE)
      .stroke();
  }
  doc.y = y + 12;
  doc.font('regular').fontSize(9).fillColor(DARK_GREY);
  const issued = issuedLine(c);
  if (issued) doc.text(issued, left, doc.y, { width });
  const identifier = identifierLine(c);
  if (identifier) doc.text(identifier, { width });
  doc.moveDown(0.5);
  doc.fontSize(8).fillColor(GREY).text(TEXTS.footnote, { width });
  doc.fillColor(BLACK);
}

function cardPage(doc: PDFKit.PDFDocument, c: CertificateView): void {
  const left = doc.page.margins.left;
  const width = doc.page.width - left - doc.page.margins.right;
  const band = BAND[c.color];
  doc.rect(0, 0, doc.page.width, 26).fill(band.fill);
  doc.fillColor(band.text).font('bold').fontSize(10).text(TEXTS.title, left, 8, { width, align: 'center' });
  doc.fillColor(BLACK);
  const qrSize = QR_SIZE.card;
  const top = 36;
  if (c.qr) drawQr(doc, c.qr, left + width - qrSize, top, qrSize);
  doc.y = top;
  const w = width - qrSize - 10;
  doc.font('bold').fontSize(12).text(c.person.fullName, left, doc.y, { width: w });
  doc.font('regular').fontSize(8.5);
  for (const line of cardPersonLines(c)) doc.text(line, { width: w });
  doc.moveDown(0.3);
  doc.font('bold').text(c.statusText.vi, { width: w });
  doc.font('regular');
  for (const d of c.doses) doc.text(cardDoseLine(d), { width: w });
  doc.moveDown(0.3);
  doc.fontSize(7).fillColor(GREY).text(cardIssuerLine(c), { width: w });
  if (c.ci) doc.text(c.ci, { width: w });
  doc.fillColor(BLACK);
}

/** The certificates with pdfkit, a page each: what the template cannot print. */
export function pdfkitPdf(certs: readonly CertificateView[], layout: Layout): Promise<Buffer> {
  const doc = newDoc(layout === 'a4' ? A4_PAGE : CARD_PAGE);
  for (const [i, c] of certs.entries()) {
    if (i > 0) doc.addPage();
    if (layout === 'a4') a4Page(doc, c);
    else cardPage(doc, c);
  }
  if (!certs.length) doc.font('regular').fontSize(12).text(TEXTS.emptySession);
  return collect(doc);
}

/** One certificate as a PDF: `a4` or `card` (A6 landscape, fits a wallet). */
export async function certificatePdf(c: CertificateView, layout: Layout = 'a4'): Promise<Buffer> {
  return templatePdf([c], layout) ?? pdfkitPdf([c], layout);
}

/**
 * Many certificates in one PDF, a page each (all people vaccinated in a session); with pdfkit
 * as a whole when the template cannot print one of them.
 */
export async function batchPdf(certs: CertificateView[], layout: Layout = 'a4'): Promise<Buffer> {
  return templatePdf(certs, layout) ?? pdfkitPdf(certs, layout);
}
