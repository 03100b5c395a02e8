import { readFile } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import { type Config, DEMO_PASSWORD } from '../config.js';
import { migrateToLatest } from '../db/migrate.js';
import type { DB } from '../db/schema.js';
import { unitOfWork } from '../db/transaction.js';
import { AppError } from '../lib/errors.js';
import { ensureAuditPartitions } from '../modules/audit/audit.chain.js';
import { systemAuditContext } from '../modules/audit/audit.service.js';
import { resetPasswordByOperator } from '../modules/auth/auth.service.js';
import { insertFacility } from '../modules/facilities/facilities.service.js';
import { seedLotStock } from '../modules/lots/lots.service.js';
import { importDemoPopulation } from '../modules/stats/stats.population.js';
import { ensureProvinces } from '../modules/units/units.import.js';
import { upsertUnits } from '../modules/units/units.queries.js';
import { countUsers, createUser, planNewUser } from '../modules/users/users.service.js';
import { syncVaccineCatalogue } from '../modules/vaccines/vaccines.service.js';
import {
  DEMO_FACILITIES,
  DEMO_LOT_EXPIRY,
  DEMO_LOTS,
  DEMO_POPULATION,
  DEMO_UNITS,
  DEMO_USERS,
  demoUnitRows,
} from './demo-data.js';

/**
 * Runs at every start: migrations, the reference data shipped with the platform (provinces,
 * vaccines), the national administrator, and — on an empty database in demo mode — demo data.
 */
export async function bootstrapDatabase(db: Kysely<DB>, config: Config, log: FastifyBaseLogger): Promise<void> {
  const migrated = await migrateToLatest(db);
  const applied = migrated.results?.filter((r) => r.status === 'Success').map((r) => r.migrationName) ?? [];
  if (applied.length) log.info({ applied }, 'database migrated');
  await ensureAuditPartitions(db, new Date());
  await ensureProvinces(db);
  await syncVaccineCatalogue(db);

  const audit = systemAuditContext('bootstrap');
  const empty = (await countUsers(db)).n === 0;
  if (empty) {
    const password = config.adminPassword ?? DEMO_PASSWORD;
    const admin = await planNewUser(db, null, {
      username: 'admin',
      password,
      role: 'national_admin',
      displayName: 'Quản trị quốc gia',
    });
    const created = await unitOfWork(db, (trx) => createUser(trx, audit, admin)).then(
      () => true,
      // Another node starting at the same moment created it first: it seeds, this one does not.
      (err: unknown) => {
        if (err instanceof AppError && err.code === 'username_taken') return false;
        throw err;
      },
    );
    if (created) log.info('created the national administrator "admin"');
    if (created && config.demoData) {
      await seedDemoData(db);
      log.info('seeded demo data (units, facilities, one user per role)');
    }
  } else if (config.adminPassword) {
    await syncAdminPassword(db, config.adminPassword, log);
  }
}

async function seedDemoData(db: Kysely<DB>): Promise<void> {
  const audit = systemAuditContext('demo-seed');
  await upsertUnits(db, demoUnitRows());
  const bytes = await readFile(DEMO_POPULATION.file);
  await unitOfWork(db, (trx) => importDemoPopulation(trx, audit, { ...DEMO_POPULATION, bytes }));
  for (const f of DEMO_FACILITIES) await insertFacility(db, { ...f });
  for (const u of DEMO_USERS) {
    const user = await planNewUser(db, null, { ...u, password: DEMO_PASSWORD });
    await unitOfWork(db, (trx) => createUser(trx, audit, user));
  }
  for (const provinceCode of Object.keys(DEMO_UNITS)) {
    const facilities = DEMO_FACILITIES.filter((f) => f.province_code === provinceCode).map((f) => ({
      id: f.id,
      doses: 5_000,
    }));
    for (const lot of DEMO_LOTS) {
      await unitOfWork(db, (trx) =>
        seedLotStock(trx, {
          ...lot,
          expiresOn: DEMO_LOT_EXPIRY,
          provinceCode,
          provinceDoses: 50_000,
          facilities,
          on: '2021-01-15',
        }),
      );
    }
  }
}

/** When the operator sets TIEMCHUNG_ADMIN_PASSWORD, `admin` signs in with it (audited when it changes). */
async function syncAdminPassword(db: Kysely<DB>, password: string, log: FastifyBaseLogger): Promise<void> {
  const changed = await unitOfWork(db, (trx) =>
    resetPasswordByOperator(trx, systemAuditContext('bootstrap'), {
      username: 'admin',
      password,
      reason: 'TIEMCHUNG_ADMIN_PASSWORD changed',
    }),
  );
  if (changed) log.info('admin password set from TIEMCHUNG_ADMIN_PASSWORD');
}
