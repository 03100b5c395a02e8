import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MODULES = path.resolve(fileURLToPath(import.meta.url), '../../modules');

/**
 * Which module owns each table: only its owner reads or writes it; others go through the owner's
 * service. (Tests may read any table to check what was written.) One read model lives in the
 * database instead: `audit_entry_refs()` (migration 0013) reads the unit columns of the audited
 * records' tables when an entry is written, so the entry is tied to its units in the same statement.
 */
const OWNER: Record<string, string> = {
  adverse_events: 'aefi',
  identity_approvals: 'approvals',
  import_jobs: 'imports',
  import_file_chunks: 'imports',
  import_rejected_rows: 'imports',
  import_dry_rows: 'imports',
  import_row_keys: 'imports',
  stats_dirty: 'stats',
  stats_dirty_reports: 'stats',
  stats_person_image: 'stats',
  stats_dose_image: 'stats',
  stats_report_image: 'stats',
  stats_dose_facts: 'stats',
  stats_dose_totals: 'stats',
  stats_dose_days: 'stats',
  stats_people_totals: 'stats',
  stats_report_totals: 'stats',
  stats_unit_doses: 'stats',
  stats_unit_people: 'stats',
  stats_population_imports: 'stats',
  stats_population: 'stats',
  audit_log: 'audit',
  audit_chain: 'audit',
  audit_chain_head: 'audit',
  login_failures: 'auth',
  sessions: 'auth',
  certificates: 'certificates',
  signing_keys: 'certificates',
  csca_keys: 'certificates',
  passport_requests: 'certificates',
  passport_refresh: 'certificates',
  doses: 'doses',
  dose_keys: 'doses',
  facilities: 'facilities',
  lots: 'lots',
  lot_movements: 'lots',
  notifications: 'notifications',
  people: 'people',
  duplicate_candidates: 'people',
  portal_lookups: 'portal',
  health_book_otps: 'health-book',
  health_book_devices: 'health-book',
  health_book_members: 'health-book',
  health_book_check_ins: 'health-book',
  trust_anchors: 'trust',
  registrations: 'portal',
  rate_counters: 'ratelimit',
  reports: 'reports',
  report_actions: 'reports',
  campaigns: 'reports',
  vaccination_sessions: 'sessions',
  session_lots: 'sessions',
  visits: 'sessions',
  sms_messages: 'sms',
  admin_units: 'units',
  admin_unit_mappings: 'units',
  unit_import_jobs: 'units',
  users: 'users',
  vaccines: 'vaccines',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [full] : [];
  });
}

describe('each module reads and writes only its own tables', () => {
  it('no module names another module’s table in a query', () => {
    const foreign: string[] = [];
    const unowned = new Set<string>();
    for (const module of readdirSync(MODULES)) {
      const dir = path.join(MODULES, module);
      if (!statSync(dir).isDirectory()) continue;
      for (const file of sourceFiles(dir)) {
        const text = readFileSync(file, 'utf8');
        const builder =
          /\b(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin)\(\s*'([a-z_]+)/g;
        const raw = /\b(?:from|join|into|update)\s+([a-z_]+)\b/gi;
        const tables = new Set<string>();
        for (const m of text.matchAll(builder)) tables.add(m[1]!);
        // Raw SQL: only names that are tables (prose in comments says "from the" etc.).
        for (const m of text.matchAll(raw)) if (m[1]!.toLowerCase() in OWNER) tables.add(m[1]!.toLowerCase());
        for (const table of tables) {
          const owner = OWNER[table];
          if (!owner) unowned.add(`${table} (${path.relative(MODULES, file)})`);
          else if (owner !== module) foreign.push(`${path.relative(MODULES, file)} → ${table} (owned by ${owner})`);
        }
      }
    }
    expect([...unowned], 'add each new table to OWNER with its module').toEqual([]);
    expect(foreign).toEqual([]);
  });
});
