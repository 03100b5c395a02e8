#!/usr/bin/env node
/**
 * Draws the e-health book's app icons (Sổ sức khỏe điện tử) as PNG files in apps/web/public/icons/:
 * 192×192 and 512×512 for the web manifest (`any` and `maskable`: the drawing keeps inside the
 * central 80 % safe zone of a maskable icon), 180×180 for iOS (`apple-touch-icon`). Full-bleed and
 * opaque, as both Android's masks and iOS's home screen want.
 *
 * The drawing: the platform's teal, a white book with a pale spine and the teal cross of the brand
 * mark. Each pixel is sampled 4×4 times (anti-aliased edges); the PNG is written with node:zlib
 * (RGBA, 8 bits, no interlace). The files are committed: run this again only to change them.
 *
 * Usage: node apps/web/scripts/make-health-book-icons.mjs
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

const outDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'public', 'icons');

const TEAL = [0x0b, 0x53, 0x66];
const WHITE = [0xff, 0xff, 0xff];
const SPINE = [0xd7, 0xee, 0xf2];
const CROSS = [0x0f, 0x7c, 0x8c];

/** Inside a rectangle with rounded corners (unit coordinates). */
function inRoundedRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** The colour at a point of the unit square. */
function colourAt(x, y) {
  // The book: 0.28–0.72 wide, 0.22–0.78 high (inside the maskable safe zone, a circle of radius 0.4).
  if (inRoundedRect(x, y, 0.28, 0.22, 0.72, 0.78, 0.045)) {
    if (x < 0.345) return SPINE;
    const vertical = x >= 0.485 && x <= 0.575 && y >= 0.365 && y <= 0.635;
    const horizontal = x >= 0.395 && x <= 0.665 && y >= 0.455 && y <= 0.545;
    return vertical || horizontal ? CROSS : WHITE;
  }
  return TEAL;
}

function render(size) {
  const samples = 4;
  const row = size * 4 + 1;
  const raw = Buffer.alloc(row * size);
  for (let py = 0; py < size; py++) {
    raw[py * row] = 0; // filter: none
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const c = colourAt((px + (sx + 0.5) / samples) / size, (py + (sy + 0.5) / samples) / size);
          sum[0] += c[0];
          sum[1] += c[1];
          sum[2] += c[2];
        }
      }
      const at = py * row + 1 + px * 4;
      for (let i = 0; i < 3; i++) raw[at + i] = Math.round(sum[i] / (samples * samples));
      raw[at + 3] = 0xff;
    }
  }
  return png(size, size, raw);
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(width, height, raw) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering
  header[12] = 0; // no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(outDir, { recursive: true });
for (const [name, size] of [
  ['so-suc-khoe-192.png', 192],
  ['so-suc-khoe-512.png', 512],
  ['so-suc-khoe-apple-touch-180.png', 180],
]) {
  const file = path.join(outDir, name);
  writeFileSync(file, render(size));
  console.log(`${path.relative(process.cwd(), file)} ${size}×${size}`);
}
