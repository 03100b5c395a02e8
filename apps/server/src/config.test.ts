import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CONFIG_VARIABLE_NAMES,
  CONFIG_VARIABLES,
  ConfigError,
  type ConfigVariable,
  envSchema,
  loadConfig,
  publicBaseUrlOf,
} from './config.js';

describe('configuration', () => {
  it('defaults: port 3000, embedded database in ./data, demo data outside production', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.host).toBe('0.0.0.0');
    expect(c.database).toEqual({ kind: 'pglite', dataDir: expect.stringMatching(/\/data$/) });
    expect(c.demoData).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('uses PostgreSQL when DATABASE_URL is set', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u@localhost:5432/tc' });
    expect(c.database).toMatchObject({ kind: 'postgres', url: 'postgres://u@localhost:5432/tc' });
  });

  it('in production, refuses to start without an administrator password, a master key, a registry and an SMS gateway', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TIEMCHUNG_ADMIN_PASSWORD: required/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/TIEMCHUNG_MASTER_KEY: required/);
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SMS_GATEWAY_URL: required/);
    const c = loadConfig({
      NODE_ENV: 'production',
      TIEMCHUNG_ADMIN_PASSWORD: 'a-long-secret-1',
      REGISTRY_URL: 'https://registry.example.vn',
      TIEMCHUNG_MASTER_KEY: 'a'.repeat(64),
      SMS_GATEWAY_URL: 'https://sms.example.vn/send',
    });
    expect(c.demoData).toBe(false);
    expect(c.sms.provider).toBe('http');
    expect(c.masterKey?.length).toBe(32);
  });

  it('lists every invalid variable at once', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', TIEMCHUNG_ADMIN_PASSWORD: 'short' });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/PORT/);
      expect((err as Error).message).toMatch(/DATABASE_URL/);
      expect((err as Error).message).toMatch(/TIEMCHUNG_ADMIN_PASSWORD/);
    }
  });
});

describe('configuration documented from its schema', () => {
  /** The rows of README.md's configuration table: variable, default, meaning. */
  function readmeRows(): { variable: string; default: string; meaning: string }[] {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.split(/^## /m).find((s) => s.startsWith('Configuration\n'));
    if (!section) throw new Error('README.md has no "## Configuration" section');
    const lines = section.split('\n').filter((l) => l.startsWith('|'));
    return lines.slice(2).map((line) => {
      const cells = line
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim());
      if (cells.length !== 3) throw new Error(`not a row of three cells: ${line}`);
      return { variable: cells[0]!.replace(/^`|`$/g, ''), default: cells[1]!, meaning: cells[2]! };
    });
  }

  const expectedRow = (v: ConfigVariable) =>
    `| \`${v}\` | ${CONFIG_VARIABLES[v].default} | ${CONFIG_VARIABLES[v].description} |`;

  it('every variable of the schema has a default and a meaning in CONFIG_VARIABLES, and no other', () => {
    expect(Object.keys(CONFIG_VARIABLES).sort()).toEqual([...CONFIG_VARIABLE_NAMES].sort());
    expect(CONFIG_VARIABLE_NAMES).toEqual(Object.keys(envSchema.shape));
    for (const v of CONFIG_VARIABLE_NAMES) {
      expect(CONFIG_VARIABLES[v].default, v).not.toBe('');
      expect(CONFIG_VARIABLES[v].description, v).toMatch(/\w{3}/);
    }
  });

  it("the documented default of a variable the schema defaults is the schema's default", () => {
    for (const v of CONFIG_VARIABLE_NAMES) {
      const parsed = envSchema.shape[v].safeParse(undefined);
      if (!parsed.success || parsed.data === undefined) continue;
      expect(CONFIG_VARIABLES[v].default, v).toBe(`\`${String(parsed.data)}\``);
    }
  });

  it("README.md's configuration table lists exactly the schema's variables, in its order, with the same defaults and meanings", () => {
    const rows = readmeRows();
    const hint = `README.md's configuration table should read (then format it with \`npx biome check --write README.md\`):\n${CONFIG_VARIABLE_NAMES.map(expectedRow).join('\n')}`;
    expect(
      rows.map((r) => r.variable),
      hint,
    ).toEqual(CONFIG_VARIABLE_NAMES);
    for (const r of rows) {
      const doc = CONFIG_VARIABLES[r.variable as ConfigVariable];
      expect(r.default, `${r.variable}: default\n${hint}`).toBe(doc.default);
      expect(r.meaning, `${r.variable}: meaning\n${hint}`).toBe(doc.description);
    }
  });
});

describe('a read replica', () => {
  it('DATABASE_READ_URL goes with DATABASE_URL; alone, or not a postgres URL, it stops the start with its name', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgres://u@localhost:6432/tiemchung',
      DATABASE_READ_URL: 'postgres://u@localhost:6432/tiemchung_ro',
    });
    expect(c.database).toMatchObject({ kind: 'postgres', readUrl: 'postgres://u@localhost:6432/tiemchung_ro' });
    expect(loadConfig({ DATABASE_URL: 'postgres://u@localhost/tc' }).database).not.toHaveProperty('readUrl');
    expect(() => loadConfig({ DATABASE_READ_URL: 'postgres://u@localhost/tc' })).toThrow(
      /DATABASE_READ_URL: only with DATABASE_URL/,
    );
    expect(() => loadConfig({ DATABASE_URL: 'postgres://u@localhost/tc', DATABASE_READ_URL: 'mysql://x' })).toThrow(
      /DATABASE_READ_URL/,
    );
  });
});

describe('background jobs: no setting turns off another', () => {
  it('RECHECK_INTERVAL_MS=0 stops only the identity re-check; REPORT_ESCALATION_INTERVAL_MS=0 only the escalation', () => {
    expect(loadConfig({})).toMatchObject({ recheckIntervalMs: 60_000, reportEscalationIntervalMs: 60_000 });
    expect(loadConfig({ RECHECK_INTERVAL_MS: '0' })).toMatchObject({
      recheckIntervalMs: 0,
      reportEscalationIntervalMs: 60_000,
    });
    expect(loadConfig({ REPORT_ESCALATION_INTERVAL_MS: '0' })).toMatchObject({
      recheckIntervalMs: 60_000,
      reportEscalationIntervalMs: 0,
    });
  });

  it('refuses a period a timer cannot keep (beyond a day), instead of firing every millisecond', () => {
    expect(() => loadConfig({ REPORT_ESCALATION_INTERVAL_MS: String(2 ** 31) })).toThrow(
      /REPORT_ESCALATION_INTERVAL_MS/,
    );
    expect(() => loadConfig({ RECHECK_INTERVAL_MS: String(2 ** 31) })).toThrow(/RECHECK_INTERVAL_MS/);
  });
});

describe('the public address (PUBLIC_BASE_URL)', () => {
  it('is the base of the absolute links, without a trailing slash; unset, the listening address, never a request header', () => {
    expect(publicBaseUrlOf(loadConfig({ PUBLIC_BASE_URL: 'https://tiemchung.example.gov.vn/' }))).toBe(
      'https://tiemchung.example.gov.vn',
    );
    expect(publicBaseUrlOf(loadConfig({ PUBLIC_BASE_URL: 'https://gw.example.vn/tiemchung' }))).toBe(
      'https://gw.example.vn/tiemchung',
    );
    expect(publicBaseUrlOf(loadConfig({}))).toBe('http://localhost:3000');
    expect(publicBaseUrlOf(loadConfig({ HOST: '10.0.0.5', PORT: '8080' }))).toBe('http://10.0.0.5:8080');
    expect(publicBaseUrlOf(loadConfig({ HOST: '::1', PORT: '8080' }))).toBe('http://[::1]:8080');
    for (const bad of ['tiemchung.example.gov.vn', 'ftp://x.vn', 'https://x.vn/?a=1', 'https://x.vn/#f'])
      expect(() => loadConfig({ PUBLIC_BASE_URL: bad }), bad).toThrow(/PUBLIC_BASE_URL/);
  });
});
