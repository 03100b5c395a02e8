import { randomUUID } from 'node:crypto';
import { XLSX_TYPE } from '../lib/table-export.js';

/** A part of a multipart form: a field, or a file with its bytes (CSV unless a type is given). */
export type FormPart =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly filename: string; readonly bytes: Buffer; readonly type?: string };

/**
 * A `multipart/form-data` body of these parts, in this order, as a browser sends it, and its
 * content type (with the boundary): for tests that post files through `app.inject`.
 */
export function multipartBody(parts: readonly FormPart[]): { body: Buffer; contentType: string } {
  const boundary = `----tc${randomUUID()}`;
  const body = Buffer.concat([
    ...parts.flatMap((p) =>
      'value' in p
        ? [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`)]
        : [
            Buffer.from(
              `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\n` +
                `Content-Type: ${p.type ?? 'text/csv'}\r\n\r\n`,
            ),
            p.bytes,
            Buffer.from('\r\n'),
          ],
    ),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The form of `POST /api/imports` as the import screen sends it: the facility, then the file (CSV or XLSX by its name). */
export function importForm(file: Buffer, name: string, facilityId = 'DT-CL-01'): { body: Buffer; contentType: string } {
  return multipartBody([
    { name: 'facilityId', value: facilityId },
    { name: 'file', filename: name, bytes: file, type: name.endsWith('.xlsx') ? XLSX_TYPE : 'text/csv' },
  ]);
}
