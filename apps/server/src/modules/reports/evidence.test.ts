import { randomInt } from 'node:crypto';
import { crc32 } from 'node:zlib';
import FormData from 'form-data';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/harness.js';
import { EVIDENCE_MAX_SIDE, reencodeEvidence } from './evidence-image.js';

const t = await useTestApp();
let ipSeq = 1;
const freshIp = () => `10.7.${Math.floor(ipSeq / 250)}.${ipSeq++ % 250}`;

/** A photo-like picture (noise, so the encoders have something to keep). */
async function picture(width = 64, height = 48) {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = randomInt(256);
  return sharp(raw, { raw: { width, height, channels: 3 } });
}

/** A JPEG with a camera's EXIF: make, orientation and the GPS position of where it was taken. */
async function jpegWithGps() {
  return (await picture(80, 40))
    .jpeg()
    .withExif({
      IFD0: { Make: 'PhoneMaker', Model: 'X100' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '10/1 27/1 3600/100',
        GPSLongitudeRef: 'E',
        GPSLongitude: '105/1 38/1 1200/100',
        GPSMapDatum: 'WGS-84',
      },
    })
    .toBuffer();
}

/** A PNG chunk (length, type, data, CRC). */
function pngChunk(type: string, data: Buffer) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

const HTML = Buffer.from('<html><body><script>alert(document.cookie)</script></body></html>');
const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>fetch("/api/me")</script></svg>',
);

async function newReport() {
  const phone = `0912${String(randomInt(100_000, 999_999))}`;
  const r = await t.call('POST', '/api/portal/reports', {
    ip: freshIp(),
    body: {
      category: 'missing_dose',
      fullName: 'Trần Thị Minh Chứng',
      dateOfBirth: '1985-04-12',
      gender: 'female',
      phone,
      provinceCode: '87',
      description: 'Giấy xác nhận tiêm mũi 2 có, nhưng hệ thống chưa có.',
    },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  const found = await t.call('GET', `/api/reports?trackingCode=${r.body.trackingCode}`, { as: 'admin' });
  return { trackingCode: r.body.trackingCode as string, phone, id: found.body.items[0].id as string };
}

function upload(trackingCode: string, phone: string, bytes: Buffer, filename: string, contentType = 'image/jpeg') {
  const form = new FormData();
  form.append('phone', phone);
  form.append('photo', bytes, { filename, contentType });
  return t.app.inject({
    method: 'POST',
    url: `/api/portal/reports/${trackingCode}/evidence`,
    headers: form.getHeaders(),
    payload: form.getBuffer(),
    remoteAddress: freshIp(),
  });
}

async function served(id: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/reports/${id}/evidence`,
    headers: await t.loginAs('admin'),
  });
  expect(res.statusCode).toBe(200);
  return { res, bytes: res.rawPayload };
}

const contains = (haystack: Buffer, needle: string) => haystack.includes(Buffer.from(needle, 'latin1'));

describe('evidence photos are decoded and re-encoded', () => {
  it('a JPEG with the GPS position in its EXIF is stored without any metadata, served as an attachment', async () => {
    const jpeg = await jpegWithGps();
    const before = await sharp(jpeg).metadata();
    expect(before.exif).toBeDefined();
    expect(contains(jpeg, 'PhoneMaker')).toBe(true);
    expect(contains(jpeg, 'WGS-84')).toBe(true);

    const { trackingCode, phone, id } = await newReport();
    const res = await upload(trackingCode, phone, jpeg, 'giay-xac-nhan.jpg');
    expect(res.statusCode, res.body).toBe(204);
    const { res: got, bytes } = await served(id);
    expect(got.headers['content-type']).toBe('image/jpeg');
    expect(got.headers['content-disposition']).toMatch(/^attachment; filename="minh-chung-PA-[^"]+\.jpg"$/);
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    const after = await sharp(bytes).metadata();
    expect(after.format).toBe('jpeg');
    expect([after.width, after.height]).toEqual([80, 40]);
    expect(after.exif).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(after.iptc).toBeUndefined();
    expect(contains(bytes, 'PhoneMaker')).toBe(false);
    expect(contains(bytes, 'WGS-84')).toBe(false);
    expect(contains(bytes, 'Exif')).toBe(false);
  });

  it('a JPEG followed by an HTML page with a script: the picture is kept, the payload is gone', async () => {
    const jpeg = await (await picture()).jpeg().toBuffer();
    const polyglot = Buffer.concat([jpeg, HTML]);
    const { trackingCode, phone, id } = await newReport();
    const res = await upload(trackingCode, phone, polyglot, 'anh.html', 'text/html');
    expect(res.statusCode, res.body).toBe(204);
    const { res: got, bytes } = await served(id);
    expect(got.headers['content-type']).toBe('image/jpeg');
    expect(contains(bytes, '<script')).toBe(false);
    expect(contains(bytes, '<html')).toBe(false);
    expect((await sharp(bytes).metadata()).format).toBe('jpeg');
  });

  it('a PNG carrying an SVG with a script (after IEND and in a text chunk): stored as a clean PNG', async () => {
    const png = await (await picture()).png().toBuffer();
    const iend = png.length - 12;
    const polyglot = Buffer.concat([
      png.subarray(0, iend),
      pngChunk('tEXt', Buffer.concat([Buffer.from('Comment\0'), SVG])),
      png.subarray(iend),
      SVG,
    ]);
    const { trackingCode, phone, id } = await newReport();
    const res = await upload(trackingCode, phone, polyglot, 'anh.svg', 'image/svg+xml');
    expect(res.statusCode, res.body).toBe(204);
    const { res: got, bytes } = await served(id);
    expect(got.headers['content-type']).toBe('image/png');
    expect(got.headers['content-disposition']).toMatch(/^attachment; filename="minh-chung-PA-[^"]+\.png"$/);
    expect(contains(bytes, '<svg')).toBe(false);
    expect(contains(bytes, 'script')).toBe(false);
    expect(contains(bytes, 'tEXt')).toBe(false);
    const meta = await sharp(bytes).metadata();
    expect(meta.format).toBe('png');
    expect(meta.comments ?? []).toEqual([]);
  });

  it('refuses, with a 4xx in the error shape, what is not an image or does not decode in full', async () => {
    const jpeg = await (await picture(200, 150)).jpeg().toBuffer();
    const png = await (await picture(200, 150)).png().toBuffer();
    // A PNG that declares 30000 × 30000 pixels in its header (a decompression bomb).
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(30_000, 0);
    ihdr.writeUInt32BE(30_000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const bomb = Buffer.concat([
      png.subarray(0, 8),
      pngChunk('IHDR', ihdr),
      pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
      pngChunk('IEND', Buffer.alloc(0)),
    ]);
    const cases: [string, Buffer, number, string][] = [
      ['only HTML, named .jpg', HTML, 415, 'evidence_not_image'],
      ['an SVG named .png', SVG, 415, 'evidence_not_image'],
      [
        'JPEG magic bytes, then HTML',
        Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), HTML]),
        422,
        'invalid_image',
      ],
      ['PNG signature, then SVG', Buffer.concat([png.subarray(0, 8), SVG]), 422, 'invalid_image'],
      ['a truncated JPEG', jpeg.subarray(0, Math.floor(jpeg.length / 2)), 422, 'invalid_image'],
      ['a truncated PNG', png.subarray(0, Math.floor(png.length / 2)), 422, 'invalid_image'],
      ['a PNG of 900 megapixels', bomb, 422, 'image_too_large'],
    ];
    for (const [what, bytes, status, code] of cases) {
      const { trackingCode, phone } = await newReport();
      const res = await upload(trackingCode, phone, bytes, 'anh.jpg');
      expect(res.statusCode, what).toBe(status);
      expect(res.json(), what).toMatchObject({ error: { code, message: expect.any(String), field: 'photo' } });
      // Nothing was attached: a good photo still can be.
      const status2 = await t.call('GET', `/api/portal/reports/${trackingCode}?phone=${phone}`, { ip: freshIp() });
      expect(status2.body.hasEvidence, what).toBe(false);
    }
    // Vietnamese by default, English on request.
    const { trackingCode, phone } = await newReport();
    const form = new FormData();
    form.append('phone', phone);
    form.append('photo', jpeg.subarray(0, 100), { filename: 'a.jpg', contentType: 'image/jpeg' });
    const en = await t.app.inject({
      method: 'POST',
      url: `/api/portal/reports/${trackingCode}/evidence`,
      headers: { ...form.getHeaders(), 'accept-language': 'en' },
      payload: form.getBuffer(),
      remoteAddress: freshIp(),
    });
    expect(en.json().error).toMatchObject({ code: 'invalid_image', message: expect.stringMatching(/cannot be read/) });
  });

  it('malformed multipart bodies answer a 4xx in the error shape, never a 500', async () => {
    const { trackingCode, phone } = await newReport();
    const jpeg = await (await picture()).jpeg().toBuffer();
    const form = new FormData();
    form.append('phone', phone);
    form.append('photo', jpeg, { filename: 'a.jpg', contentType: 'image/jpeg' });
    const body = form.getBuffer();
    const url = `/api/portal/reports/${trackingCode}/evidence`;
    const attempts: [string, Record<string, string>, Buffer | string, string][] = [
      ['no boundary', { 'content-type': 'multipart/form-data' }, body, 'malformed_multipart'],
      [
        'a boundary that is not in the body',
        { 'content-type': 'multipart/form-data; boundary=x' },
        body,
        'malformed_multipart',
      ],
      ['a truncated body', form.getHeaders(), body.subarray(0, Math.floor(body.length / 2)), 'malformed_multipart'],
      ['a body cut inside the headers of a part', form.getHeaders(), body.subarray(0, 60), 'malformed_multipart'],
      ['garbage', form.getHeaders(), 'not multipart at all', 'malformed_multipart'],
      ['an empty body', form.getHeaders(), Buffer.alloc(0), 'validation_failed'],
      ['JSON', { 'content-type': 'application/json' }, JSON.stringify({ phone }), 'unsupported_media_type'],
    ];
    for (const [what, headers, payload, code] of attempts) {
      const res = await t.app.inject({ method: 'POST', url, headers, payload, remoteAddress: freshIp() });
      expect(res.statusCode, `${what}: ${res.body}`).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, `${what}: ${res.body}`).toBeLessThan(500);
      expect(res.json(), what).toEqual({ error: expect.objectContaining({ code, message: expect.any(String) }) });
    }
    const status = await t.call('GET', `/api/portal/reports/${trackingCode}?phone=${phone}`, { ip: freshIp() });
    expect(status.body.hasEvidence).toBe(false);
  });
});

describe('reencodeEvidence', () => {
  it('applies the EXIF orientation to the pixels before dropping the EXIF, and scales down huge photos', async () => {
    // Orientation 6: the camera was turned; the stored photo is upright (height × width).
    const turned = await (await picture(60, 20)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(turned).metadata()).orientation).toBe(6);
    const clean = await reencodeEvidence(turned);
    expect([clean.width, clean.height]).toEqual([20, 60]);
    expect((await sharp(clean.bytes).metadata()).orientation).toBeUndefined();

    const wide = await sharp({
      create: { width: EVIDENCE_MAX_SIDE * 2, height: 100, channels: 3, background: '#fff' },
    })
      .png()
      .toBuffer();
    const scaled = await reencodeEvidence(wide);
    expect(scaled).toMatchObject({ type: 'image/png', width: EVIDENCE_MAX_SIDE, height: 50 });
  });
});
