import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import { sealAuditLog, verifyAuditChain } from '../modules/audit/audit.chain.js';
import { buildPersonIn } from '../test/factories.js';
import { createTestDatabase, DEMO_PASSWORD } from '../test/harness.js';
import { BackupError, backupDatabase, detectBackupFormat, RestoreRefusedError, restoreDatabase } from './backup.js';
import { type Database, openDatabase } from './database.js';
import type { DB } from './schema.js';

const onPostgres = Boolean(process.env.DATABASE_URL);
const work = mkdtempSync(path.join(tmpdir(), 'tiemchung-backup-test-'));

// The source: an app on a fresh test database, with data made through its API.
const source = await createTestDatabase();
const app = await buildApp(source.config, { database: source.database });
await app.ready();

/** Databases to restore into: a new empty one on PostgreSQL, a new data directory for PGlite. */
const targets: { database?: Database; drop: () => Promise<void> }[] = [];
async function emptyTarget(): Promise<Config['database']> {
  if (onPostgres) {
    // Its pool stays idle (the restore connects on its own, the test opens it again to look).
    const t = await createTestDatabase();
    targets.push(t);
    return t.config.database;
  }
  return { kind: 'pglite', dataDir: path.join(work, `restored-${randomUUID()}`) };
}

afterAll(async () => {
  await app.close();
  await source.drop();
  for (const t of targets) await t.drop().catch(() => {});
  rmSync(work, { recursive: true, force: true });
});

async function call(target: FastifyInstance, method: 'GET' | 'POST', url: string, body?: object, as?: string) {
  const headers: Record<string, string> = { 'idempotency-key': randomUUID() };
  if (as) {
    const login = await target.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: as, password: DEMO_PASSWORD },
    });
    headers.authorization = `Bearer ${login.json().token}`;
  }
  const res = await target.inject({ method, url, headers, ...(body ? { payload: body } : {}) });
  return { status: res.statusCode, body: res.body ? res.json() : undefined };
}

/** What must survive: rows of the tables the round trip is about, and the audit chain's head. */
async function snapshot(db: Kysely<DB>) {
  const [doses, reports, keys, certificates, audit, chain] = await Promise.all([
    db.selectFrom('doses').select(['id', 'person_id', 'dose_number', 'lot_number']).orderBy('id').execute(),
    db.selectFrom('reports').select(['id', 'tracking_code', 'description', 'status']).orderBy('id').execute(),
    db
      .selectFrom('signing_keys')
      .select(['kid', 'public_key_pem', 'private_key_enc', 'retired_at'])
      .orderBy('kid')
      .execute(),
    db.selectFrom('certificates').select(['id', 'ci', 'qr', 'kid']).orderBy('id').execute(),
    db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow(),
    verifyAuditChain(db),
  ]);
  return { doses, reports, keys, certificates, auditEntries: Number(audit.n), chain };
}

describe(`backup and restore (${onPostgres ? 'PostgreSQL: pg_dump / pg_restore' : 'PGlite: its data directory dump'})`, () => {
  let file = '';
  let personId = '';
  let qr = '';
  let before: Awaited<ReturnType<typeof snapshot>>;

  it('backs up a database holding people, doses, reports, certificates and signing keys', async () => {
    const created = await call(
      app,
      'POST',
      '/api/people',
      buildPersonIn('87', { districtCode: '866' }),
      'caolanh.tiem',
    );
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const p = created.body;
    personId = p.id;
    const dose = await call(
      app,
      'POST',
      `/api/people/${p.id}/doses`,
      { vaccineCode: 'EU/1/20/1528', lotNumber: 'FF2587', administeredOn: '2021-11-15', facilityId: 'DT-CL-01' },
      'caolanh.tiem',
    );
    expect(dose.status, JSON.stringify(dose.body)).toBe(201);
    // The first certificate makes the platform's signing key.
    const cert = await call(app, 'GET', `/api/people/${p.id}/certificate`, undefined, 'caolanh.tiem');
    expect(cert.status, JSON.stringify(cert.body)).toBe(200);
    qr = cert.body.qr;
    const report = await call(app, 'POST', '/api/portal/reports', {
      category: 'missing_dose',
      fullName: p.fullName,
      dateOfBirth: p.dateOfBirth,
      gender: p.gender,
      phone: p.phone,
      idNumber: p.idNumber,
      description: 'Chưa thấy mũi tiêm thứ hai trên hệ thống',
    });
    expect(report.status, JSON.stringify(report.body)).toBe(201);

    // Every entry linked into the audit chain first (the server's sealer would, within a second or two).
    await sealAuditLog(app.db);
    file = path.join(work, onPostgres ? 'backup.pgdump' : 'backup.tar.gz');
    const r = await backupDatabase(source.config.database, file, { database: source.database });
    before = await snapshot(app.db);
    expect(r).toMatchObject({ file, format: onPostgres ? 'pg_dump' : 'pglite' });
    expect(r.bytes).toBeGreaterThan(1000);
    expect(await detectBackupFormat(file)).toBe(r.format);
  });

  it('restores it into a new database: the same doses, reports, keys, certificates and a verified audit chain', async () => {
    expect(before.doses.length).toBeGreaterThan(0);
    expect(before.reports.length).toBeGreaterThan(0);
    expect(before.keys).toHaveLength(1);
    expect(before.certificates.length).toBeGreaterThan(0);
    expect(before.chain).toMatchObject({ ok: true, pending: 0, entries: before.auditEntries });

    const target = await emptyTarget();
    const r = await restoreDatabase(target, file);
    expect(r).toMatchObject({ replaced: false, format: onPostgres ? 'pg_dump' : 'pglite' });

    const restored = await openDatabase(target);
    try {
      const after = await snapshot(restored.db);
      expect(after).toEqual(before);
      expect(after.chain).toMatchObject({ ok: true, entries: before.auditEntries });

      // The restored platform works: same master key, so the same key signs; the certificate is the stored one.
      const again = await buildApp(source.config, { database: restored });
      try {
        await again.ready();
        const cert = await call(again, 'GET', `/api/people/${personId}/certificate`, undefined, 'caolanh.tiem');
        expect(cert.status).toBe(200);
        expect(cert.body.qr).toBe(qr);
        // New entries (a read is audited) chain on after the restored ones.
        expect((await call(again, 'GET', `/api/people/${personId}`, undefined, 'caolanh.tiem')).status).toBe(200);
        await sealAuditLog(restored.db);
        const chain = await verifyAuditChain(restored.db);
        expect(chain.ok).toBe(true);
        expect(chain.entries).toBeGreaterThan(before.auditEntries);
      } finally {
        // The app does not own the database it was given.
        await again.close();
      }
    } finally {
      await restored.close();
    }

    // A second restore into it is refused without --force, and replaces it with.
    await expect(restoreDatabase(target, file)).rejects.toThrow(RestoreRefusedError);
    await expect(restoreDatabase(target, file)).rejects.toThrow(/--force/);
    const forced = await restoreDatabase(target, file, { force: true });
    expect(forced.replaced).toBe(true);
    const replaced = await openDatabase(target);
    try {
      // Back to the backup's state exactly (the entries written since are gone).
      expect(await snapshot(replaced.db)).toEqual(before);
    } finally {
      await replaced.close();
    }

    // A forced restore that fails (a cut file) leaves what was there.
    const cut = path.join(work, 'cut');
    const whole = readFileSync(file);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.8)));
    await expect(restoreDatabase(target, cut, { force: true })).rejects.toThrow(BackupError);
    const kept = await openDatabase(target);
    try {
      expect(await snapshot(kept.db)).toEqual(before);
    } finally {
      await kept.close();
    }
  });

  it('leaves the target as it was when the backup file is bad, and says which engine a backup is for', async () => {
    const bad = path.join(work, 'not-a-backup');
    writeFileSync(bad, 'hello');
    await expect(detectBackupFormat(bad)).rejects.toThrow(/not a backup/);
    const target = await emptyTarget();
    await expect(restoreDatabase(target, bad)).rejects.toThrow(BackupError);

    // A truncated archive of the right kind: nothing restored, and the target still empty.
    const truncated = path.join(work, 'truncated');
    const whole = readFileSync(file);
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    await expect(restoreDatabase(target, truncated)).rejects.toThrow(/damaged or incomplete|pg_restore failed/);
    await expect(restoreDatabase(target, file)).resolves.toMatchObject({ replaced: false });

    const other: Config['database'] = onPostgres
      ? { kind: 'pglite', dataDir: path.join(work, 'never') }
      : { kind: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none', poolMax: 1, preparedStatements: false };
    await expect(restoreDatabase(other, file)).rejects.toThrow(/DATABASE_URL/);
  });
});
