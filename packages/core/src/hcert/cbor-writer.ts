/**
 * A CBOR writer for what an HCERT signs: JSON values (text, integers, booleans, null, arrays,
 * objects with text keys) and `Map`s with integer or text keys (the CWT claims). It writes the
 * same bytes as cbor-x set up as in cbor.ts (preferred serialisation: shortest heads, objects as
 * maps in insertion order) — cbor-writer.test.ts holds the two side by side — straight into one
 * reused buffer, with no intermediate objects: on the issuing path it costs a fraction of a
 * general encoder.
 *
 * Anything else (a fraction, an integer of 2^32 or more, -0, bytes, a date, `undefined`, a
 * sparse or exotic object) is not written here: {@link writeCbor} returns null and the caller
 * uses the general encoder.
 */

let buf = new Uint8Array(2048);
let pos = 0;
/** Set when the value holds something this writer leaves to the general encoder. */
let unsupported = false;

function reserve(n: number): void {
  if (pos + n <= buf.length) return;
  let size = buf.length * 2;
  while (size < pos + n) size *= 2;
  const bigger = new Uint8Array(size);
  bigger.set(buf.subarray(0, pos));
  buf = bigger;
}

/**
 * Writes the head of a data item at `at` — major type and argument, shortest form (RFC 8949 §3.1,
 * §4.2.1) — into room already reserved; returns its length.
 */
function writeHead(at: number, major: number, n: number): number {
  const m = major << 5;
  if (n < 24) {
    buf[at] = m | n;
    return 1;
  }
  if (n < 0x100) {
    buf[at] = m | 24;
    buf[at + 1] = n;
    return 2;
  }
  if (n < 0x10000) {
    buf[at] = m | 25;
    buf[at + 1] = n >>> 8;
    buf[at + 2] = n & 0xff;
    return 3;
  }
  buf[at] = m | 26;
  buf[at + 1] = n >>> 24;
  buf[at + 2] = (n >>> 16) & 0xff;
  buf[at + 3] = (n >>> 8) & 0xff;
  buf[at + 4] = n & 0xff;
  return 5;
}

/** The head of a data item at the end. */
function head(major: number, n: number): void {
  reserve(5);
  pos += writeHead(pos, major, n);
}

function integer(n: number): void {
  if (!Number.isInteger(n) || Object.is(n, -0) || n >= 0x100000000 || n < -0x100000000) unsupported = true;
  else if (n >= 0) head(0, n);
  else head(1, -1 - n);
}

/** The length of the head of an argument `n` (shortest form). */
function headLength(n: number): number {
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

/**
 * A text string: UTF-8 written in one pass after room for the head its length in code units
 * would need (exact for ASCII); when the bytes need a longer or shorter head, they are moved.
 * A lone surrogate is written as U+FFFD, as `TextEncoder` does.
 */
function text(s: string): void {
  const length = s.length;
  reserve(5 + length * 3);
  const b = buf;
  const start = pos + headLength(length);
  let p = start;
  for (let i = 0; i < length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) b[p++] = c;
    else if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6);
      b[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c < 0xe000) {
        const d = i + 1 < length ? s.charCodeAt(i + 1) : 0;
        if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          b[p++] = 0xf0 | (c >> 18);
          b[p++] = 0x80 | ((c >> 12) & 0x3f);
          b[p++] = 0x80 | ((c >> 6) & 0x3f);
          b[p++] = 0x80 | (c & 0x3f);
          continue;
        }
        c = 0xfffd;
      }
      b[p++] = 0xe0 | (c >> 12);
      b[p++] = 0x80 | ((c >> 6) & 0x3f);
      b[p++] = 0x80 | (c & 0x3f);
    }
  }
  const bytes = p - start;
  const at = pos + headLength(bytes);
  if (at !== start) b.copyWithin(at, start, p);
  writeHead(pos, 3, bytes);
  pos = at + bytes;
}

function value(v: unknown): void {
  if (unsupported) return;
  switch (typeof v) {
    case 'string':
      text(v);
      return;
    case 'number':
      integer(v);
      return;
    case 'boolean':
      reserve(1);
      buf[pos++] = v ? 0xf5 : 0xf4;
      return;
    case 'object':
      break;
    default:
      unsupported = true;
      return;
  }
  if (v === null) {
    reserve(1);
    buf[pos++] = 0xf6;
  } else if (Array.isArray(v)) {
    head(4, v.length);
    for (let i = 0; i < v.length; i++) {
      if (!(i in v)) {
        unsupported = true;
        return;
      }
      value(v[i]);
    }
  } else if (v instanceof Map) {
    head(5, v.size);
    for (const [k, item] of v) {
      if (typeof k === 'string') text(k);
      else if (typeof k === 'number') integer(k);
      else unsupported = true;
      value(item);
    }
  } else if (Object.getPrototypeOf(v) === Object.prototype) {
    // for…in, not Object.keys: V8 reads `o[k]` inside it through the object's enumeration cache
    // instead of a lookup by name. Own keys only, in Object.keys' order (as cbor-x writes them).
    // The head is written after the entries, in the byte kept for it (fewer than 24 keys) or
    // with the entries moved to make room.
    const o = v as Record<string, unknown>;
    reserve(1);
    const at = pos++;
    let count = 0;
    for (const k in o) {
      if (!Object.hasOwn(o, k)) continue;
      count++;
      text(k);
      value(o[k]);
    }
    const end = pos;
    const size = headLength(count);
    if (size > 1) {
      reserve(size - 1);
      buf.copyWithin(at + size, at + 1, end);
    }
    writeHead(at, 5, count);
    pos = end + size - 1;
  } else unsupported = true;
}

/**
 * Writes `v` as CBOR into the writer's own buffer and returns a view of the bytes — valid only
 * until the next call (copy what must outlive it) — or null when `v` holds something this writer
 * does not write (see above). Issuing uses the view: a fresh typed array of a few hundred bytes
 * costs about a microsecond to allocate, a fifth of writing it.
 */
export function writeCborView(v: unknown): Uint8Array<ArrayBuffer> | null {
  if (buf.length > 65_536) buf = new Uint8Array(2048); // a rare large value: do not keep its buffer
  pos = 0;
  unsupported = false;
  value(v);
  return unsupported ? null : buf.subarray(0, pos);
}

/** {@link writeCborView}, copied: the bytes as a fresh array, or null. */
export function writeCbor(v: unknown): Uint8Array<ArrayBuffer> | null {
  return writeCborView(v)?.slice() ?? null;
}
