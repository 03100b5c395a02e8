/**
 * The built web app's JavaScript as a graph, for the budget checks (check-portal-budget.mjs,
 * check-health-book-budget.mjs). Works on `apps/web/dist` without a Vite manifest:
 * - the entry chunk and its preloads come from a page's HTML (`dist/index.html`, the landing
 *   page, by default);
 * - each chunk's static imports (`from"./x.js"`) and lazy imports (`import("./x.js")`) are read
 *   from the built files, its size gzipped (level 6, what a server sends) measured;
 * - the chunk holding a source module is found through the source maps (`sources`), or else by
 *   the chunk's file name (`LookupPage-<hash>.js`).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(webRoot, 'dist');

/** `assets/x.js` (as written in the built files, relative or absolute) → its path under dist. */
function chunkName(ref, fromDir = 'assets') {
  const clean = ref.split(/[?#]/)[0];
  return clean.startsWith('/') ? clean.slice(1) : path.posix.normalize(path.posix.join(fromDir, clean));
}

/** The chunks a built page's HTML loads at once: its module script and its module preloads. */
function chunksOfPage(html) {
  const found = new Set();
  for (const m of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+\.js)"/g)) found.add(chunkName(m[1], ''));
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g))
    found.add(chunkName(m[1], ''));
  return found;
}

/**
 * Reads the build; `entryChunks` are the chunks `page` (a file of dist) loads at once.
 * `fail(message)` is called (and must not return) when the build is missing or not understood.
 */
export function readBuild(fail, page = 'index.html') {
  if (!existsSync(path.join(dist, page))) {
    fail(`${path.join(dist, page)} not found: build the web app first (npm run build -w @tiemchung/web)`);
  }
  const entryChunks = chunksOfPage(readFileSync(path.join(dist, page), 'utf8'));
  if (entryChunks.size === 0) fail(`no module script found in dist/${page}`);

  /** Every built chunk: its size gzipped, its imports, the source modules in it. */
  const chunks = new Map();
  const assetsDir = path.join(dist, 'assets');
  for (const file of readdirSync(assetsDir)) {
    if (!file.endsWith('.js')) continue;
    const name = `assets/${file}`;
    const code = readFileSync(path.join(assetsDir, file));
    const text = code.toString('utf8');
    const staticImports = new Set();
    const dynamicImports = new Set();
    for (const m of text.matchAll(/(?:\bfrom|\bimport)\s*["'`](\.{1,2}\/[^"'`]+\.js)["'`]/g)) {
      staticImports.add(chunkName(m[1]));
    }
    for (const m of text.matchAll(/\bimport\(\s*["'`](\.{1,2}\/[^"'`]+\.js)["'`]\s*\)/g)) {
      dynamicImports.add(chunkName(m[1]));
    }
    let sources = [];
    const mapFile = path.join(assetsDir, `${file}.map`);
    if (existsSync(mapFile)) {
      try {
        const map = JSON.parse(readFileSync(mapFile, 'utf8'));
        // Sources are relative to dist/assets: `../../src/portal/LookupPage.tsx`.
        sources = (map.sources ?? []).map((s) =>
          path.relative(webRoot, path.resolve(assetsDir, s)).split(path.sep).join('/'),
        );
      } catch {
        sources = [];
      }
    }
    chunks.set(name, { name, gzip: gzipSync(code).length, staticImports, dynamicImports, sources });
  }
  for (const name of entryChunks) if (!chunks.has(name)) fail(`${name} (from ${page}) not found in dist/assets`);

  function chunkOfModule(module) {
    const bySource = [...chunks.values()].find((c) => c.sources.includes(module));
    if (bySource) return bySource.name;
    const base = path.posix.basename(module).replace(/\.[jt]sx?$/, '');
    const byName = [...chunks.values()].find((c) => path.posix.basename(c.name).startsWith(`${base}-`));
    if (byName) return byName.name;
    fail(`no chunk holds ${module} (was the app built with this layout?)`);
  }

  /** English strings, loaded only when a page is shown in English (Vietnamese is the default). */
  // (A JSON module's chunk has no mapped sources: then it is known by its name, `en-<hash>.js`.)
  const english = (chunk) =>
    chunk.sources.length > 0
      ? chunk.sources.every((s) => /\/i18n\/en\.json$/.test(s))
      : /^en-[\w-]+\.js$/.test(path.posix.basename(chunk.name));
  const englishSeen = new Set();

  /**
   * The chunks loaded from `roots`: static imports always; lazy imports too when `followDynamic`,
   * except from the chunks in `loaded` (already there, and whose lazy imports lead elsewhere), to
   * English strings and to `foreign` chunks (other parts of the app).
   */
  function closure(roots, { followDynamic, loaded = new Set(), foreign = () => false }) {
    const seen = new Set();
    const queue = [...roots];
    while (queue.length > 0) {
      const name = queue.pop();
      if (seen.has(name) || loaded.has(name)) continue;
      const chunk = chunks.get(name);
      if (!chunk) fail(`${name} is imported but not found in dist/assets`);
      seen.add(name);
      queue.push(...chunk.staticImports);
      if (followDynamic) {
        for (const target of chunk.dynamicImports) {
          const t = chunks.get(target);
          if (t && english(t)) englishSeen.add(target);
          else if (t && !foreign(t)) queue.push(target);
        }
      }
    }
    return seen;
  }

  const sizeOf = (set) => [...set].reduce((sum, name) => sum + chunks.get(name).gzip, 0);

  /** Libraries of `packages` found in the chunks of `set`: `package (chunk)`. */
  function packagesIn(set, packages) {
    const found = [];
    for (const name of set) {
      const inChunk = new Set(
        chunks
          .get(name)
          .sources.map(packageOf)
          .filter((p) => packages.includes(p)),
      );
      for (const p of inChunk) found.push(`${p} (${name})`);
    }
    return found;
  }

  /** The chunks another page of dist loads at once. */
  const pageChunks = (file) => chunksOfPage(readFileSync(path.join(dist, file), 'utf8'));

  return { entryChunks, chunks, chunkOfModule, closure, sizeOf, englishSeen, packagesIn, pageChunks };
}

/**
 * Libraries no public page may load (issue 14): zod and cbor-x are the staff app's and the
 * server's (validation, certificate writing); both also build code with `new Function`, which the
 * Content Security Policy blocks. The verifier reads certificates with core's own CBOR reader.
 */
export const FORBIDDEN_PACKAGES = ['zod', 'cbor-x'];

/** The npm package a source path belongs to (`node_modules/zod/…` → `zod`). */
export const packageOf = (source) => source.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];

/** Kilobytes with one decimal. */
export const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;
