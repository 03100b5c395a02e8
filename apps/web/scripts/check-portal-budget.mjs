#!/usr/bin/env node
/**
 * Checks the JavaScript budget of the citizens' portal: everything a phone downloads for `/`,
 * `/tra-cuu`, `/phan-anh` and `/dang-ky` must stay within PORTAL_BUDGET_KB (default 180) KB
 * gzipped, counted together (the union of the four pages' chunks); and no public page (those four,
 * `/xac-thuc`, `/dang-nhap`, `/phan-anh/tra-cuu`) may load zod or cbor-x (FORBIDDEN_PACKAGES).
 *
 * Works on the built app (`npm run build -w @tiemchung/web` first), read by chunk-graph.mjs.
 * A page loads the entry with its static imports, the public area's chunk with its static
 * imports, and its own chunk with everything it imports, statically or lazily (e.g. the QR
 * encoder loaded when a certificate is shown). Lazy imports of the entry and the public area
 * lead to the other areas (staff, other pages) and are not counted, nor are the English strings
 * (chunks made only of `i18n/en.json`), loaded only when a page is shown in English.
 *
 * Usage: node apps/web/scripts/check-portal-budget.mjs [--json]
 * Exit code: 0 within budget, 1 over budget, 2 when the build is missing or not understood.
 */
import { FORBIDDEN_PACKAGES, kb, readBuild } from './chunk-graph.mjs';

const budgetKb = Number(process.env.PORTAL_BUDGET_KB ?? 180);

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

const { entryChunks, chunks, chunkOfModule, closure: closureOf, sizeOf, englishSeen, packagesIn } = readBuild(fail);

/** Chunks that belong to other parts of the app: never followed through a lazy import. */
const foreign = (chunk) =>
  chunk.sources.some(
    (s) => s.startsWith('src/staff/') || s.startsWith('src/verify/') || s.startsWith('src/health-book/'),
  );
const closure = (roots, options) => closureOf(roots, { ...options, foreign });

const shared = closure([...entryChunks, chunkOfModule(PUBLIC_AREA_MODULE)], { followDynamic: false });

const union = new Set(shared);
const pages = PAGES.map(({ route, module }) => {
  const own = module ? closure([chunkOfModule(module)], { followDynamic: true, loaded: shared }) : new Set();
  const all = new Set([...shared, ...own]);
  for (const name of all) union.add(name);
  return { route, chunks: all.size, gzipKb: kb(sizeOf(all)), ownKb: kb(sizeOf(own)) };
});
const totalKb = kb(sizeOf(union));

/** Forbidden libraries in what each public page loads: `route: package (chunk)`. */
const forbidden = [];
for (const { route, module } of [...PAGES, ...OTHER_PUBLIC_PAGES]) {
  const own = module ? closure([chunkOfModule(module)], { followDynamic: true, loaded: shared }) : new Set();
  for (const found of packagesIn(new Set([...shared, ...own]), FORBIDDEN_PACKAGES))
    forbidden.push(`${route}: ${found}`);
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
