/**
 * `npm run bench` — runs every benchmark scenario in turn, passing the command line through
 * (`--quick`, `--people N`, …), and says where the results went. Exits non-zero when a scenario
 * failed a check or threw.
 *
 *   node --conditions=source --import tsx bench/run.ts [--only people-search] [scenario options]
 */
import path from 'node:path';
import { main as peopleSearch } from './people-search.js';

/** A scenario: its name (also the name of its results file) and its CLI entry. */
interface Scenario {
  readonly name: string;
  readonly main: (argv: readonly string[]) => Promise<unknown>;
}

const SCENARIOS: readonly Scenario[] = [{ name: 'people-search', main: peopleSearch }];

/** Splits `--only a,b` off the arguments; the rest goes to every scenario. */
function splitArgs(argv: readonly string[]): { only: Set<string> | null; rest: string[] } {
  const rest: string[] = [];
  let only: Set<string> | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = a.startsWith('--only=') ? a.slice('--only='.length) : a === '--only' ? argv[++i] : undefined;
    if (value !== undefined) only = new Set(value.split(',').filter(Boolean));
    else rest.push(a);
  }
  return { only, rest };
}

const { only, rest } = splitArgs(process.argv.slice(2));
const chosen = SCENARIOS.filter((s) => !only || only.has(s.name));
if (only && chosen.length !== only.size) {
  console.error(`unknown scenario in --only; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const written: string[] = [];
for (const s of chosen) {
  console.error(`\n=== ${s.name} ===`);
  try {
    await s.main(rest);
    written.push(path.join('bench', 'results', `${s.name}.json`));
  } catch (err) {
    console.error(`${s.name} failed:`, err);
    process.exitCode = 1;
  }
}
if (written.length) console.log(`\nResults written to:\n${written.map((f) => `  ${f}`).join('\n')}`);
if (process.exitCode) console.error('\nSome benchmark checks failed (see above).');
