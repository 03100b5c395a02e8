import { readFile } from 'node:fs/promises';
import pino from 'pino';
import { bootstrapDatabase } from './bootstrap/bootstrap.js';
import { statsSources } from './bootstrap/stats-sources.js';
import { type Config, loadConfig } from './config.js';
import { BackupError, backupDatabase, RestoreRefusedError, restoreDatabase } from './db/backup.js';
import { DataDirInUseError } from './db/data-dir-lock.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { unitOfWork } from './db/transaction.js';
import { sealAuditLog, verifyAuditChain } from './modules/audit/audit.chain.js';
import { IMPORT_DOSES_USAGE, importDosesCommand } from './modules/imports/imports.commands.js';
import { startRegistrySimulator } from './modules/registry/registry.simulator.js';
import { statsRebuildCommand, statsVerifyCommand } from './modules/stats/stats.commands.js';
import { rebuildStats } from './modules/stats/stats.rebuild.js';
import { importUnitList } from './modules/units/units.import.js';
import { countUnits } from './modules/units/units.queries.js';

const USAGE = `Usage: node apps/server/dist/cli.js <command>
  migrate                 apply database migrations
  seed                    migrate, then seed reference data (and demo data on an empty database)
  import units <file>…    import official administrative-unit lists (2021 list, 2025 list,
                          2025 old→new mapping; format detected; safe to re-run)
  ${IMPORT_DOSES_USAGE}
  registry-sim            run the population-registry simulator as an HTTP service
                          (REGISTRY_SIM_PORT, default 3900; REGISTRY_SIM_SIZE citizens)
  audit-verify            seal the audit log's committed entries, then check its hash chain entry
                          by entry; exit code 1 and the first broken link when an entry was changed
                          or removed
  stats-verify            count the changes not yet counted, then recount every statistics
                          aggregate from the records; prints each row that differs and exits 1,
                          or one line of summary and 0
  stats-rebuild           count every person, dose and report again from the records, in bulk
                          (after a facility moved, a correction by hand, a difference found by
                          stats-verify; importing a new unit mapping recounts by itself)
  backup <file>           write a backup of the whole database to <file>: pg_dump's custom format
                          for PostgreSQL, the data directory's own dump (.tar.gz) for PGlite
  restore <file> [--force]
                          restore such a backup into the configured database; refuses a database
                          that already holds data unless --force (which replaces its contents)
Uses the same environment as the server (DATABASE_URL or DATA_DIR). The embedded database (DATA_DIR)
is one process's at a time: a command is refused while the server or another command has it open.`;

/** Operator commands (`npm run db:migrate`, `npm run db:seed`, `npm run import -- units <file>`). */
async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === 'help' || command === '--help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 2;
  }
  const config = loadConfig();
  const log = pino({ level: config.logLevel === 'silent' ? 'silent' : 'info' });
  if (command === 'registry-sim') {
    const { url } = await startRegistrySimulator({
      port: config.registry.simulatorPort,
      host: config.host,
      size: config.registry.simulatorSize,
      logger: true,
    });
    log.info(
      { url, citizens: config.registry.simulatorSize },
      'population registry simulator running (Ctrl-C stops it)',
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    return 0;
  }
  // These open the database themselves (a restore must not create one where it will restore).
  if (command === 'backup' || command === 'restore') return backupCommand(command, args, config.database, log);
  // The whole app, without listening (its registry client, its jobs — statistics counted as
  // the doses land), the import runner left to the command itself.
  if (command === 'import' && args[0] === 'doses') {
    const { buildApp } = await import('./app.js');
    const app = await buildApp({ ...config, importsIntervalMs: 0, webDist: null });
    try {
      return await importDosesCommand(app.db, app.deps, args.slice(1), {
        out: (line) => process.stdout.write(`${line}\n`),
        err: (line) => process.stderr.write(`${line}\n`),
        ...(process.stderr.isTTY ? { progress: (line: string) => process.stderr.write(`\r\x1b[K${line}`) } : {}),
      });
    } finally {
      if (process.stderr.isTTY) process.stderr.write('\n');
      await app.close();
    }
  }
  const database = await openDatabase(config.database);
  try {
    switch (command) {
      case 'migrate': {
        const r = await migrateToLatest(database.db);
        log.info({ applied: r.results?.map((x) => x.migrationName) ?? [] }, 'migrations applied');
        return 0;
      }
      case 'seed':
        await bootstrapDatabase(database.db, config, log);
        return 0;
      case 'import': {
        const [what, ...files] = args;
        if (what !== 'units' || files.length === 0) {
          process.stderr.write(`${USAGE}\n`);
          return 2;
        }
        await migrateToLatest(database.db);
        for (const file of files) {
          const started = Date.now();
          const doc: unknown = JSON.parse(await readFile(file, 'utf8'));
          // One unit of work per file: a list lands whole or not at all; a new 2021 → 2025 mapping
          // with the statistics recounted through it (the figures in 2025 units come from it).
          const { kind, rows } = await unitOfWork(database.db, async (trx) => {
            const written = await importUnitList(trx, doc);
            if (written.kind === 'mapping-2025') await rebuildStats(trx, statsSources);
            return written;
          });
          log.info({ file, kind, rows, ms: Date.now() - started }, 'imported');
        }
        log.info({ units: await countUnits(database.db) }, 'units now in the database');
        return 0;
      }
      case 'audit-verify': {
        const started = Date.now();
        // What the servers seal every second, sealed now (e.g. the last entries before a shutdown).
        await sealAuditLog(database.db, { timeoutMs: 5000 }).catch((err: unknown) =>
          log.warn({ err: err instanceof Error ? err.message : err }, 'not every entry could be sealed first'),
        );
        let report = 100_000;
        const r = await verifyAuditChain(database.db, {
          onProgress: (verified, lastId) => {
            if (verified < report) return;
            log.info({ verified, lastId }, 'verifying the audit log');
            report += 100_000;
          },
        });
        const ms = Date.now() - started;
        const b = r.broken;
        if (!b) {
          process.stdout.write(
            `audit log OK: ${r.entries} entries verified in ${ms} ms; chain head: entry ${r.head?.id}, sha256 ${r.head?.hash}` +
              (r.pending ? `; ${r.pending} newer entries not sealed yet` : '') +
              '\n',
          );
          return 0;
        }
        process.stdout.write(
          `audit log BROKEN at entry ${b.id}: ${b.message}\n` +
            (b.expected ? `  expected ${b.expected}\n` : '') +
            (b.found ? `  found    ${b.found}\n` : '') +
            `  ${r.entries} entries verified before it (the last good one: ${b.lastGoodId || 'none'})\n`,
        );
        return 1;
      }
      case 'stats-verify':
      case 'stats-rebuild': {
        const io = {
          out: (line: string) => process.stdout.write(`${line}\n`),
          err: (line: string) => process.stderr.write(`${line}\n`),
        };
        if (command === 'stats-verify') return await statsVerifyCommand(database.db, statsSources, io);
        if (args.length) {
          process.stderr.write(`${USAGE}\n`);
          return 2;
        }
        return await statsRebuildCommand(database.db, statsSources, io);
      }
      default:
        process.stderr.write(`unknown command: ${command}\n${USAGE}\n`);
        return 2;
    }
  } finally {
    await database.close();
  }
}

/** `backup <file>`, `restore <file> [--force]`. */
async function backupCommand(
  command: 'backup' | 'restore',
  args: string[],
  database: Config['database'],
  log: pino.Logger,
): Promise<number> {
  const force = args.includes('--force');
  const files = args.filter((a) => a !== '--force');
  if (files.length !== 1 || (command === 'backup' && force)) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const file = files[0] as string;
  try {
    if (command === 'backup') {
      const r = await backupDatabase(database, file);
      log.info({ file: r.file, format: r.format, bytes: r.bytes, ms: r.ms }, 'backup written');
    } else {
      const r = await restoreDatabase(database, file, { force });
      log.info(
        { file: r.file, format: r.format, target: r.target, replaced: r.replaced, ms: r.ms },
        'restored; check the audit log with `npm run audit:verify`',
      );
    }
    return 0;
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    process.stderr.write(`${command} ${err instanceof RestoreRefusedError ? 'refused' : 'failed'}: ${err.message}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    // DataDirInUseError: the embedded database is open in another process (the server): its own words.
    if (err instanceof DataDirInUseError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
