import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

/** What is worth compressing: text and WebAssembly (images and source maps are left alone). */
const COMPRESSIBLE = /\.(?:js|mjs|css|html|svg|json|webmanifest|wasm|txt)$/;
/** A twin is kept only when it is at most this share of the original (tiny files grow when compressed). */
const MAX_RATIO = 0.9;

async function* files(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    // Dot folders (`.vite/manifest.json`) are build bookkeeping, not served.
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (COMPRESSIBLE.test(entry.name)) yield full;
  }
}

/** Writes `file.br` (brotli, best quality) and `file.gz` (gzip -9) beside `file`, when worth it. */
export async function compressFile(file: string): Promise<{ file: string; bytes: number; br: number; gz: number }> {
  const data = await readFile(file);
  const result = { file, bytes: data.length, br: 0, gz: 0 };
  const [b, g] = await Promise.all([
    brotli(data, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: file.endsWith('.wasm')
          ? constants.BROTLI_MODE_GENERIC
          : constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
      },
    }),
    gz(data, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  if (b.length <= data.length * MAX_RATIO) {
    await writeFile(`${file}.br`, b);
    result.br = b.length;
  }
  if (g.length <= data.length * MAX_RATIO) {
    await writeFile(`${file}.gz`, g);
    result.gz = g.length;
  }
  return result;
}

/** Compresses every compressible file under `dir`, two at a time (brotli at best quality is CPU-bound). */
export async function compressDir(dir: string): Promise<Awaited<ReturnType<typeof compressFile>>[]> {
  const queue: string[] = [];
  for await (const file of files(dir)) queue.push(file);
  const done: Awaited<ReturnType<typeof compressFile>>[] = [];
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) done.push(await compressFile(file));
  };
  await Promise.all([worker(), worker()]);
  return done;
}

/**
 * Pre-compressed twins of the built files (`x.js.br`, `x.js.gz`), which the server sends by
 * content negotiation (apps/server/src/lib/static-assets.ts): no compression work per request, and
 * brotli at its best quality, which would be too slow on the fly. Runs last, after the service
 * worker and the pre-rendered pages are written, so that they are compressed too.
 */
export function precompress(): Plugin {
  let outDir = '';
  let log: (message: string) => void = () => {};
  return {
    name: 'tiemchung:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = path.resolve(config.root, config.build.outDir);
      log = (message) => config.logger.info(message);
    },
    closeBundle: {
      sequential: true,
      order: 'post',
      async handler() {
        if (!(await stat(outDir).catch(() => null))) return;
        const results = await compressDir(outDir);
        const sum = (pick: (r: (typeof results)[number]) => number) => results.reduce((s, r) => s + pick(r), 0);
        const twins = results.filter((r) => r.br || r.gz);
        const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
        log(
          `compressed ${twins.length} files: ${kib(sum((r) => (r.br || r.gz ? r.bytes : 0)))} → br ${kib(sum((r) => r.br))}, gzip ${kib(sum((r) => r.gz))}`,
        );
      },
    },
  };
}
