/**
 * `npm run bench` — runs every benchmark scenario in turn, passing the command line through
 * (`--quick`, `--people N`, …) to the scenarios that know each option, and says where the results
 * went. Exits non-zero when a scenario failed a check or threw.
 *
 *   node --conditions=source --import tsx bench/run.ts [--only people-search,dose-recording] [scenario options]
 */
import path from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { main as campaign, campaignOptionsSpec } from './campaign.js';
import { main as certificatePdfs, certificatePdfsOptionsSpec } from './certificate-pdfs.js';
import { main as certificateRoutes, certificateRoutesOptionsSpec } from './certificate-routes.js';
import { main as certificates, certificatesOptionsSpec } from './certificates.js';
import { main as doseRecording, doseRecordingOptionsSpec } from './dose-recording.js';
import { main as imports, importsOptionsSpec } from './imports.js';
import { main as importsEmbedded, importsEmbeddedOptionsSpec } from './imports-embedded.js';
import { main as importsFloor, importsFloorOptionsSpec } from './imports-floor.js';
import { main as overdueQueue, overdueQueueOptionsSpec } from './overdue-queue.js';
import { main as overload, overloadOptionsSpec } from './overload.js';
import { main as peopleSearch, peopleSearchOptionsSpec } from './people-search.js';
import { main as portal, portalOptionsSpec } from './portal.js';
import { main as stats, statsOptionsSpec } from './stats.js';
import { main as verification, verificationOptionsSpec } from './verification.js';
import { main as xlsxRows, xlsxRowsOptionsSpec } from './xlsx-rows.js';

type OptionsSpec = NonNullable<ParseArgsConfig['options']>;

/** A scenario: its name (also the name of its results file), its CLI entry and the options it takes. */
interface Scenario {
  readonly name: string;
  readonly main: (argv: readonly string[]) => Promise<unknown>;
  readonly options: OptionsSpec;
}

const SCENARIOS: readonly Scenario[] = [
  { name: 'people-search', main: peopleSearch, options: peopleSearchOptionsSpec },
  { name: 'dose-recording', main: doseRecording, options: doseRecordingOptionsSpec },
  { name: 'certificates', main: certificates, options: certificatesOptionsSpec },
  { name: 'certificate-pdfs', main: certificatePdfs, options: certificatePdfsOptionsSpec },
  { name: 'certificate-routes', main: certificateRoutes, options: certificateRoutesOptionsSpec },
  { name: 'overdue-queue', main: overdueQueue, options: overdueQueueOptionsSpec },
  { name: 'overload', main: overload, options: overloadOptionsSpec },
  { name: 'stats', main: stats, options: statsOptionsSpec },
  { name: 'imports', main: imports, options: importsOptionsSpec },
  { name: 'imports-embedded', main: importsEmbedded, options: importsEmbeddedOptionsSpec },
  { name: 'imports-floor', main: importsFloor, options: importsFloorOptionsSpec },
  { name: 'xlsx-rows', main: xlsxRows, options: xlsxRowsOptionsSpec },
  { name: 'verification', main: verification, options: verificationOptionsSpec },
  { name: 'portal', main: portal, options: portalOptionsSpec },
  { name: 'campaign', main: campaign, options: campaignOptionsSpec },
];

/** Splits `--only a,b` off the arguments; the rest goes to the scenarios. */
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

/**
 * The arguments for one scenario: the options it declares, out of a command line parsed against
 * the options of all the chosen scenarios (an option none of them knows is an error).
 */
export function argsFor(scenario: Scenario, all: readonly Scenario[], argv: readonly string[]): string[] {
  const union: OptionsSpec = {};
  for (const s of all) Object.assign(union, s.options);
  const { tokens } = parseArgs({ args: [...argv], options: union, strict: true, tokens: true });
  const out: string[] = [];
  for (const t of tokens) {
    if (t.kind !== 'option' || !(t.name in scenario.options)) continue;
    out.push(`--${t.name}`);
    if (t.value !== undefined) out.push(t.value);
  }
  return out;
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
    await s.main(argsFor(s, chosen, rest));
    written.push(path.join('bench', 'results', `${s.name}.json`));
  } catch (err) {
    console.error(`${s.name} failed:`, err);
    process.exitCode = 1;
  }
}
if (written.length) console.log(`\nResults written to:\n${written.map((f) => `  ${f}`).join('\n')}`);
if (process.exitCode) console.error('\nSome benchmark checks failed (see above).');
