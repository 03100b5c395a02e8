import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/harness.js';

/** A fresh database: no signing key until one is made. */
const t = await useTestApp();

describe('the signing keys as their administrators see them (GET /api/certificates/keys)', () => {
  it('lists the current key and the replaced ones, newest first, with their certificates and no private part', async () => {
    const none = await t.call('GET', '/api/certificates/keys', { as: 'admin' });
    expect(none.status).toBe(200);
    expect(none.body.items).toEqual([]);

    const first = await t.call('POST', '/api/certificates/keys/rotate', { as: 'admin' });
    const second = await t.call('POST', '/api/certificates/keys/rotate', { as: 'admin' });
    expect([first.status, second.status]).toEqual([200, 200]);

    const res = await t.call('GET', '/api/certificates/keys', { as: 'admin' });
    expect(res.body.items.map((k: { kid: string }) => k.kid)).toEqual([second.body.kid, first.body.kid]);
    const [current, replaced] = res.body.items;
    expect(current).toMatchObject({
      alg: 'ES256',
      active: true,
      retiredAt: null,
      trustedUntil: null,
      inTrustList: true,
    });
    expect(replaced).toMatchObject({ active: false, inTrustList: true });
    expect(Date.parse(replaced.trustedUntil) - Date.parse(replaced.retiredAt)).toBeGreaterThan(365 * 86_400_000);
    expect(current.certificate.subject).toMatch(/CN=Tiêm chủng DSC \d{4}-\d{2}-\d{2}/);
    expect(current.certificate.subject).toContain('O=Bộ Y tế Việt Nam');
    // Issued by the national CSCA.
    expect(current.certificate.issuer).toMatch(/^C=VN, O=Bộ Y tế Việt Nam, CN=Tiêm chủng CSCA \d{4}-\d{2}-\d{2}$/);
    expect(Date.parse(current.certificate.validTo)).toBeGreaterThan(Date.parse(current.certificate.validFrom));
    expect(current.certificate.fingerprintSha256).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(res.raw.body).not.toMatch(/private|BEGIN PRIVATE|v1\./i);
    // The published trust list carries the same keys.
    const trust = await t.call('GET', '/api/certificates/trust-list');
    expect(trust.body.keys.map((k: { kid: string }) => k.kid).sort()).toEqual(
      res.body.items
        .filter((k: { inTrustList: boolean }) => k.inTrustList)
        .map((k: { kid: string }) => k.kid)
        .sort(),
    );
  });

  it('is for national administrators only', async () => {
    const res = await t.call('GET', '/api/certificates/keys', { as: 'dongthap.admin' });
    expect(res.status).toBe(403);
  });
});
