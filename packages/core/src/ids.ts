/**
 * Time-ordered UUIDs (RFC 9562 version 7): ids made by any API node without coordination, whose
 * first 48 bits are the creation time, so that b-tree indexes on 10⁸ rows stay append-mostly.
 */
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const random = new Uint8Array(10 * 256);
let randomOffset = random.length;

export function uuidv7(now: number = Date.now()): string {
  // Random bytes drawn in blocks: one getRandomValues call per 256 ids.
  if (randomOffset + 10 > random.length) {
    crypto.getRandomValues(random);
    randomOffset = 0;
  }
  const r = random.subarray(randomOffset, randomOffset + 10);
  randomOffset += 10;
  const ts = Math.floor(now);
  const hi = Math.floor(ts / 0x1000000); // top 24 of 48 bits
  const lo = ts % 0x1000000;
  const h = (n: number) => HEX[n & 0xff]!;
  return (
    h(hi >> 16) +
    h(hi >> 8) +
    h(hi) +
    h(lo >> 16) +
    '-' +
    h(lo >> 8) +
    h(lo) +
    '-' +
    h(0x70 | (r[0]! & 0x0f)) +
    h(r[1]!) +
    '-' +
    h(0x80 | (r[2]! & 0x3f)) +
    h(r[3]!) +
    '-' +
    h(r[4]!) +
    h(r[5]!) +
    h(r[6]!) +
    h(r[7]!) +
    h(r[8]!) +
    h(r[9]!)
  );
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** True for a canonical lower-case UUID string. */
export function isUuid(value: string): boolean {
  return UUID_RE.test(value);
}
