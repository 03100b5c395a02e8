import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import * as m0001 from './migrations/2026_11_23_0001_foundation.js';
import * as m0002 from './migrations/2026_11_23_0002_people.js';
import * as m0003 from './migrations/2026_11_24_0003_vaccination.js';
import * as m0004 from './migrations/2026_11_24_0004_certificates.js';
import * as m0005 from './migrations/2026_11_24_0005_portal.js';
import * as m0006 from './migrations/2026_11_24_0006_name_key_collation.js';
import * as m0007 from './migrations/2026_11_24_0007_report_handling.js';
import * as m0008 from './migrations/2026_11_24_0008_report_queue_index.js';
import * as m0009 from './migrations/2026_12_02_0009_audit_chain.js';
import * as m0010 from './migrations/2026_12_02_0010_user_admin.js';
import * as m0011 from './migrations/2026_12_02_0011_identity_approvals.js';
import * as m0012 from './migrations/2026_12_02_0012_facility_admin.js';
import * as m0013 from './migrations/2026_12_02_0013_audit_units.js';
import * as m0014 from './migrations/2026_12_02_0014_name_words.js';
import * as m0015 from './migrations/2026_12_02_0015_stats.js';
import * as m0016 from './migrations/2026_12_02_0016_stats_unit_narrow.js';
import * as m0017 from './migrations/2026_12_02_0017_imports.js';
import * as m0018 from './migrations/2026_12_02_0018_health_book.js';
import * as m0019 from './migrations/2026_12_02_0019_trust_anchors.js';
import * as m0020 from './migrations/2026_12_02_0020_csca.js';
import * as m0021 from './migrations/2026_12_02_0021_passports.js';
import * as m0022 from './migrations/2026_12_03_0022_people_fillfactor.js';
import * as m0023 from './migrations/2026_12_03_0023_partitioning.js';
import * as m0024 from './migrations/2026_12_03_0024_audit_refs_listed.js';
import * as m0025 from './migrations/2026_12_03_0025_import_job_details.js';
import * as m0026 from './migrations/2026_12_03_0026_import_dry_rows.js';
import type { DB } from './schema.js';

/**
 * All migrations, by name. Kysely runs them in name order (timestamped), so adding one is adding a
 * line here; the same set runs on PGlite and PostgreSQL.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026_11_23_0001_foundation': m0001,
  '2026_11_23_0002_people': m0002,
  '2026_11_24_0003_vaccination': m0003,
  '2026_11_24_0004_certificates': m0004,
  '2026_11_24_0005_portal': m0005,
  '2026_11_24_0006_name_key_collation': m0006,
  '2026_11_24_0007_report_handling': m0007,
  '2026_11_24_0008_report_queue_index': m0008,
  '2026_12_02_0009_audit_chain': m0009,
  '2026_12_02_0010_user_admin': m0010,
  '2026_12_02_0011_identity_approvals': m0011,
  '2026_12_02_0012_facility_admin': m0012,
  '2026_12_02_0013_audit_units': m0013,
  '2026_12_02_0014_name_words': m0014,
  '2026_12_02_0015_stats': m0015,
  '2026_12_02_0016_stats_unit_narrow': m0016,
  '2026_12_02_0017_imports': m0017,
  '2026_12_02_0018_health_book': m0018,
  '2026_12_02_0019_trust_anchors': m0019,
  '2026_12_02_0020_csca': m0020,
  '2026_12_02_0021_passports': m0021,
  '2026_12_03_0022_people_fillfactor': m0022,
  '2026_12_03_0023_partitioning': m0023,
  '2026_12_03_0024_audit_refs_listed': m0024,
  '2026_12_03_0025_import_job_details': m0025,
  '2026_12_03_0026_import_dry_rows': m0026,
};

/** Brings the schema to the latest version; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<DB>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => MIGRATIONS },
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const err = result.error instanceof Error ? result.error : new Error(String(result.error));
    err.message = `migration ${failed?.migrationName ?? '?'} failed: ${err.message}`;
    throw err;
  }
  return result;
}
