import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../test/harness.js';
import { PREPARED } from './prepared.js';

const t = await createTestDatabase();
afterAll(() => t.drop());
const { db, kind } = t.database;

describe('prepared statements for marked statements', () => {
  it('answers a marked statement like an unmarked one, with parameters, again and again', async () => {
    for (let i = 0; i < 8; i++) {
      const marked = await sql<{
        n: number;
        s: string;
      }>`${PREPARED}select ${i}::int + 1 as n, ${`x${i}`}::text as s`.execute(db);
      const plain = await sql<{ n: number; s: string }>`select ${i}::int + 1 as n, ${`x${i}`}::text as s`.execute(db);
      expect(marked.rows).toEqual(plain.rows);
      expect(marked.rows).toEqual([{ n: i + 1, s: `x${i}` }]);
    }
  });

  it('prepares only marked statements, once per connection, on PostgreSQL; the embedded database prepares none', async () => {
    await db.connection().execute(async (conn) => {
      for (let i = 0; i < 3; i++) {
        await sql`${PREPARED}select ${i}::int as marked_probe`.execute(conn);
        await sql`select ${i}::int as unmarked_probe`.execute(conn);
      }
      const { rows } = await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(conn);
      const texts = rows.map((r) => r.statement);
      // PGlite runs every statement unnamed: the mark is only a comment there.
      expect(texts.filter((s) => s.includes('marked_probe') && !s.includes('unmarked'))).toHaveLength(
        kind === 'postgres' ? 1 : 0,
      );
      expect(texts.some((s) => s.includes('unmarked_probe'))).toBe(false);
    });
  });
});
