import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { bootstrapDatabase } from '../bootstrap/bootstrap.js';
import { openDatabase } from '../db/database.js';
import { testConfig } from './harness.js';

/**
 * Once per `npm test` on the embedded database: migrate and seed one PGlite, and dump it; every
 * test file then starts its own database from that dump instead of running initdb, migrations and
 * the demo seed again (several seconds each on this machine). Each file still gets its own database.
 */
export default async function setup(): Promise<() => void> {
  if (process.env.DATABASE_URL) return () => {};
  const config = testConfig();
  const database = await openDatabase(config.database);
  await bootstrapDatabase(database.db, config, pino({ level: 'silent' }));
  const pglite = database.pglite;
  if (!pglite) throw new Error('expected an embedded database');
  const dump = await pglite.dumpDataDir('none');
  const file = path.join(tmpdir(), `tiemchung-test-template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await database.close();
  process.env.TC_PGLITE_TEMPLATE = file;
  return () => {};
}
