/**
 * A small synchronous zlib (RFC 1950) compressor for HCERT-sized inputs: LZ77 with hash chains
 * and one block of fixed Huffman codes (RFC 1951 §3.2.6). Any inflater reads it — node:zlib,
 * `DecompressionStream('deflate')`, every DCC verifier app.
 *
 * Why not node:zlib: for a 400-byte COSE message, `deflateSync` spends ~20 µs setting up and
 * tearing down a zlib context (its 256 KB of window and hash tables) for a few µs of work; that is
 * half an ES256 signature, per certificate. Why not `CompressionStream`: it is asynchronous and
 * slower still. Dynamic Huffman tables cost ~60–80 bytes of header, which a 400-byte message
 * mostly made of a signature, hashes and short strings does not earn back, so fixed codes give
 * about zlib's size here (see deflate.test.ts).
 */

const WINDOW = 32_768;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
/** The hash table grows with the input, up to 2^15 heads: a certificate's fits the L1 cache. */
const MIN_HASH_BITS = 8;
const MAX_HASH_BITS = 15;
/** Candidates tried per position: enough for certificates' repeated strings, bounded for large inputs. */
const MAX_CHAIN = 32;

/** Length symbols 257…285: base lengths and extra bits (RFC 1951 §3.2.5). */
const LENGTH_BASE = [
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
/** Distance codes 0…29: base distances and extra bits. */
const DIST_BASE = [
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
  8193, 12289, 16385, 24577,
];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

/** Reverses the low `bits` bits of `code` (Huffman codes go out most significant bit first). */
function reverse(code: number, bits: number): number {
  let r = 0;
  for (let i = 0; i < bits; i++) {
    r = (r << 1) | (code & 1);
    code >>>= 1;
  }
  return r;
}

/** The fixed literal/length code of each symbol 0…287, bit-reversed, and its length. */
const LIT_CODE = new Uint16Array(288);
const LIT_BITS = new Uint8Array(288);
for (let s = 0; s < 288; s++) {
  const [code, bits] =
    s < 144 ? [0x30 + s, 8] : s < 256 ? [0x190 + s - 144, 9] : s < 280 ? [s - 256, 7] : [0xc0 + s - 280, 8];
  LIT_CODE[s] = reverse(code, bits);
  LIT_BITS[s] = bits;
}
/** Fixed distance codes are the 5-bit code numbers, bit-reversed. */
const DIST_CODE = Uint8Array.from({ length: 30 }, (_, d) => reverse(d, 5));

/** For each match length 3…258: its length symbol index (0…28). */
const LENGTH_INDEX = new Uint8Array(MAX_MATCH + 1);
for (let i = 0; i < LENGTH_BASE.length; i++) {
  const end = i + 1 < LENGTH_BASE.length ? LENGTH_BASE[i + 1]! : MAX_MATCH + 1;
  for (let len = LENGTH_BASE[i]!; len < end; len++) LENGTH_INDEX[len] = i;
}
LENGTH_INDEX[MAX_MATCH] = 28;

/**
 * The distance code (0…29) of each distance: `DIST_INDEX[d - 1]` for d ≤ 256, and
 * `DIST_INDEX[256 + ((d - 1) >> 7)]` beyond (codes above 15 cover whole multiples of 128, as in zlib).
 */
const DIST_INDEX = new Uint8Array(512);
for (let code = 0; code < DIST_BASE.length; code++) {
  const first = DIST_BASE[code]!;
  const last = first + (1 << DIST_EXTRA[code]!) - 1;
  for (let d = first; d <= last; d++) {
    if (d <= 256) DIST_INDEX[d - 1] = code;
    else DIST_INDEX[256 + ((d - 1) >> 7)] = code;
  }
}

/** The distance code (0…29) of a distance 1…32768. */
function distanceIndex(distance: number): number {
  return distance <= 256 ? DIST_INDEX[distance - 1]! : DIST_INDEX[256 + ((distance - 1) >> 7)]!;
}

/** Adler-32 of `bytes` (RFC 1950 §8). */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; ) {
    // 5552 is the most bytes before the sums may overflow 2^32 (zlib's NMAX).
    const end = Math.min(i + 5552, bytes.length);
    for (; i < end; i++) {
      a += bytes[i]!;
      b += a;
    }
    a %= 65_521;
    b %= 65_521;
  }
  return ((b << 16) | a) >>> 0;
}

/** The hash of the 3 bytes at `i` (multiplicative hashing), `32 - shift` bits wide. */
function hash3(bytes: Uint8Array, i: number, shift: number): number {
  return (Math.imul((bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!, 0x9e3779b1) >>> shift) | 0;
}

/** Writes the Adler-32 of `bytes` big-endian at `pos` (the zlib trailer); returns the new end. */
function writeAdler32(out: Uint8Array, pos: number, bytes: Uint8Array): number {
  const check = adler32(bytes);
  out[pos] = check >>> 24;
  out[pos + 1] = (check >>> 16) & 0xff;
  out[pos + 2] = (check >>> 8) & 0xff;
  out[pos + 3] = check & 0xff;
  return pos + 4;
}

/**
 * The hash heads (-1: none), reused from call to call; each call clears the part it uses, about
 * twice as many heads as input bytes.
 */
const head = new Int32Array(1 << MAX_HASH_BITS);
/**
 * The hash chains, reused too: a link is read only for a position inserted in the same call (one
 * found through a head of this call), and was written when it was inserted.
 */
const prev = new Int32Array(WINDOW);
/** The output, reused (see zlibDeflateView); a large input's is not kept. */
let scratch = new Uint8Array(1024);

/**
 * The longest earlier match of the bytes at `i` along the hash chain from `candidate`, at most
 * `limit` long and MAX_CHAIN candidates deep: `length << 16 | distance` (a distance of 32 768 as
 * 0), or 0 when none reaches MIN_MATCH.
 */
function longestMatch(bytes: Uint8Array, i: number, candidate: number, limit: number): number {
  let bestLen = 0;
  let bestDist = 0;
  for (let tries = 0; candidate >= 0 && i - candidate <= WINDOW && tries < MAX_CHAIN; tries++) {
    if (bytes[candidate + bestLen] === bytes[i + bestLen]) {
      let len = 0;
      while (len < limit && bytes[candidate + len] === bytes[i + len]) len++;
      if (len > bestLen) {
        bestLen = len;
        bestDist = i - candidate;
        if (len === limit) break;
      }
    }
    const next = prev[candidate & (WINDOW - 1)]!;
    if (next >= candidate) break;
    candidate = next;
  }
  return bestLen >= MIN_MATCH ? (bestLen << 16) | (bestDist & 0xffff) : 0;
}

/**
 * Compresses `bytes` into a zlib stream (header 78 9C, one fixed-Huffman block, Adler-32).
 * Synchronous, allocation-light; output ≤ 9/8 of the input plus 16 bytes.
 */
export function zlibDeflateSync(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return zlibDeflateView(bytes).slice();
}

/**
 * {@link zlibDeflateSync} into a reused buffer: a view valid only until the next call (the issuing
 * path base45-encodes it at once). The bytes from `storeFrom` on are known to be incompressible (a
 * signature): they go into a stored block, as zlib does after `deflateParams` to level 0 — the same
 * size as coding them as literals, a byte or two for the block header, and none of the hashing.
 */
export function zlibDeflateView(bytes: Uint8Array, storeFrom: number = bytes.length): Uint8Array<ArrayBuffer> {
  const n = bytes.length;
  const end = Math.max(0, Math.min(n, Math.floor(storeFrom))); // compressed: [0, end); stored: [end, n)
  if (end === 0 && n > 0) return storedZlib(bytes);
  const size = Math.ceil((n * 9) / 8) + 16 + 5 * Math.ceil((n - end) / 65_535);
  if (scratch.length < size || scratch.length > 65_536) scratch = new Uint8Array(Math.max(1024, size));
  const out = scratch;
  out[0] = 0x78;
  out[1] = 0x9c;
  let pos = 2;
  // Bits go out least significant first; at most 7 are pending between writes.
  let bitBuf = end < n ? 0b010 : 0b011; // BFINAL unless stored blocks follow, BTYPE = 01 (fixed codes)
  let bitCount = 3;

  const bits = Math.min(MAX_HASH_BITS, Math.max(MIN_HASH_BITS, 32 - Math.clz32(end)) + 1);
  const shift = 32 - bits;
  head.fill(-1, 0, 1 << bits);
  const lastStart = end - MIN_MATCH; // the last position a 3-byte hash can start at

  let i = 0;
  while (i < end) {
    if (i <= lastStart) {
      // Insert position i into its chain; look for a match only when the chain is not empty.
      const h = hash3(bytes, i, shift);
      const candidate = head[h]!;
      prev[i & (WINDOW - 1)] = candidate;
      head[h] = i;
      const match = candidate < 0 ? 0 : longestMatch(bytes, i, candidate, Math.min(end - i, MAX_MATCH));
      if (match !== 0) {
        const bestLen = match >>> 16;
        const bestDist = match & 0xffff || WINDOW; // 32 768 is written as 0
        const li = LENGTH_INDEX[bestLen]!;
        bitBuf |= LIT_CODE[257 + li]! << bitCount;
        bitCount += LIT_BITS[257 + li]!;
        bitBuf |= (bestLen - LENGTH_BASE[li]!) << bitCount;
        bitCount += LENGTH_EXTRA[li]!;
        while (bitCount >= 8) {
          out[pos++] = bitBuf & 0xff;
          bitBuf >>>= 8;
          bitCount -= 8;
        }
        const di = distanceIndex(bestDist);
        bitBuf |= DIST_CODE[di]! << bitCount;
        bitCount += 5;
        bitBuf |= (bestDist - DIST_BASE[di]!) << bitCount;
        bitCount += DIST_EXTRA[di]!;
        while (bitCount >= 8) {
          out[pos++] = bitBuf & 0xff;
          bitBuf >>>= 8;
          bitCount -= 8;
        }
        // The matched positions join their chains too (the first one already has).
        const matchEnd = i + bestLen;
        for (i++; i < matchEnd && i <= lastStart; i++) {
          const hh = hash3(bytes, i, shift);
          prev[i & (WINDOW - 1)] = head[hh]!;
          head[hh] = i;
        }
        i = matchEnd;
        continue;
      }
    }
    const b = bytes[i]!;
    bitBuf |= LIT_CODE[b]! << bitCount;
    bitCount += LIT_BITS[b]!;
    while (bitCount >= 8) {
      out[pos++] = bitBuf & 0xff;
      bitBuf >>>= 8;
      bitCount -= 8;
    }
    i++;
  }
  // End of block (symbol 256: seven zero bits).
  bitCount += LIT_BITS[256]!;
  if (end < n) {
    // The stored blocks' header bits (BFINAL on the last, BTYPE = 00) go after the end of block,
    // then the rest of the byte is padding (RFC 1951 §3.2.4).
    for (let start = end; start < n; start += 65_535) {
      const len = Math.min(65_535, n - start);
      bitBuf |= (start + len === n ? 1 : 0) << bitCount;
      bitCount += 3;
      while (bitCount > 0) {
        out[pos++] = bitBuf & 0xff;
        bitBuf >>>= 8;
        bitCount -= 8;
      }
      bitBuf = 0;
      bitCount = 0;
      out[pos++] = len & 0xff;
      out[pos++] = len >>> 8;
      out[pos++] = ~len & 0xff;
      out[pos++] = (~len >>> 8) & 0xff;
      out.set(bytes.subarray(start, start + len), pos);
      pos += len;
    }
  }
  while (bitCount > 0) {
    out[pos++] = bitBuf & 0xff;
    bitBuf >>>= 8;
    bitCount -= 8;
  }
  if (pos - 2 > n + 5 * Math.ceil(n / 65_535 || 1)) return storedZlib(bytes);
  return out.subarray(0, writeAdler32(out, pos, bytes));
}

/** Incompressible input: stored blocks (≤ 65 535 bytes each), as zlib itself falls back to. */
function storedZlib(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const n = bytes.length;
  const blocks = Math.max(1, Math.ceil(n / 65_535));
  const out = new Uint8Array(2 + n + 5 * blocks + 4);
  out[0] = 0x78;
  out[1] = 0x9c;
  let pos = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65_535;
    const len = Math.min(65_535, n - start);
    out[pos++] = b === blocks - 1 ? 1 : 0; // BFINAL, BTYPE 00, padded to the byte
    out[pos++] = len & 0xff;
    out[pos++] = len >>> 8;
    out[pos++] = ~len & 0xff;
    out[pos++] = (~len >>> 8) & 0xff;
    out.set(bytes.subarray(start, start + len), pos);
    pos += len;
  }
  writeAdler32(out, pos, bytes);
  return out;
}
