import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createUnmigratedDatabase } from '../test/harness.js';

/**
 * Migration 0022 leaves room on each page of `people`, so that the dose path's bump of a person's
 * version is a HOT update (no index entry); its down migration takes it back.
 */
const fresh = await createUnmigratedDatabase();
afterAll(() => fresh.drop());

const fillfactor = async () => {
  const { rows } = await sql<{ options: string[] | null }>`
    select reloptions as options from pg_class where relname = 'people' and relkind = 'r'`.execute(fresh.db);
  return rows[0]?.options?.find((o) => o.startsWith('fillfactor=')) ?? null;
};

describe('migration 0022: people fillfactor', () => {
  it('sets 90 on the way up and resets it on the way down', async () => {
    await fresh.to('2026_12_02_0021_passports');
    expect(await fillfactor()).toBeNull();
    await fresh.to('2026_12_03_0022_people_fillfactor');
    expect(await fillfactor()).toBe('fillfactor=90');
    await fresh.to('2026_12_02_0021_passports');
    expect(await fillfactor()).toBeNull();
  });
});
