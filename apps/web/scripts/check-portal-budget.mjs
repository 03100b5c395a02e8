#!/usr/bin/env node
/**
 * Checks the JavaScript budget of the citizens' portal: everything a phone downloads for `/`,
 * `/tra-cuu`, `/phan-anh` and `/dang-ky` must stay within PORTAL_BUDGET_KB (default 180) KB
 * gzipped, counted together (the union of the four pages' chunks); and no public page (those four,
 * `/xac-thuc`, `/dang-nhap`, `/phan-anh/tra-cuu`) may load zod or cbor-x (FORBIDDEN_PACKAGES).
 *
 * Works on the built app (`npm run build -w @tiemchung/web` first) without a Vite manifest:
 * - the entry chunk and its preloads come from `dist/index.html`;
 * - each chunk's static imports (`from"./x.js"`) and lazy imports (`import("./x.js")`) are read
 *   from the built files;
 * - the chunk holding a page's module is found through the source maps (`sources`), or else by
 *   the chunk's file name (`LookupPage-<hash>.js`).
 * A page loads the entry with its static imports, the public area's chunk with its static
 * imports, and its own chunk with everything it imports, statically or lazily (e.g. the QR
 * encoder loaded when a certificate is shown). Lazy imports of the entry and the public area
 * lead to the other areas (staff, other pages) and are not counted, nor are the English strings
 * (chunks made only of `i18n/en.json`), loaded only when a page is shown in English.
 *
 * Usage: node apps/web/scripts/check-portal-budget.mjs [--json]
 * Exit code: 0 within budget, 1 over budget, 2 when the build is missing or not understood.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(webRoot, 'dist');
const budgetKb = Number(process.env.PORTAL_BUDGET_KB ?? 180);

/**
 * Libraries no public page may load (issue 14): zod and cbor-x are the staff app's and the
 * server's (validation, certificate writing); both also build code with `new Function`, which the
 * Content Security Policy blocks. The verifier reads certificates with core's own CBOR reader.
 */
const FORBIDDEN_PACKAGES = ['zod', 'cbor-x'];
/** Public pages checked for forbidden libraries besides the four counted in the budget. */
const OTHER_PUBLIC_PAGES = [
  { route: '/xac-thuc', module: 'src/verify/VerifyPage.tsx' },
  { route: '/dang-nhap', module: null },
  { route: '/phan-anh/tra-cuu', module: 'src/portal/ReportStatusPage.tsx' },
];

/** The portal's pages and the module (relative to apps/web) that is each page's lazy chunk. */
const PAGES = [
  { route: '/', module: null },
  { route: '/tra-cuu', module: 'src/portal/LookupPage.tsx' },
  { route: '/phan-anh', module: 'src/portal/ReportPage.tsx' },
  { route: '/dang-ky', module: 'src/portal/RegisterPage.tsx' },
];
const PUBLIC_AREA_MODULE = 'src/public/PublicArea.tsx';

function fail(message) {
  console.error(`check-portal-budget: ${message}`);
  process.exit(2);
}

if (!existsSync(path.join(dist, 'index.html'))) {
  fail(`${path.join(dist, 'index.html')} not found: build the web app first (npm run build -w @tiemchung/web)`);
}

/** `assets/x.js` (as written in the built files, relative or absolute) → its path under dist. */
function chunkName(ref, fromDir = 'assets') {
  const clean = ref.split(/[?#]/)[0];
  return clean.startsWith('/') ? clean.slice(1) : path.posix.normalize(path.posix.join(fromDir, clean));
}

const html = readFileSync(path.join(dist, 'index.html'), 'utf8');
const entryChunks = new Set();
for (const m of html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+\.js)"/g)) entryChunks.add(chunkName(m[1], ''));
for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)) {
  entryChunks.add(chunkName(m[1], ''));
}
if (entryChunks.size === 0) fail('no module script found in dist/index.html');

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
for (const name of entryChunks) if (!chunks.has(name)) fail(`${name} (from index.html) not found in dist/assets`);

function chunkOfModule(module) {
  const bySource = [...chunks.values()].find((c) => c.sources.includes(module));
  if (bySource) return bySource.name;
  const base = path.posix.basename(module).replace(/\.[jt]sx?$/, '');
  const byName = [...chunks.values()].find((c) => path.posix.basename(c.name).startsWith(`${base}-`));
  if (byName) return byName.name;
  fail(`no chunk holds ${module} (was the app built with this layout?)`);
}

/** Chunks that belong to other parts of the app: never followed through a lazy import. */
const foreign = (chunk) => chunk.sources.some((s) => s.startsWith('src/staff/') || s.startsWith('src/verify/'));
/** English strings, loaded only when a page is shown in English (Vietnamese is the default). */
// (A JSON module's chunk has no mapped sources: then it is known by its name, `en-<hash>.js`.)
const english = (chunk) =>
  chunk.sources.length > 0
    ? chunk.sources.every((s) => /\/i18n\/en\.json$/.test(s))
    : /^en-[\w-]+\.js$/.test(path.posix.basename(chunk.name));
const englishSeen = new Set();

/**
 * The chunks loaded from `roots`: static imports always; lazy imports too when `followDynamic`,
 * except from the chunks in `loaded` (already there, and whose lazy imports lead elsewhere).
 */
function closure(roots, { followDynamic, loaded = new Set() }) {
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

const shared = closure([...entryChunks, chunkOfModule(PUBLIC_AREA_MODULE)], { followDynamic: false });
const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;
const sizeOf = (set) => [...set].reduce((sum, name) => sum + chunks.get(name).gzip, 0);

const union = new Set(shared);
const pages = PAGES.map(({ route, module }) => {
  const own = module ? closure([chunkOfModule(module)], { followDynamic: true, loaded: shared }) : new Set();
  const all = new Set([...shared, ...own]);
  for (const name of all) union.add(name);
  return { route, chunks: all.size, gzipKb: kb(sizeOf(all)), ownKb: kb(sizeOf(own)) };
});
const totalKb = kb(sizeOf(union));

/** Forbidden libraries in what each public page loads: `route: package (chunk)`. */
const packageOf = (source) => source.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//)?.[1];
const forbidden = [];
for (const { route, module } of [...PAGES, ...OTHER_PUBLIC_PAGES]) {
  const own = module ? closure([chunkOfModule(module)], { followDynamic: true, loaded: shared }) : new Set();
  for (const name of new Set([...shared, ...own])) {
    const found = new Set(
      chunks
        .get(name)
        .sources.map(packageOf)
        .filter((p) => FORBIDDEN_PACKAGES.includes(p)),
    );
    for (const p of found) forbidden.push(`${route}: ${p} (${name})`);
  }
}
const result = {
  budgetKb,
  sharedKb: kb(sizeOf(shared)),
  pages,
  totalKb,
  chunks: [...union].sort().map((name) => ({ name, gzipKb: kb(chunks.get(name).gzip) })),
  englishStringsKb: kb(sizeOf(englishSeen)),
  forbidden,
  ok: totalKb <= budgetKb && forbidden.length === 0,
};

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`Portal JavaScript, gzipped (budget ${budgetKb} KB for /, /tra-cuu, /phan-anh, /dang-ky together)`);
  console.log(`  shared (entry + public area): ${result.sharedKb} KB`);
  for (const p of pages) {
    console.log(
      `  ${p.route.padEnd(10)} ${String(p.gzipKb).padStart(6)} KB  (${p.chunks} chunks; page's own ${p.ownKb} KB)`,
    );
  }
  console.log(`  all four pages together: ${totalKb} KB in ${union.size} chunks`);
  for (const c of result.chunks) console.log(`    ${String(c.gzipKb).padStart(6)} KB  ${c.name}`);
  if (englishSeen.size > 0) {
    console.log(`  not counted: English strings, loaded only in English: ${result.englishStringsKb} KB`);
  }
  for (const f of forbidden) console.log(`  FORBIDDEN LIBRARY on a public page: ${f}`);
  if (totalKb > budgetKb) console.log(`OVER BUDGET by ${kb((totalKb - budgetKb) * 1024)} KB.`);
  else
    console.log(
      forbidden.length === 0 ? 'Within budget.' : 'Within budget, but a public page loads a forbidden library.',
    );
}
process.exit(result.ok ? 0 : 1);
