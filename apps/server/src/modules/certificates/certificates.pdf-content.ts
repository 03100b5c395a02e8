import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { vnDate } from '@tiemchung/core';
import QRCode from 'qrcode';
import type { CertificateView } from './certificates.service.js';

/**
 * What the printed certificate says and where, shared by its two writers — the template writer
 * (`certificates.pdf-template.ts`, the usual path) and pdfkit (`certificates.pdf.ts`, the fallback
 * for what the template cannot print) — so that both print the same words, colours and measures.
 */

const require = createRequire(import.meta.url);
/**
 * The whole Be Vietnam Pro TTFs, so every Vietnamese diacritic prints (the split web-font subsets
 * lose glyphs in pdfkit).
 */
export const FONT_FILES = {
  regular: readFileSync(require.resolve('@expo-google-fonts/be-vietnam-pro/400Regular/BeVietnamPro_400Regular.ttf')),
  bold: readFileSync(require.resolve('@expo-google-fonts/be-vietnam-pro/700Bold/BeVietnamPro_700Bold.ttf')),
} as const;

/** The two layouts: A4, and the card (A6 landscape, fits a wallet). */
export type Layout = 'a4' | 'card';

/** The document information dictionary. */
export const DOCUMENT_INFO = {
  title: 'Chứng nhận tiêm chủng COVID-19',
  author: 'Tiêm chủng — Bộ Y tế',
  subject: 'COVID-19 vaccination certificate',
} as const;

/** A page in points, as pdfkit sizes them, and its margin on every side. */
export interface PageGeometry {
  readonly width: number;
  readonly height: number;
  readonly margin: number;
}

/** Portrait A4. */
export const A4_PAGE: PageGeometry = { width: 595.28, height: 841.89, margin: 48 };
/** A6 landscape: the card, which fits a wallet. */
export const CARD_PAGE: PageGeometry = { width: 419.53, height: 297.64, margin: 18 };
/** The QR code's side on each layout, points. */
export const QR_SIZE = { a4: 170, card: 120 } as const;

export const BAND: Record<CertificateView['color'], { fill: string; text: string }> = {
  green: { fill: '#1f8a4c', text: '#ffffff' },
  yellow: { fill: '#f2c230', text: '#1d1d1d' },
  none: { fill: '#d9d9d9', text: '#1d1d1d' },
};
export const BLACK = '#000000';
export const GREY = '#555555';
/** The issued / valid-until and identifier lines of the A4. */
export const DARK_GREY = '#333333';
export const TABLE_HEAD_FILL = '#eef3f6';
export const TABLE_RULE = '#cccccc';

/** The fixed texts. */
export const TEXTS = {
  republic: 'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  motto: 'Độc lập – Tự do – Hạnh phúc',
  issuer: 'BỘ Y TẾ',
  issuerEn: 'Ministry of Health of Viet Nam',
  title: 'CHỨNG NHẬN TIÊM CHỦNG COVID-19',
  titleEn: 'COVID-19 VACCINATION CERTIFICATE',
  footnote:
    'Mã QR được ký số theo chuẩn Chứng nhận COVID số của EU (HCERT) và có thể xác thực ngoại tuyến bằng danh sách khoá công khai của Bộ Y tế. In từ Nền tảng tiêm chủng COVID-19.',
  emptySession: 'Buổi tiêm chưa có người được tiêm.',
} as const;

const GENDER_VI = { male: 'Nam', female: 'Nữ' } as const;
const KIND_VI: Record<string, string> = { primary: 'Cơ bản', additional: 'Bổ sung', booster: 'Nhắc lại' };

/** The A4's fields beside the QR code: label, value. */
export function a4Fields(c: CertificateView): [label: string, value: string][] {
  return [
    ['Họ và tên / Full name', c.person.fullName],
    ['Ngày sinh / Date of birth', vnDate(c.person.dateOfBirth)],
    ['Giới tính / Sex', GENDER_VI[c.person.gender]],
    ['Số CCCD/CMND / ID number', c.person.idNumberMasked ?? '—'],
    [
      'Xác thực định danh / Identity',
      c.identity.verified ? 'Đã xác thực với CSDL quốc gia về dân cư' : 'Chưa xác thực với CSDL quốc gia về dân cư',
    ],
  ];
}

/** The A4's doses table: each column's title and share of the text width. */
export const DOSE_COLUMNS = [
  { title: 'Mũi', share: 0.08 },
  { title: 'Ngày tiêm', share: 0.14 },
  { title: 'Vắc xin', share: 0.3 },
  { title: 'Số lô', share: 0.14 },
  { title: 'Cơ sở tiêm chủng', share: 0.34 },
] as const;

/** One dose's cells of the A4's table, in {@link DOSE_COLUMNS}' order. */
export function doseCells(d: CertificateView['doses'][number]): string[] {
  return [
    `${d.doseNumber} (${KIND_VI[d.doseKind] ?? d.doseKind})`,
    vnDate(d.administeredOn),
    d.vaccineName,
    d.lotNumber,
    d.facilityName,
  ];
}

/** The A4's issued / valid-until line, when the certificate is issued. */
export function issuedLine(c: CertificateView): string | null {
  if (!c.issuedAt) return null;
  return `Ngày cấp / Issued: ${vnDate(c.issuedAt.slice(0, 10))}    Có giá trị đến / Valid until: ${vnDate((c.expiresAt ?? '').slice(0, 10))}`;
}

/** The A4's certificate identifier line. */
export function identifierLine(c: CertificateView): string | null {
  return c.ci ? `Mã chứng nhận / Certificate identifier: ${c.ci}` : null;
}

/** The card's lines under the name: birth date and sex, then the ID number. */
export function cardPersonLines(c: CertificateView): [string, string] {
  return [
    `Ngày sinh: ${vnDate(c.person.dateOfBirth)} · ${GENDER_VI[c.person.gender]}`,
    `CCCD/CMND: ${c.person.idNumberMasked ?? '—'}`,
  ];
}

/** One dose on the card, the vaccine by its short name. */
export function cardDoseLine(d: CertificateView['doses'][number]): string {
  return `Mũi ${d.doseNumber}: ${vnDate(d.administeredOn)} · ${d.vaccineName.split(' (')[0]} · lô ${d.lotNumber}`;
}

/** The card's issuer and identity line. */
export function cardIssuerLine(c: CertificateView): string {
  return `${TEXTS.issuer} · ${c.identity.verified ? 'Định danh đã xác thực' : 'Định danh chưa xác thực'}`;
}

/** The QR code's alphanumeric set, which holds all of an `HC1:` string (base45). */
const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;
/**
 * The mask every certificate's QR code uses. The standard lets an encoder use any of the eight;
 * `qrcode` otherwise tries all eight and scores each (≈ 2.5 ms of a 5 ms code). Over 500 random
 * 540–620-character HC1 texts, mask 6's penalty score was on average 4.8 % above the best mask's
 * (at most 18.7 %), the lowest of the eight masks (4.8–7.5 %).
 */
const QR_MASK: QRCode.QRCodeMaskPattern = 6;

/**
 * The certificate's QR code: error correction Q, as the EU DCC guidelines recommend for printed
 * certificates; the mask fixed ({@link QR_MASK}); HC1 text as one alphanumeric segment — `qrcode`'s
 * own segmentation (a search for runs worth another mode) takes ≈ 2 ms and, for HC1 text, came
 * to the same version in all 500 of the texts above.
 */
export function certificateQr(text: string): QRCode.BitMatrix {
  const data: string | QRCode.QRCodeSegment[] = ALPHANUMERIC.test(text) ? [{ data: text, mode: 'alphanumeric' }] : text;
  return QRCode.create(data, { errorCorrectionLevel: 'Q', maskPattern: QR_MASK }).modules;
}
