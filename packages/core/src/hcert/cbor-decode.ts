import { HcertError } from './errors.js';

/**
 * A CBOR reader (RFC 8949) for what a verifier decodes: the COSE_Sign1 envelope, its headers and
 * the CWT claims. Small and free of code generation — a general library (cbor-x) builds readers
 * with `new Function`, which a strict Content Security Policy forbids in browsers, and weighs
 * more than the rest of the verifier — and read the way cbor.ts had cbor-x set up:
 * - maps become `Map`s (integer keys such as 1, 4, -260 stay integers);
 * - byte strings become `Uint8Array`s (copies), text strings strings;
 * - integers become numbers, those written on 64 bits `bigint`s;
 * - tag 1 (epoch seconds) and tag 0 (date text) become `Date`s, tags 2 and 3 (bignums) `bigint`s,
 *   tag 55799 (self-described CBOR) the value itself; any other tag a {@link CborTag};
 * - floats of 16, 32 and 64 bits, `true`, `false`, `null`, `undefined`;
 * - indefinite-length arrays and maps; not indefinite-length strings (neither did cbor-x).
 * Anything else — a truncated item, trailing bytes, a reserved head, a break outside an
 * indefinite item, nesting deeper than {@link MAX_DEPTH} — throws.
 */

/** A tagged value the reader leaves as it is (e.g. 18, COSE_Sign1; 61, CWT). */
export class CborTag {
  constructor(
    readonly value: unknown,
    readonly tag: number,
  ) {}
}

/** Deeper nesting than any COSE message has: refused rather than exhausting the stack. */
export const MAX_DEPTH = 64;

const BREAK = Symbol('break');
const utf8 = new TextDecoder();

class Reader {
  pos = 0;
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  need(n: number): void {
    if (n > this.bytes.length - this.pos) throw new Error('unexpected end of CBOR data');
  }

  /** The argument of a head (RFC 8949 §3): a number, a bigint for 64 bits, or -1 for indefinite length. */
  argument(info: number): number | bigint {
    if (info < 24) return info;
    switch (info) {
      case 24:
        this.need(1);
        return this.bytes[this.pos++]!;
      case 25:
        this.need(2);
        this.pos += 2;
        return this.view.getUint16(this.pos - 2);
      case 26:
        this.need(4);
        this.pos += 4;
        return this.view.getUint32(this.pos - 4);
      case 27:
        this.need(8);
        this.pos += 8;
        return this.view.getBigUint64(this.pos - 8);
      case 31:
        return -1;
      default:
        throw new Error(`reserved additional information ${info}`);
    }
  }

  /** A length: at most what is left to read (each element takes at least `unit` bytes). */
  length(arg: number | bigint, unit: number): number {
    if (typeof arg === 'bigint' || arg * unit > this.bytes.length - this.pos)
      throw new Error('unexpected end of CBOR data');
    return arg;
  }

  item(depth: number): unknown {
    if (depth > MAX_DEPTH) throw new Error(`nesting deeper than ${MAX_DEPTH}`);
    this.need(1);
    const head = this.bytes[this.pos++]!;
    const major = head >> 5;
    const info = head & 31;
    if (major === 7) return this.simple(info);
    const arg = this.argument(info);
    if (arg === -1 && (major < 2 || major > 5)) throw new Error(`indefinite length on major type ${major}`);
    switch (major) {
      case 0:
        return arg;
      case 1:
        return typeof arg === 'bigint' ? -1n - arg : -1 - arg;
      case 2:
      case 3: {
        if (arg === -1) throw new Error('indefinite-length strings are not supported');
        const n = this.length(arg, 1);
        const slice = this.bytes.subarray(this.pos, this.pos + n);
        this.pos += n;
        return major === 2 ? new Uint8Array(slice) : utf8.decode(slice);
      }
      case 4: {
        const out: unknown[] = [];
        if (arg === -1) {
          for (let v = this.item(depth + 1); v !== BREAK; v = this.item(depth + 1)) out.push(v);
          return out;
        }
        const n = this.length(arg, 1);
        for (let i = 0; i < n; i++) out.push(this.value(depth + 1));
        return out;
      }
      case 5: {
        const out = new Map<unknown, unknown>();
        if (arg === -1) {
          for (let k = this.item(depth + 1); k !== BREAK; k = this.item(depth + 1)) out.set(k, this.value(depth + 1));
          return out;
        }
        const n = this.length(arg, 2);
        for (let i = 0; i < n; i++) out.set(this.value(depth + 1), this.value(depth + 1));
        return out;
      }
      default:
        return this.tagged(arg, depth);
    }
  }

  /** An item that may not be a break. */
  value(depth: number): unknown {
    const v = this.item(depth);
    if (v === BREAK) throw new Error('unexpected break');
    return v;
  }

  tagged(arg: number | bigint, depth: number): unknown {
    const value = this.value(depth + 1);
    const tag = Number(arg);
    if (tag === 1 && typeof value === 'number') return new Date(value * 1000);
    if (tag === 0 && typeof value === 'string') return new Date(value);
    if ((tag === 2 || tag === 3) && value instanceof Uint8Array) {
      let n = 0n;
      for (const b of value) n = (n << 8n) | BigInt(b);
      return tag === 2 ? n : -1n - n;
    }
    if (tag === 55799) return value;
    return new CborTag(value, tag);
  }

  simple(info: number): unknown {
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 25: {
        this.need(2);
        this.pos += 2;
        return float16(this.view.getUint16(this.pos - 2));
      }
      case 26:
        this.need(4);
        this.pos += 4;
        return this.view.getFloat32(this.pos - 4);
      case 27:
        this.need(8);
        this.pos += 8;
        return this.view.getFloat64(this.pos - 8);
      case 31:
        return BREAK;
      default:
        throw new Error(`unsupported simple value ${info}`);
    }
  }
}

/** IEEE 754 half precision (RFC 8949 Appendix D). */
function float16(half: number): number {
  const exp = (half >> 10) & 0x1f;
  const mant = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 31) return mant === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (mant + 1024) * 2 ** (exp - 25);
}

/**
 * Decodes exactly one CBOR item; trailing bytes are an error. Throws {@link HcertError} `cbor`
 * (with `what` in the message) on anything malformed.
 */
export function cborDecode(bytes: Uint8Array, what = 'data'): unknown {
  if (bytes.length === 0) throw new HcertError('cbor', `The ${what} is empty.`);
  try {
    const reader = new Reader(bytes);
    const value = reader.value(0);
    if (reader.pos !== bytes.length) throw new Error(`${bytes.length - reader.pos} bytes after the item`);
    return value;
  } catch (e) {
    if (e instanceof HcertError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new HcertError('cbor', `The ${what} is not valid CBOR (${why}).`, { cause: e });
  }
}

/** True for a CBOR byte string as decoded (a `Uint8Array`; a `Buffer` is one too). */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array;
}
