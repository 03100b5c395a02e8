/**
 * Time-ordered UUIDs (RFC 9562 version 7): ids made by any API node without coordination, whose
 * first 48 bits are the creation time, so that b-tree indexes on 10⁸ rows stay append-mostly.
 */
const HEX_CODES = Uint8Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
const random = new Uint8Array(10 * 256);
let randomOffset = random.length;
/** The 36 characters of an id, written as codes and decoded once (one flat string, no pieces). */
const chars = Uint8Array.from('00000000-0000-0000-0000-000000000000', (c) => c.charCodeAt(0));
const ASCII = new TextDecoder();

function hexAt(at: number, byte: number): void {
  chars[at] = HEX_CODES[(byte >> 4) & 0x0f]!;
  chars[at + 1] = HEX_CODES[byte & 0x0f]!;
}

export function uuidv7(now: number = Date.now()): string {
  // Random bytes drawn in blocks: one getRandomValues call per 256 ids.
  if (randomOffset + 10 > random.length) {
    crypto.getRandomValues(random);
    randomOffset = 0;
  }
  const r = randomOffset;
  randomOffset += 10;
  const ts = Math.floor(now);
  const hi = Math.floor(ts / 0x1000000); // top 24 of 48 bits
  const lo = ts % 0x1000000;
  hexAt(0, hi >> 16);
  hexAt(2, hi >> 8);
  hexAt(4, hi);
  hexAt(6, lo >> 16);
  hexAt(9, lo >> 8);
  hexAt(11, lo);
  hexAt(14, 0x70 | (random[r]! & 0x0f)); // version 7
  hexAt(16, random[r + 1]!);
  hexAt(19, 0x80 | (random[r + 2]! & 0x3f)); // variant 10
  hexAt(21, random[r + 3]!);
  for (let k = 0; k < 6; k++) hexAt(24 + 2 * k, random[r + 4 + k]!);
  return ASCII.decode(chars);
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for a canonical lower-case UUID string. */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
