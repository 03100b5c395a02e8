import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

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
