import sharp, { type Metadata } from 'sharp';
import { AppError } from '../../lib/errors.js';

/**
 * Evidence photos are never stored as sent. A file is kept only if it really is a JPEG or PNG that
 * decodes in full; it is then re-encoded from its pixels, so whatever rode along with the picture is
 * gone: bytes after the end of the image (an HTML or SVG payload of a polyglot), comments, text
 * chunks, and the EXIF/XMP/IPTC metadata with the phone's location. The orientation the camera
 * recorded is applied to the pixels first, so the photo stays upright without its EXIF.
 */

/** At most 50 megapixels are decoded (a decompression bomb declares far more in a few bytes). */
export const EVIDENCE_MAX_PIXELS = 50_000_000;
/** The longest side of a stored photo; larger ones are scaled down (plenty to read a paper card). */
export const EVIDENCE_MAX_SIDE = 4096;

export type EvidenceType = 'image/jpeg' | 'image/png';

export interface CleanImage {
  readonly bytes: Buffer;
  readonly type: EvidenceType;
  readonly width: number;
  readonly height: number;
}

/** The image types accepted as evidence, recognised by their first bytes (not the file name). */
export function sniffImage(head: Uint8Array): EvidenceType | null {
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (head.length >= 8 && png.every((b, i) => head[i] === b)) return 'image/png';
  return null;
}

const notImage = () => new AppError('evidence_not_image', { field: 'photo' });

const unreadable = () => new AppError('invalid_image', { field: 'photo' });

const tooManyPixels = () => new AppError('image_too_large', { field: 'photo' });

/**
 * Decodes an uploaded photo and answers it re-encoded (same format, metadata stripped, at most
 * EVIDENCE_MAX_SIDE pixels a side). Refuses with 415 `evidence_not_image` what is not a JPEG or PNG
 * by content, and with 422 `invalid_image` / `image_too_large` what does not decode in full (damaged,
 * truncated) or declares too many pixels. Never throws anything else.
 */
export async function reencodeEvidence(input: Buffer): Promise<CleanImage> {
  const type = sniffImage(input.subarray(0, 8));
  if (!type) throw notImage();
  const format = type === 'image/png' ? 'png' : 'jpeg';
  // Only the header is read here: the declared size is checked before any pixel is decoded.
  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch {
    throw unreadable();
  }
  // libvips picks its decoder by content too; it must agree with the first bytes.
  if (meta.format !== format || !meta.width || !meta.height) throw unreadable();
  if (meta.width * meta.height > EVIDENCE_MAX_PIXELS) throw tooManyPixels();
  try {
    // `truncated`: an image cut short is refused rather than stored half grey. Only the first
    // frame of an animated PNG is read. Without keepMetadata/withMetadata nothing of the input's
    // metadata is written.
    const pipeline = sharp(input, {
      failOn: 'truncated',
      limitInputPixels: EVIDENCE_MAX_PIXELS,
      sequentialRead: true,
      pages: 1,
    })
      .autoOrient()
      .resize({ width: EVIDENCE_MAX_SIDE, height: EVIDENCE_MAX_SIDE, fit: 'inside', withoutEnlargement: true });
    const encoded = type === 'image/png' ? pipeline.png({ compressionLevel: 9 }) : pipeline.jpeg({ quality: 85 });
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true });
    return { bytes: data, type, width: info.width, height: info.height };
  } catch {
    throw unreadable();
  }
}
