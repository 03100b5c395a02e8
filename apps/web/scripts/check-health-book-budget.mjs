#!/usr/bin/env node
/**
 * Checks the JavaScript budget of the e-health book (`/so-suc-khoe`, issue 17): everything a phone
 * downloads for the book — the app's entry with its static imports, and the book's area with
 * everything it imports statically or lazily (its screens: member, add member, report, reports,
 * devices; the QR encoder) — must stay within HEALTH_BOOK_BUDGET_KB (default 175) KB gzipped; and
 * the book, a public page, may not load zod or cbor-x (chunk-graph.mjs's FORBIDDEN_PACKAGES).
 * English strings (chunks made only of `i18n/en.json`), loaded only when the book is shown in
 * English, are not counted; nor are lazy imports of the entry (the other areas). Measured when
 * the budget was set: 169 KB (the entry 133 KB, what every page of the app loads; the book's own
 * chunks 36 KB, of which the QR encoder 7 KB).
 *
 * Works on the built app (`npm run build -w @tiemchung/web` first), read by chunk-graph.mjs.
 *
 * Usage: node apps/web/scripts/check-health-book-budget.mjs [--json]
 * Exit code: 0 within budget, 1 over budget, 2 when the build is missing or not understood.
 */
import { FORBIDDEN_PACKAGES, kb, readBuild } from './chunk-graph.mjs';

const budgetKb = Number(process.env.HEALTH_BOOK_BUDGET_KB ?? 175);
const AREA_MODULE = 'src/health-book/HealthBookArea.tsx';

function fail(message) {
  console.error(`check-health-book-budget: ${message}`);
  process.exit(2);
}

// The bare shell (app.html): the entry and its static imports, what every page loads.
const { entryChunks, chunks, chunkOfModule, closure, sizeOf, englishSeen, packagesIn, pageChunks } = readBuild(
  fail,
  'app.html',
);

/** Chunks of the other areas (the portal's own pages, staff, verifier, statistics): never followed through a lazy import. */
const foreign = (chunk) =>
  chunk.sources.some((s) => /^src\/(staff|verify|public|stats)\//.test(s) || /^src\/portal\/\w+Page\.tsx$/.test(s));

const shared = closure([...entryChunks], { followDynamic: false });
const book = closure([chunkOfModule(AREA_MODULE)], { followDynamic: true, loaded: shared, foreign });
const all = new Set([...shared, ...book]);
// The book's pre-rendered page preloads what it shows first: all of it is counted here.
for (const name of pageChunks('so-suc-khoe.html')) {
  if (!all.has(name)) fail(`${name}, preloaded by so-suc-khoe.html, is not in what the book was found to load`);
}
const totalKb = kb(sizeOf(all));
const forbidden = packagesIn(all, FORBIDDEN_PACKAGES);

const result = {
  budgetKb,
  entryKb: kb(sizeOf(shared)),
  bookKb: kb(sizeOf(book)),
  totalKb,
  chunks: [...all].sort().map((name) => ({ name, gzipKb: kb(chunks.get(name).gzip) })),
  englishStringsKb: kb(sizeOf(englishSeen)),
  forbidden,
  ok: totalKb <= budgetKb && forbidden.length === 0,
};

if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result, null, 2));
} else {
  console.log(`E-health book JavaScript, gzipped (budget ${budgetKb} KB for /so-suc-khoe and its screens)`);
  console.log(`  entry (every page): ${result.entryKb} KB`);
  console.log(`  the book's own chunks: ${result.bookKb} KB`);
  console.log(`  together: ${totalKb} KB in ${all.size} chunks`);
  for (const c of result.chunks) console.log(`    ${String(c.gzipKb).padStart(6)} KB  ${c.name}`);
  if (englishSeen.size > 0) {
    console.log(`  not counted: English strings, loaded only in English: ${result.englishStringsKb} KB`);
  }
  for (const f of forbidden) console.log(`  FORBIDDEN LIBRARY in the e-health book: ${f}`);
  if (totalKb > budgetKb) console.log(`OVER BUDGET by ${kb((totalKb - budgetKb) * 1024)} KB.`);
  else
    console.log(forbidden.length === 0 ? 'Within budget.' : 'Within budget, but the book loads a forbidden library.');
}
process.exit(result.ok ? 0 : 1);
