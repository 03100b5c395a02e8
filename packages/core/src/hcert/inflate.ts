import { adler32 } from './deflate.js';

/**
 * zlib inflate (RFC 1950 around RFC 1951), synchronous and in plain JavaScript: stored, fixed and
 * dynamic Huffman blocks, the Adler-32 trailer checked. An HCERT's COSE is a few hundred bytes; a
 * `DecompressionStream` spends most of a verification's time setting up its streams for them,
 * this spends a few microseconds. Throws `RangeError` (bad data, truncated, a wrong checksum, or
 * more than `maxBytes` out).
 */

/** Canonical Huffman decoding table: counts per code length and symbols in code order. */
interface Huffman {
  readonly counts: Uint16Array;
  readonly symbols: Uint16Array;
}

function buildHuffman(lengths: Uint8Array, n: number): Huffman {
  const counts = new Uint16Array(16);
  for (let i = 0; i < n; i++) counts[lengths[i]!]!++;
  counts[0] = 0;
  // Over-subscribed sets cannot be a prefix code.
  let left = 1;
  for (let len = 1; len < 16; len++) {
    left = (left << 1) - counts[len]!;
    if (left < 0) throw new RangeError('over-subscribed Huffman code');
  }
  const offsets = new Uint16Array(16);
  for (let len = 1; len < 15; len++) offsets[len + 1] = offsets[len]! + counts[len]!;
  const symbols = new Uint16Array(n);
  for (let i = 0; i < n; i++) if (lengths[i] !== 0) symbols[offsets[lengths[i]!]!++] = i;
  return { counts, symbols };
}

const LENGTH_BASE = new Uint16Array([
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
]);
const LENGTH_EXTRA = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]);
const DIST_BASE = new Uint16Array([
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
  8193, 12289, 16385, 24577,
]);
const DIST_EXTRA = new Uint8Array([
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]);
/** The order code-length code lengths are sent in (RFC 1951 §3.2.7). */
const CL_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];

const FIXED = (() => {
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  const dist = new Uint8Array(30).fill(5);
  return { lit: buildHuffman(lengths, 288), dist: buildHuffman(dist, 30) };
})();

class Inflater {
  private pos: number;
  private bitBuf = 0;
  private bitCount = 0;
  out: Uint8Array;
  outLen = 0;

  constructor(
    private readonly src: Uint8Array,
    start: number,
    private readonly end: number,
    private readonly maxBytes: number,
  ) {
    this.pos = start;
    this.out = new Uint8Array(Math.min(maxBytes, Math.max(1024, (end - start) * 4)));
  }

  bits(n: number): number {
    while (this.bitCount < n) {
      if (this.pos >= this.end) throw new RangeError('unexpected end of data');
      this.bitBuf |= this.src[this.pos++]! << this.bitCount;
      this.bitCount += 8;
    }
    const v = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCount -= n;
    return v;
  }

  decode(h: Huffman): number {
    let code = 0;
    let first = 0;
    let index = 0;
    for (let len = 1; len < 16; len++) {
      code |= this.bits(1);
      const count = h.counts[len]!;
      if (code - count < first) return h.symbols[index + (code - first)]!;
      index += count;
      first = (first + count) << 1;
      code <<= 1;
    }
    throw new RangeError('invalid Huffman code');
  }

  private room(n: number): void {
    const need = this.outLen + n;
    if (need > this.maxBytes) throw new RangeError(`more than ${this.maxBytes} bytes`);
    if (need <= this.out.length) return;
    const grown = new Uint8Array(Math.min(this.maxBytes, Math.max(need, this.out.length * 2)));
    grown.set(this.out.subarray(0, this.outLen));
    this.out = grown;
  }

  stored(): void {
    this.bitBuf = 0;
    this.bitCount = 0;
    if (this.pos + 4 > this.end) throw new RangeError('unexpected end of data');
    const len = this.src[this.pos]! | (this.src[this.pos + 1]! << 8);
    const nlen = this.src[this.pos + 2]! | (this.src[this.pos + 3]! << 8);
    if ((len ^ 0xffff) !== nlen) throw new RangeError('stored block length does not match its complement');
    this.pos += 4;
    if (this.pos + len > this.end) throw new RangeError('unexpected end of data');
    this.room(len);
    this.out.set(this.src.subarray(this.pos, this.pos + len), this.outLen);
    this.outLen += len;
    this.pos += len;
  }

  codes(lit: Huffman, dist: Huffman): void {
    for (;;) {
      const sym = this.decode(lit);
      if (sym < 256) {
        this.room(1);
        this.out[this.outLen++] = sym;
      } else if (sym === 256) {
        return;
      } else {
        const li = sym - 257;
        if (li >= 29) throw new RangeError('invalid length code');
        const len = LENGTH_BASE[li]! + this.bits(LENGTH_EXTRA[li]!);
        const di = this.decode(dist);
        if (di >= 30) throw new RangeError('invalid distance code');
        const d = DIST_BASE[di]! + this.bits(DIST_EXTRA[di]!);
        if (d > this.outLen) throw new RangeError('distance too far back');
        this.room(len);
        const out = this.out;
        let o = this.outLen;
        for (let i = 0; i < len; i++, o++) out[o] = out[o - d]!;
        this.outLen = o;
      }
    }
  }

  dynamic(): void {
    const nlen = this.bits(5) + 257;
    const ndist = this.bits(5) + 1;
    const ncode = this.bits(4) + 4;
    if (nlen > 286 || ndist > 30) throw new RangeError('too many length or distance codes');
    const clLengths = new Uint8Array(19);
    for (let i = 0; i < ncode; i++) clLengths[CL_ORDER[i]!] = this.bits(3);
    const cl = buildHuffman(clLengths, 19);
    const lengths = new Uint8Array(nlen + ndist);
    for (let i = 0; i < nlen + ndist; ) {
      const sym = this.decode(cl);
      if (sym < 16) {
        lengths[i++] = sym;
        continue;
      }
      let repeat: number;
      let value = 0;
      if (sym === 16) {
        if (i === 0) throw new RangeError('repeat with no previous length');
        value = lengths[i - 1]!;
        repeat = 3 + this.bits(2);
      } else if (sym === 17) repeat = 3 + this.bits(3);
      else repeat = 11 + this.bits(7);
      if (i + repeat > nlen + ndist) throw new RangeError('too many code lengths');
      lengths.fill(value, i, i + repeat);
      i += repeat;
    }
    if (lengths[256] === 0) throw new RangeError('no end-of-block code');
    this.codes(buildHuffman(lengths.subarray(0, nlen), nlen), buildHuffman(lengths.subarray(nlen), ndist));
  }

  run(): number {
    let last = 0;
    while (!last) {
      last = this.bits(1);
      const type = this.bits(2);
      if (type === 0) this.stored();
      else if (type === 1) this.codes(FIXED.lit, FIXED.dist);
      else if (type === 2) this.dynamic();
      else throw new RangeError('invalid block type');
    }
    // The Adler-32 trailer starts at the next whole byte.
    return this.pos;
  }
}

/** Inflates a zlib stream (header, deflate data, Adler-32); see the module's comment. */
export function zlibInflateSync(bytes: Uint8Array, maxBytes: number): Uint8Array<ArrayBuffer> {
  if (bytes.length < 6) throw new RangeError('too short for zlib');
  const cmf = bytes[0]!;
  const flg = bytes[1]!;
  if ((cmf & 0x0f) !== 8 || cmf >> 4 > 7) throw new RangeError('not deflate (zlib header)');
  if (((cmf << 8) | flg) % 31 !== 0) throw new RangeError('zlib header check failed');
  if (flg & 0x20) throw new RangeError('a preset dictionary is not supported');
  const inflater = new Inflater(bytes, 2, bytes.length - 4, maxBytes);
  const end = inflater.run();
  if (end + 4 > bytes.length) throw new RangeError('unexpected end of data');
  const out = inflater.out.slice(0, inflater.outLen);
  const expected = ((bytes[end]! << 24) | (bytes[end + 1]! << 16) | (bytes[end + 2]! << 8) | bytes[end + 3]!) >>> 0;
  if (adler32(out) >>> 0 !== expected) throw new RangeError('Adler-32 checksum does not match');
  return out;
}
