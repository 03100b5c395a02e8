import { HcertError } from './errors.js';
import { zlibInflateSync } from './inflate.js';

/**
 * zlib (RFC 1950: deflate with the 2-byte header and Adler-32 trailer): inflating with core's own
 * synchronous inflate (`inflate.ts`), deflating through the Compression Streams API, which Node
 * and every current browser have — no `node:zlib`, no polyfill.
 */

/**
 * The most bytes an HCERT may inflate to. A QR holds at most ~3 KB; a real DCC inflates to well
 * under 10 KB. The limit stops a small "zip bomb" QR from exhausting a verifier's memory.
 */
export const MAX_INFLATED_BYTES = 256 * 1024;

interface ByteTransform {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array<ArrayBuffer>>;
}

async function pump(input: Uint8Array, transform: ByteTransform, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  const writer = transform.writable.getWriter();
  // A failure shows on the readable side; the writable side's copies of it are not news.
  writer.write(new Uint8Array(input)).catch(() => undefined);
  writer.close().catch(() => undefined);
  const reader = transform.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new RangeError(`more than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Compresses with zlib (`CompressionStream('deflate')`: zlib header, as the DCC requires). */
export async function zlibDeflate(bytes: Uint8Array): Promise<Uint8Array<ArrayBuffer>> {
  return pump(bytes, new CompressionStream('deflate') as ByteTransform, Number.MAX_SAFE_INTEGER);
}

/**
 * Inflates a zlib stream. Throws {@link HcertError} `zlib` when the bytes are not zlib (no header,
 * bad checksum, truncated) or would inflate beyond `maxBytes`.
 */
export async function zlibInflate(bytes: Uint8Array, maxBytes = MAX_INFLATED_BYTES): Promise<Uint8Array<ArrayBuffer>> {
  return zlibInflateChecked(bytes, maxBytes);
}

/**
 * {@link zlibInflate} without a promise: core's own inflate (`inflate.ts`); for a QR's few hundred
 * bytes much faster than a `DecompressionStream`, whose setup cost dominates (BENCHMARKS.md).
 */
export function zlibInflateChecked(bytes: Uint8Array, maxBytes = MAX_INFLATED_BYTES): Uint8Array<ArrayBuffer> {
  try {
    return zlibInflateSync(bytes, maxBytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new HcertError('zlib', `The data is not a valid zlib stream (${why}).`, { cause: e });
  }
}
