import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../test/harness.js';
import { unitOfWork, withSavepoint } from './transaction.js';

const { database, drop } = await createTestDatabase();
const db = database.db;

beforeAll(async () => {
  await sql`create table tc_savepoint_test (k text primary key)`.execute(db);
});
afterAll(() => drop());

const keys = async () =>
  (await sql<{ k: string }>`select k from tc_savepoint_test order by k`.execute(db)).rows.map((r) => r.k);

describe('withSavepoint', () => {
  it('a step that fails on a unique violation is undone alone: the transaction goes on and commits', async () => {
    await sql`insert into tc_savepoint_test values ('taken')`.execute(db);
    const caught = await unitOfWork(db, async (trx) => {
      await sql`insert into tc_savepoint_test values ('before')`.execute(trx);
      const err = await withSavepoint(trx, async () => {
        await sql`insert into tc_savepoint_test values ('inside')`.execute(trx);
        await sql`insert into tc_savepoint_test values ('taken')`.execute(trx);
      }).catch((e: unknown) => e as { code?: string });
      // Without the savepoint PostgreSQL refuses this: "current transaction is aborted".
      await sql`insert into tc_savepoint_test values ('after')`.execute(trx);
      return err;
    });
    expect(caught?.code).toBe('23505');
    expect(await keys()).toEqual(['after', 'before', 'taken']);
  });

  it('a step that succeeds keeps its writes, nested ones too', async () => {
    const out = await unitOfWork(db, (trx) =>
      withSavepoint(trx, async () => {
        await sql`insert into tc_savepoint_test values ('outer')`.execute(trx);
        await withSavepoint(trx, async () => {
          await sql`insert into tc_savepoint_test values ('outer')`.execute(trx);
        }).catch(() => undefined);
        return withSavepoint(trx, async () => {
          await sql`insert into tc_savepoint_test values ('nested')`.execute(trx);
          return 'done';
        });
      }),
    );
    expect(out).toBe('done');
    expect(await keys()).toEqual(expect.arrayContaining(['nested', 'outer']));
  });
});
