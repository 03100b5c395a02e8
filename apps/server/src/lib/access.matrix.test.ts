import { generateKeyPairSync, randomUUID } from 'node:crypto';
import type { SyntheticPerson } from '@tiemchung/core';
import { type CreatePersonBody, type Role, SCREENING_QUESTIONS } from '@tiemchung/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../modules/certificates/x509.js';
import { simulatorCitizens } from '../modules/registry/registry.simulator.js';
import { createPersonVia, otherCccd, personBodyOf, reportBodyAbout } from '../test/factories.js';
import { DEMO_PASSWORD, useTestApp } from '../test/harness.js';
import { type RouteAccess, SCOPE_RULES, type ScopeRule } from './access.js';
import { hashPassword } from './passwords.js';

/**
 * The authorisation matrix, generated from the route table: every `/api` route × every demo staff
 * user (the five roles, anchored in Hà Nội or Đồng Tháp) × an object inside and outside the user's
 * units, and anonymous callers. Each route's expected answers follow from the roles and the scope
 * rule it declares where it is registered (`config.access`):
 * - no session → 401 `unauthenticated`, before any validation detail;
 * - a role the route does not list → 403;
 * - inside the user's units → success (so the outside case below tests the scope, not a bad fixture);
 * - outside → a 4xx and nothing changed (item routes), or a list without the other place's object.
 * A route without a fixture here fails the test: a new route must say how it is reached.
 */

// More citizens than the default test registry: the matrix registers a few hundred people per place.
const CITIZENS = 40_000;
const t = await useTestApp({ config: { REGISTRY_SIM_SIZE: String(CITIZENS) } });
const citizensOf = (() => {
  const byProvince = new Map<string, SyntheticPerson[]>();
  for (const c of simulatorCitizens(CITIZENS)) {
    const list = byProvince.get(c.provinceCode) ?? [];
    list.push(c);
    byProvince.set(c.provinceCode, list);
  }
  const next = new Map<string, number>();
  return (provinceCode: string) => {
    const list = byProvince.get(provinceCode) ?? [];
    const i = next.get(provinceCode) ?? 0;
    next.set(provinceCode, i + 1);
    const c = list[i];
    if (!c) throw new Error(`the simulator has no more citizens in ${provinceCode}`);
    return c;
  };
})();
/** A citizen the registry knows, living in the place's commune, never used before in this file. */
const bodyIn = (place: Place): CreatePersonBody => ({
  ...personBodyOf(citizensOf(PLACES[place].province)),
  districtCode: PLACES[place].district,
  communeCode: PLACES[place].commune,
});

type Place = 'HN' | 'DT';
const PLACES = {
  HN: { province: '01', district: '001', commune: '00001', facility: 'HN-BD-01' },
  DT: { province: '87', district: '866', commune: '29866', facility: 'DT-CL-01' },
} as const;
const other = (p: Place): Place => (p === 'HN' ? 'DT' : 'HN');

const USERS: { username: string; role: Role; home: Place | 'both' }[] = [
  { username: 'admin', role: 'national_admin', home: 'both' },
  { username: 'hanoi.admin', role: 'province_admin', home: 'HN' },
  { username: 'dongthap.admin', role: 'province_admin', home: 'DT' },
  { username: 'caolanh.admin', role: 'district_admin', home: 'DT' },
  { username: 'hanoi.tiem', role: 'site_staff', home: 'HN' },
  { username: 'caolanh.tiem', role: 'site_staff', home: 'DT' },
  { username: 'hanoi.phananh', role: 'report_handler', home: 'HN' },
  { username: 'dongthap.phananh', role: 'report_handler', home: 'DT' },
];
/** Who creates the objects of a place (a province administrator there). */
const OWNER: Record<Place, string> = { HN: 'hanoi.admin', DT: 'dongthap.admin' };

/**
 * What a scope rule lets a role reach outside its units by design (README: who sees what): desk
 * staff open and register anyone who walks in, from any province; every such read is audited.
 */
const OUTSIDE_ALLOWED: Partial<Record<ScopeRule, readonly Role[]>> = {
  'person-read': ['site_staff'],
  'person-create': ['site_staff'],
};
/** Rules with no "outside": the same for every caller of the route. */
const UNSCOPED: readonly ScopeRule[] = ['public', 'self', 'reference', 'national'];

interface Req {
  method: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}
interface Built {
  req: Req;
  /** For lists: whether a 200 answer shows the object this request was built around. */
  shows?: (body: any, text: string) => boolean;
  /** A list or summary of the caller's units whose rows cannot be told apart here (why, in words). */
  unmarked?: string;
}
type Fixture = (place: Place, user: (typeof USERS)[number]) => Promise<Built>;

const allNo = () => Object.fromEntries(SCREENING_QUESTIONS.map((q) => [q.id, 'no']));
const PFIZER = 'EU/1/20/1528';
/** A Pfizer dose given on 15 Oct 2021 (a retroactive entry) at the place's facility. */
const doseGivenAt = (place: Place) => ({
  vaccineCode: PFIZER,
  lotNumber: 'FF2587',
  administeredOn: '2021-10-15',
  facilityId: PLACES[place].facility,
});
let ip = 1;
/** A foreign state's Document Signer Certificate (PEM), new each time. */
function foreignDsc(): string {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const der = selfSignedCertificate({
    privateKey,
    commonName: 'DSC',
    organization: 'Health ministry',
    country: 'DE',
    notBefore: new Date('2021-06-01T00:00:00Z'),
    notAfter: new Date('2023-06-01T00:00:00Z'),
  });
  return `-----BEGIN CERTIFICATE-----\n${Buffer.from(der).toString('base64')}\n-----END CERTIFICATE-----\n`;
}
const nextIp = () => `10.77.${Math.floor(ip / 250)}.${(ip++ % 250) + 1}`;

async function ok(req: Req & { as?: string }) {
  const res = await t.call(req.method as 'GET', req.url, {
    as: req.as,
    body: req.body,
    headers: req.headers,
    ip: nextIp(),
  });
  if (res.status >= 300) throw new Error(`${req.method} ${req.url}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

// ---- the objects of each place, made through the API ----

const personIn = (place: Place) => createPersonVia(t, bodyIn(place), OWNER[place]);

async function sessionAt(place: Place) {
  return ok({
    method: 'POST',
    url: '/api/sessions',
    as: OWNER[place],
    body: { facilityId: PLACES[place].facility, sessionDate: '2021-11-20', lotNumbers: ['FF2587'] },
  });
}

async function visitAt(place: Place, stage: 'waiting' | 'screened' | 'vaccinated' = 'waiting') {
  const session = await sessionAt(place);
  const person = await personIn(place);
  const visit = await ok({
    method: 'POST',
    url: `/api/sessions/${session.id}/visits`,
    as: OWNER[place],
    body: { id: randomUUID(), personId: person.id, method: 'search' },
  });
  if (stage !== 'waiting')
    await ok({
      method: 'POST',
      url: `/api/visits/${visit.id}/screening`,
      as: OWNER[place],
      body: { answers: allNo(), outcome: 'vaccinate' },
    });
  let dose: any = null;
  if (stage === 'vaccinated')
    dose = (
      await ok({
        method: 'POST',
        url: `/api/visits/${visit.id}/dose`,
        as: OWNER[place],
        headers: { 'idempotency-key': randomUUID() },
        body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
      })
    ).dose;
  return { session, person, visit, dose };
}

/** A citizen's report about a person of the place (routed to the person's commune there). */
async function reportIn(place: Place, category = 'wrong_personal_info') {
  const person = await personIn(place);
  const filed = await ok({
    method: 'POST',
    url: '/api/portal/reports',
    body: reportBodyAbout(person, { category }),
  });
  const found = await ok({ method: 'GET', url: `/api/reports?trackingCode=${filed.trackingCode}`, as: 'admin' });
  return { report: found.items[0], person, trackingCode: filed.trackingCode };
}

/** A report already linked to its person (admin did it). */
async function linkedReportIn(place: Place, category = 'wrong_personal_info') {
  const r = await reportIn(place, category);
  await ok({ method: 'POST', url: `/api/reports/${r.report.id}/person`, as: 'admin', body: { personId: r.person.id } });
  return r;
}

/** A site staff account at the place's facility, made by the place's province administrator. */
function accountIn(place: Place): Promise<{ id: string }> {
  return ok({
    method: 'POST',
    url: '/api/users',
    as: OWNER[place],
    body: { username: `nd${randomUUID().slice(0, 8)}`, role: 'site_staff', facilityId: PLACES[place].facility },
  });
}

/** Two records with the same name, birth date and phone: a duplicate pair of the place. */
async function pairIn(place: Place) {
  const body = bodyIn(place);
  const a = await createPersonVia(t, body, OWNER[place]);
  const b = await createPersonVia(t, { ...body, idNumber: otherCccd(body.idNumber) }, OWNER[place]);
  const list = await ok({ method: 'GET', url: '/api/people/duplicates', as: 'admin' });
  const candidate = list.items.find((c: any) => [c.a.id, c.b.id].sort().join() === [a.id, b.id].sort().join());
  if (!candidate) throw new Error('no duplicate candidate');
  return { a, b, candidate };
}

/** A person of the place whose ID number the population registry does not know (identity not_found). */
async function unconfirmedIn(place: Place) {
  const body = bodyIn(place);
  const person = await createPersonVia(t, { ...body, idNumber: otherCccd(body.idNumber) }, OWNER[place]);
  if (person.verification.status === 'verified') throw new Error('the registry knows the altered ID number');
  return person;
}

/** Such a person checked in at a session of the place (the dose would be refused). */
async function unconfirmedVisitAt(place: Place) {
  const session = await sessionAt(place);
  const person = await unconfirmedIn(place);
  const visit = await ok({
    method: 'POST',
    url: `/api/sessions/${session.id}/visits`,
    as: OWNER[place],
    body: { id: randomUUID(), personId: person.id, method: 'search' },
  });
  return { person, visit };
}

/** The place's site staff sends such a visit for approval: a pending request of the place. */
async function approvalIn(place: Place) {
  const { person, visit } = await unconfirmedVisitAt(place);
  return ok({
    method: 'POST',
    url: '/api/identity-approvals',
    as: place === 'HN' ? 'hanoi.tiem' : 'caolanh.tiem',
    body: { personId: person.id, visitId: visit.id, reason: 'Đối chiếu CCCD gắn chip tại bàn tiếp đón' },
  });
}

/** A lot received by the place's province, allocated down to a district administrator when one asks. */
async function lotFor(place: Place, user: (typeof USERS)[number]) {
  const lotNumber = `MX${randomUUID().slice(0, 8)}`;
  const lot = await ok({
    method: 'POST',
    url: '/api/lots',
    as: OWNER[place],
    body: { vaccineCode: PFIZER, lotNumber, expiresOn: '2030-01-01', doses: 1000, receivedOn: '2021-10-01' },
  });
  if (user.role === 'district_admin' && user.home === place)
    await ok({
      method: 'POST',
      url: `/api/lots/${lot.id}/allocations`,
      as: OWNER[place],
      body: { doses: 500, toDistrictCode: PLACES[place].district },
    });
  return lot;
}

/**
 * A confirmed portal registration of the place: left with the province, or assigned to the place's
 * district (what a district administrator works on) or facility (what a site works on).
 */
async function registrationIn(place: Place, assignTo: 'none' | 'district' | 'facility') {
  const person = bodyIn(place);
  const from = nextIp();
  const start = await t.call('POST', '/api/portal/registrations', {
    ip: from,
    body: {
      fullName: person.fullName,
      dateOfBirth: person.dateOfBirth,
      gender: person.gender,
      phone: person.phone,
      idNumber: person.idNumber,
      priorityGroup: 'teacher',
      provinceCode: PLACES[place].province,
      districtCode: PLACES[place].district,
      checklist: allNo(),
      consent: true,
    },
  });
  if (start.status !== 202) throw new Error(`registration: ${start.status} ${JSON.stringify(start.body)}`);
  const sms = await ok({ method: 'GET', url: `/api/admin/sms-outbox?to=${person.phone}`, as: 'admin' });
  const otp = /\b(\d{6})\b/.exec(sms.items[0]?.text ?? '')?.[1] ?? '';
  const confirmed = await ok({
    method: 'POST',
    url: `/api/portal/registrations/${start.body.registrationId}/verify`,
    body: { otp },
  });
  const list = await ok({ method: 'GET', url: '/api/registrations', as: 'admin' });
  const reg = list.items.find((r: any) => r.code === confirmed.code);
  if (assignTo !== 'none')
    await ok({
      method: 'POST',
      url: `/api/registrations/${reg.id}/assign`,
      as: OWNER[place],
      body: assignTo === 'facility' ? { facilityId: PLACES[place].facility } : { districtCode: PLACES[place].district },
    });
  return reg;
}

// ---- shared objects, made once ----
const shared = {} as Record<
  Place,
  { person: any; session: any; report: any; campaign: any; marker: string; certificateCi: string }
>;
beforeAll(async () => {
  for (const place of ['HN', 'DT'] as const) {
    const person = await personIn(place);
    const session = await sessionAt(place);
    const { report } = await reportIn(place);
    const campaign = await ok({
      method: 'POST',
      url: '/api/campaigns',
      as: OWNER[place],
      body: {
        name: `Chiến dịch ${place}`,
        receiveFrom: '2021-11-05T00:00:00Z',
        receiveTo: '2021-11-10T00:00:00Z',
        deadline: '2021-11-12T00:00:00Z',
      },
    });
    shared[place] = { person, session, report, campaign, marker: person.id, certificateCi: '' };
  }
}, 120_000);

const containsId = (id: string) => (_body: unknown, text: string) => text.includes(id);

/** How each route is reached about an object of a place. Keys: `METHOD url` as registered. */
/** A facility of the place, made by its province's administrator. */
const facilityIn = (place: Place) =>
  ok({
    method: 'POST',
    url: '/api/facilities',
    as: OWNER[place],
    body: { name: `Trạm ${randomUUID().slice(0, 8)}`, kind: 'health_station', unitCode: PLACES[place].commune },
  });

/** The official 2021 list's shape, holding the place's own commune (importing it changes nothing). */
const unitListOf = (place: Place) =>
  JSON.stringify({
    data: [
      {
        level1_id: PLACES[place].province,
        name: place === 'HN' ? 'Thành phố Hà Nội' : 'Tỉnh Đồng Tháp',
        type: place === 'HN' ? 'Thành phố Trung ương' : 'Tỉnh',
        level2s: [
          {
            level2_id: PLACES[place].district,
            name: place === 'HN' ? 'Quận Ba Đình' : 'Thành phố Cao Lãnh',
            type: place === 'HN' ? 'Quận' : 'Thành phố',
            level3s: [
              {
                level3_id: PLACES[place].commune,
                name: place === 'HN' ? 'Phường Phúc Xá' : 'Phường 1',
                type: 'Phường',
              },
            ],
          },
        ],
      },
    ],
  });

/** A bulk-import upload for the place's facility: the template's header and one row (never run here). */
const importUpload = (place: Place): Req => {
  const boundary = `----tc${randomUUID()}`;
  const file =
    'Họ và tên,Ngày sinh,Giới tính,Số CCCD/CMND,Số điện thoại,Mã tỉnh,Mã vắc xin,Số lô,Ngày tiêm,Mã cơ sở tiêm\r\n' +
    `Nguyễn Văn An,01/01/1980,Nam,,0912345678,${PLACES[place].province},${PFIZER},FF2587,15/10/2021,${PLACES[place].facility}\r\n`;
  const body = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="facilityId"\r\n\r\n${PLACES[place].facility}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="m.csv"\r\nContent-Type: text/csv\r\n\r\n${file}\r\n` +
      `--${boundary}--\r\n`,
  );
  return {
    method: 'POST',
    url: '/api/imports',
    body,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
};
/** An import of the place's facility, uploaded by its province's administrator. */
const importIn = async (place: Place) =>
  ((await ok({ ...importUpload(place), as: OWNER[place] })) as { id: string }).id;

/** A person of the place with one dose at the place's facility, made once per place (the FHIR fixtures). */
const vaccinated: Partial<Record<Place, Promise<{ person: any; dose: any }>>> = {};
const vaccinatedIn = (place: Place) =>
  (vaccinated[place] ??= (async () => {
    const person = await personIn(place);
    const dose = await ok({
      method: 'POST',
      url: `/api/people/${person.id}/doses`,
      as: OWNER[place],
      headers: { 'idempotency-key': randomUUID() },
      body: doseGivenAt(place),
    });
    return { person, dose };
  })());

const FIXTURES: Record<string, Fixture> = {
  'POST /api/auth/logout': async () => ({ req: { method: 'POST', url: '/api/auth/logout' } }),
  'GET /api/auth/me': async () => ({ req: { method: 'GET', url: '/api/auth/me' } }),
  'POST /api/users': async (place) => ({
    req: {
      method: 'POST',
      url: '/api/users',
      body: {
        username: `u${randomUUID().slice(0, 8)}`,
        password: 'MatKhau@2021x',
        role: 'site_staff',
        facilityId: PLACES[place].facility,
      },
    },
  }),
  'GET /api/users': async (place) => {
    const username = `list${randomUUID().slice(0, 8)}`;
    await ok({
      method: 'POST',
      url: '/api/users',
      as: OWNER[place],
      body: { username, password: 'MatKhau@2021x', role: 'site_staff', facilityId: PLACES[place].facility },
    });
    return { req: { method: 'GET', url: '/api/users' }, shows: (_b, text) => text.includes(username) };
  },
  'GET /api/users/:id': async (place) => ({
    req: { method: 'GET', url: `/api/users/${(await accountIn(place)).id}` },
  }),
  'PATCH /api/users/:id': async (place) => ({
    req: {
      method: 'PATCH',
      url: `/api/users/${(await accountIn(place)).id}`,
      body: { displayName: 'Nguyễn Văn Bình' },
    },
  }),
  'POST /api/users/:id/disable': async (place) => ({
    req: { method: 'POST', url: `/api/users/${(await accountIn(place)).id}/disable`, body: { reason: 'Nghỉ việc' } },
  }),
  'POST /api/users/:id/enable': async (place) => {
    const account = await accountIn(place);
    await ok({ method: 'POST', url: `/api/users/${account.id}/disable`, as: OWNER[place], body: {} });
    return { req: { method: 'POST', url: `/api/users/${account.id}/enable` } };
  },
  'POST /api/users/:id/password-reset': async (place) => ({
    req: { method: 'POST', url: `/api/users/${(await accountIn(place)).id}/password-reset` },
  }),
  'POST /api/auth/password': async (_place, user) => {
    // The caller's own password, set aside here, is changed back to the demo one by the request.
    const aside = `${DEMO_PASSWORD}-tam`;
    await t.db
      .updateTable('users')
      .set({ password_hash: await hashPassword(aside) })
      .where('username', '=', user.username)
      .execute();
    return {
      req: { method: 'POST', url: '/api/auth/password', body: { currentPassword: aside, newPassword: DEMO_PASSWORD } },
    };
  },
  'POST /api/people': async (place) => ({
    req: {
      method: 'POST',
      url: '/api/people',
      body: bodyIn(place),
    },
  }),
  'GET /api/people': async (place) => ({
    req: { method: 'GET', url: `/api/people?phone=${shared[place].person.phone}` },
    shows: containsId(shared[place].person.id),
  }),
  'GET /api/people/duplicate-check': async (place) => {
    const p = shared[place].person;
    return {
      req: {
        method: 'GET',
        url: `/api/people/duplicate-check?fullName=${encodeURIComponent(p.fullName)}&dateOfBirth=${p.dateOfBirth}&phone=${p.phone}`,
      },
      shows: containsId(p.id),
    };
  },
  'GET /api/people/duplicates': async (place) => {
    const { candidate } = await pairIn(place);
    return {
      req: { method: 'GET', url: '/api/people/duplicates' },
      shows: (b) => b.items.some((c: any) => c.id === candidate.id),
    };
  },
  'POST /api/people/duplicates/:candidateId/dismiss': async (place) => {
    const { candidate } = await pairIn(place);
    return { req: { method: 'POST', url: `/api/people/duplicates/${candidate.id}/dismiss` } };
  },
  'GET /api/people/:id': async (place) => ({ req: { method: 'GET', url: `/api/people/${shared[place].person.id}` } }),
  'PATCH /api/people/:id': async (place) => {
    const p = await personIn(place);
    return {
      req: {
        method: 'PATCH',
        url: `/api/people/${p.id}`,
        body: { address: 'Số 1, đường Lê Lợi', phone: '0912000111' },
      },
    };
  },
  'POST /api/people/:id/verify': async (place) => ({
    req: { method: 'POST', url: `/api/people/${shared[place].person.id}/verify` },
  }),
  'POST /api/people/:id/identity-override': async (place) => ({
    req: {
      method: 'POST',
      url: `/api/people/${shared[place].person.id}/identity-override`,
      body: { reason: 'Đã đối chiếu giấy tờ gốc tại điểm tiêm' },
    },
  }),
  'POST /api/people/:id/merge': async (place) => {
    const { a, b } = await pairIn(place);
    return {
      req: { method: 'POST', url: `/api/people/${a.id}/merge`, body: { duplicateId: b.id, reason: 'Cùng một người' } },
    };
  },
  'GET /api/people/:id/audit': async (place) => ({
    req: { method: 'GET', url: `/api/people/${shared[place].person.id}/audit` },
  }),
  'POST /api/people/:id/doses': async (place) => {
    // The dose is recorded at the facility named in the body: the caller's own facility or units.
    const p = await personIn(place);
    return {
      req: {
        method: 'POST',
        url: `/api/people/${p.id}/doses`,
        headers: { 'idempotency-key': randomUUID() },
        body: doseGivenAt(place),
      },
    };
  },
  'GET /api/people/:id/doses': async (place) => ({
    req: { method: 'GET', url: `/api/people/${shared[place].person.id}/doses` },
  }),
  'GET /api/lots': async (place) => ({ req: { method: 'GET', url: `/api/lots?facilityId=${PLACES[place].facility}` } }),
  'POST /api/lots': async (place) => ({
    req: {
      method: 'POST',
      url: '/api/lots',
      body: {
        vaccineCode: PFIZER,
        lotNumber: `MX${randomUUID().slice(0, 8)}`,
        expiresOn: '2030-01-01',
        doses: 100,
        receivedOn: '2021-10-01',
        provinceCode: PLACES[place].province,
      },
    },
  }),
  'POST /api/lots/:id/allocations': async (place, user) => {
    const lot = await lotFor(place, user);
    return {
      req: {
        method: 'POST',
        url: `/api/lots/${lot.id}/allocations`,
        body: { doses: 10, toFacilityId: PLACES[place].facility },
      },
    };
  },
  'GET /api/stock': async (place, user) => {
    const lot = await lotFor(place, user);
    return { req: { method: 'GET', url: '/api/stock' }, shows: (_b, text) => text.includes(lot.lotNumber) };
  },
  // The audit log, read for a person made for the call (by the place's administrator).
  'GET /api/audit': async (place) => {
    const p = await personIn(place);
    return { req: { method: 'GET', url: `/api/audit?personId=${p.id}` }, shows: (_b, text) => text.includes(p.id) };
  },
  'GET /api/audit/export.csv': async (place) => {
    const p = await personIn(place);
    return {
      req: { method: 'GET', url: `/api/audit/export.csv?personId=${p.id}` },
      shows: (_b, text) => text.includes(p.id),
    };
  },
  'GET /api/audit/export.xlsx': async (place) => ({
    req: { method: 'GET', url: `/api/audit/export.xlsx?unitCode=${PLACES[place].district}` },
    unmarked: 'a zip; the same query as the CSV export, which is checked',
  }),
  'GET /api/lots/reconciliation': async (place) => {
    const v = await visitAt(place, 'vaccinated');
    await ok({
      method: 'POST',
      url: `/api/sessions/${v.session.id}/close`,
      as: OWNER[place],
      body: {
        lots: [{ lotNumber: 'FF2587', vialsOpened: 1 }],
        visits: [{ visitId: v.visit.id, outcome: 'left', reason: 'Về trước khi hết 30 phút theo dõi' }],
      },
    });
    return {
      req: { method: 'GET', url: '/api/lots/reconciliation' },
      unmarked: 'per lot number, and the demo lots are shared by every facility',
    };
  },
  'POST /api/sessions': async (place) => ({
    req: {
      method: 'POST',
      url: '/api/sessions',
      body: { facilityId: PLACES[place].facility, sessionDate: '2021-11-21', lotNumbers: ['FF2587'] },
    },
  }),
  'GET /api/sessions': async (place) => ({
    req: { method: 'GET', url: '/api/sessions' },
    shows: containsId(shared[place].session.id),
  }),
  'GET /api/sessions/:id': async (place) => ({
    req: { method: 'GET', url: `/api/sessions/${shared[place].session.id}` },
  }),
  'POST /api/sessions/:id/visits': async (place) => {
    const session = await sessionAt(place);
    const person = await personIn(place);
    return {
      req: {
        method: 'POST',
        url: `/api/sessions/${session.id}/visits`,
        body: { id: randomUUID(), personId: person.id, method: 'search' },
      },
    };
  },
  'POST /api/visits/:id/screening': async (place) => {
    const { visit } = await visitAt(place);
    return {
      req: {
        method: 'POST',
        url: `/api/visits/${visit.id}/screening`,
        body: { answers: allNo(), outcome: 'vaccinate' },
      },
    };
  },
  'POST /api/visits/:id/dose': async (place) => {
    const { visit } = await visitAt(place, 'screened');
    return {
      req: {
        method: 'POST',
        url: `/api/visits/${visit.id}/dose`,
        headers: { 'idempotency-key': randomUUID() },
        body: { vaccineCode: PFIZER, lotNumber: 'FF2587' },
      },
    };
  },
  'POST /api/visits/:id/complete': async (place) => {
    const { visit } = await visitAt(place, 'vaccinated');
    return { req: { method: 'POST', url: `/api/visits/${visit.id}/complete` } };
  },
  'POST /api/adverse-events': async (place) => {
    const { person, visit, dose } = await visitAt(place, 'vaccinated');
    return {
      req: {
        method: 'POST',
        url: '/api/adverse-events',
        body: {
          personId: person.id,
          doseId: dose.id,
          visitId: visit.id,
          symptoms: ['Sốt'],
          severity: 'mild',
          actionTaken: 'Theo dõi tại chỗ',
        },
      },
    };
  },
  'POST /api/sessions/:id/close': async (place) => {
    const session = await sessionAt(place);
    return { req: { method: 'POST', url: `/api/sessions/${session.id}/close`, body: { lots: [] } } };
  },
  'GET /api/notifications': async (place) => {
    // A serious adverse event notifies the district of the place.
    const { person, visit, dose } = await visitAt(place, 'vaccinated');
    await ok({
      method: 'POST',
      url: '/api/adverse-events',
      as: OWNER[place],
      body: {
        personId: person.id,
        doseId: dose.id,
        visitId: visit.id,
        symptoms: ['Khó thở'],
        severity: 'serious',
        actionTaken: 'Xử trí phản vệ theo phác đồ',
      },
    });
    return { req: { method: 'GET', url: '/api/notifications' }, shows: (_b, text) => text.includes(person.id) };
  },
  'GET /api/people/:id/certificate': async (place) => ({
    req: { method: 'GET', url: `/api/people/${shared[place].person.id}/certificate` },
  }),
  'GET /api/people/:id/passport': async (place) => ({
    req: { method: 'GET', url: `/api/people/${shared[place].person.id}/passport` },
  }),
  // Vaccine passports: a record of the place confirmed by its province, listed for the place.
  'GET /api/passports': async (place) => {
    const p = await personIn(place);
    await ok({ method: 'POST', url: '/api/passports/confirmations', as: OWNER[place], body: { personIds: [p.id] } });
    return {
      req: { method: 'GET', url: '/api/passports?limit=500' },
      shows: (b) => b.items.some((i: { personId: string }) => i.personId === p.id),
    };
  },
  'POST /api/passports/confirmations': async (place) => {
    const p = await personIn(place);
    return { req: { method: 'POST', url: '/api/passports/confirmations', body: { personIds: [p.id] } } };
  },
  'POST /api/passports/signatures': async () => ({
    req: { method: 'POST', url: '/api/passports/signatures', body: { limit: 1 } },
  }),
  'GET /api/people/:id/certificates': async (place) => ({
    req: { method: 'GET', url: `/api/people/${shared[place].person.id}/certificates` },
  }),
  'GET /api/people/:id/reports': async (place) => ({
    req: { method: 'GET', url: `/api/people/${shared[place].person.id}/reports` },
  }),
  'GET /api/people/:id/certificate.pdf': async (place) => ({
    req: { method: 'GET', url: `/api/people/${shared[place].person.id}/certificate.pdf` },
  }),
  'GET /api/sessions/:id/certificates.pdf': async (place) => ({
    req: { method: 'GET', url: `/api/sessions/${shared[place].session.id}/certificates.pdf` },
  }),
  'POST /api/certificates/keys/rotate': async () => ({ req: { method: 'POST', url: '/api/certificates/keys/rotate' } }),
  'POST /api/certificates/csca/rotate': async () => ({ req: { method: 'POST', url: '/api/certificates/csca/rotate' } }),
  'GET /api/admin/sms-outbox': async () => ({ req: { method: 'GET', url: '/api/admin/sms-outbox' } }),
  'GET /api/certificates/keys': async () => ({ req: { method: 'GET', url: '/api/certificates/keys' } }),
  // Facility administration: a facility of the place (made by its province), changed by the caller.
  'GET /api/facilities/managed': async (place) => ({
    req: { method: 'GET', url: '/api/facilities/managed' },
    shows: (b) => b.items.some((f: { id: string }) => f.id === PLACES[place].facility),
  }),
  'POST /api/facilities': async (place) => ({
    req: {
      method: 'POST',
      url: '/api/facilities',
      body: {
        name: `Điểm tiêm ${randomUUID().slice(0, 8)}`,
        kind: 'vaccination_site',
        unitCode: PLACES[place].commune,
      },
    },
  }),
  'PATCH /api/facilities/:id': async (place) => {
    const f = await facilityIn(place);
    return { req: { method: 'PATCH', url: `/api/facilities/${f.id}`, body: { address: 'Nhà văn hoá khu phố' } } };
  },
  'POST /api/facilities/:id/deactivate': async (place) => {
    const f = await facilityIn(place);
    return { req: { method: 'POST', url: `/api/facilities/${f.id}/deactivate`, body: { reason: 'Ngừng tiêm' } } };
  },
  'POST /api/facilities/:id/reactivate': async (place) => {
    const f = await facilityIn(place);
    await ok({
      method: 'POST',
      url: `/api/facilities/${f.id}/deactivate`,
      as: OWNER[place],
      body: { reason: 'Tạm dừng' },
    });
    return { req: { method: 'POST', url: `/api/facilities/${f.id}/reactivate`, body: { reason: 'Mở lại' } } };
  },
  // Unit-list imports (national): a one-commune 2021 list of the place's province.
  'POST /api/units/imports': async (place) => ({
    req: {
      method: 'POST',
      url: '/api/units/imports',
      body: { files: [{ name: 'units.json', content: unitListOf(place) }] },
    },
  }),
  'GET /api/units/imports/:id': async (place) => {
    const job = await ok({
      method: 'POST',
      url: '/api/units/imports',
      as: 'admin',
      body: { files: [{ name: 'units.json', content: unitListOf(place) }] },
    });
    return { req: { method: 'GET', url: `/api/units/imports/${job.id}` } };
  },
  'GET /api/registrations': async (place) => {
    const reg = await registrationIn(place, 'facility');
    return { req: { method: 'GET', url: '/api/registrations' }, shows: containsId(reg.id) };
  },
  'POST /api/registrations/:id/assign': async (place, user) => {
    const reg = await registrationIn(place, user.role === 'district_admin' ? 'district' : 'none');
    return {
      req: { method: 'POST', url: `/api/registrations/${reg.id}/assign`, body: { facilityId: PLACES[place].facility } },
    };
  },
  'POST /api/registrations/:id/invite': async (place) => {
    const reg = await registrationIn(place, 'facility');
    // A week ahead: an invitation is for a day from today to 90 days on.
    const date = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    return { req: { method: 'POST', url: `/api/registrations/${reg.id}/invite`, body: { date } } };
  },
  'GET /api/reports': async (place) => ({
    req: { method: 'GET', url: '/api/reports' },
    shows: containsId(shared[place].report.id),
  }),
  'GET /api/reports/export.csv': async (place) => ({
    req: { method: 'GET', url: '/api/reports/export.csv' },
    shows: (_b, text) => text.includes(shared[place].report.trackingCode),
  }),
  'GET /api/reports/export.xlsx': async () => ({
    // A zip: its rows cannot be searched as text; scope is shared with the CSV export (same query).
    req: { method: 'GET', url: '/api/reports/export.xlsx' },
    unmarked: 'a zip; the same query as the CSV export, which is checked',
  }),
  'GET /api/reports/:id': async (place) => ({ req: { method: 'GET', url: `/api/reports/${shared[place].report.id}` } }),
  'GET /api/reports/:id/evidence': async () => null as never, // replaced below (needs an upload)
  'POST /api/reports/:id/claim': async (place) => {
    const { report } = await reportIn(place);
    return { req: { method: 'POST', url: `/api/reports/${report.id}/claim` } };
  },
  'POST /api/reports/:id/reassign': async (place) => {
    const { report } = await reportIn(place);
    return {
      req: {
        method: 'POST',
        url: `/api/reports/${report.id}/reassign`,
        body: { facilityId: PLACES[place].facility, reason: 'Điểm tiêm nơi tiêm mũi này' },
      },
    };
  },
  'POST /api/reports/:id/person': async (place) => {
    const { report, person } = await reportIn(place);
    return { req: { method: 'POST', url: `/api/reports/${report.id}/person`, body: { personId: person.id } } };
  },
  'POST /api/reports/:id/actions/add-dose': async (place) => {
    const { report } = await linkedReportIn(place, 'missing_dose');
    return {
      req: {
        method: 'POST',
        url: `/api/reports/${report.id}/actions/add-dose`,
        body: doseGivenAt(place),
      },
    };
  },
  'POST /api/reports/:id/actions/correct-dose': async (place) => {
    const { report, person } = await linkedReportIn(place, 'wrong_dose');
    const dose = await ok({
      method: 'POST',
      url: `/api/people/${person.id}/doses`,
      as: OWNER[place],
      headers: { 'idempotency-key': randomUUID() },
      body: doseGivenAt(place),
    });
    return {
      req: {
        method: 'POST',
        url: `/api/reports/${report.id}/actions/correct-dose`,
        body: { doseId: dose.id, administeredOn: '2021-10-16' },
      },
    };
  },
  'POST /api/reports/:id/actions/correct-person': async (place) => {
    const { report } = await linkedReportIn(place);
    return {
      req: {
        method: 'POST',
        url: `/api/reports/${report.id}/actions/correct-person`,
        body: { address: 'Số 2, đường Trần Phú', reason: 'Công dân báo sai địa chỉ' },
      },
    };
  },
  'POST /api/reports/:id/actions/merge': async (place) => {
    const { report, person } = await linkedReportIn(place);
    const body = bodyIn(place);
    const twin = await createPersonVia(
      t,
      {
        ...body,
        fullName: person.fullName,
        dateOfBirth: person.dateOfBirth,
        gender: person.gender,
        phone: person.phone,
        idNumber: otherCccd(person.idNumber),
      },
      OWNER[place],
    );
    return { req: { method: 'POST', url: `/api/reports/${report.id}/actions/merge`, body: { duplicateId: twin.id } } };
  },
  'POST /api/reports/:id/resolution': async (place) => {
    const { report } = await reportIn(place);
    return {
      req: {
        method: 'POST',
        url: `/api/reports/${report.id}/resolution`,
        body: { outcome: 'rejected', reason: 'other', note: 'Không tìm thấy hồ sơ' },
      },
    };
  },
  'POST /api/campaigns': async (place) => ({
    req: {
      method: 'POST',
      url: '/api/campaigns',
      body: {
        name: 'Đợt rà soát',
        receiveFrom: '2021-11-05T00:00:00Z',
        receiveTo: '2021-11-10T00:00:00Z',
        deadline: '2021-11-12T00:00:00Z',
        provinceCode: PLACES[place].province,
      },
    },
  }),
  'GET /api/campaigns': async (place) => ({
    req: { method: 'GET', url: '/api/campaigns' },
    shows: containsId(shared[place].campaign.id),
  }),
  'GET /api/campaigns/:id': async (place) => ({
    req: { method: 'GET', url: `/api/campaigns/${shared[place].campaign.id}` },
    // Progress is counted per unit: out of scope it lists none of the place's units.
    shows: (_b, text) => text.includes(`"${PLACES[place].province}"`) || text.includes(PLACES[place].facility),
  }),
  'POST /api/identity-approvals': async (place) => {
    const { person, visit } = await unconfirmedVisitAt(place);
    return {
      req: {
        method: 'POST',
        url: '/api/identity-approvals',
        body: { personId: person.id, visitId: visit.id, reason: 'Đối chiếu CCCD gắn chip tại bàn tiếp đón' },
      },
    };
  },
  'GET /api/identity-approvals': async (place) => {
    const approval = await approvalIn(place);
    return {
      req: { method: 'GET', url: '/api/identity-approvals?status=pending&limit=500' },
      shows: containsId(approval.id),
    };
  },
  'GET /api/identity-approvals/blocked': async (place) => {
    const person = await unconfirmedIn(place);
    return { req: { method: 'GET', url: '/api/identity-approvals/blocked?limit=500' }, shows: containsId(person.id) };
  },
  'POST /api/identity-approvals/:id/decision': async (place) => {
    const approval = await approvalIn(place);
    return {
      req: {
        method: 'POST',
        url: `/api/identity-approvals/${approval.id}/decision`,
        body: { decision: 'approve', reason: 'Đã xác minh qua công an phường' },
      },
    };
  },
  'GET /api/stats/summary': async () => ({
    req: { method: 'GET', url: '/api/stats/summary' },
    unmarked: 'counts only (stats.test.ts checks them per scope)',
  }),
  // A population file of the place's province (national administrators only).
  'POST /api/stats/population': async (place) => {
    const boundary = `----tc${randomUUID()}`;
    const file = `unit_code,sex,age_band,population\r\n${PLACES[place].province},male,18-49,1000\r\n`;
    const body = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\nMatrix test\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="year"\r\n\r\n2019\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="p.csv"\r\nContent-Type: text/csv\r\n\r\n${file}\r\n` +
        `--${boundary}--\r\n`,
    );
    return {
      req: {
        method: 'POST',
        url: '/api/stats/population',
        body,
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      },
    };
  },
  'GET /api/stats/population': async () => ({ req: { method: 'GET', url: '/api/stats/population' } }),
  // FHIR (modules/fhir): a person outside the caller's units answers 403 (site staff read anyone's).
  'GET /fhir/Patient': async (place) => ({
    req: { method: 'GET', url: `/fhir/Patient?identifier=${shared[place].person.idNumber}` },
    shows: containsId(shared[place].person.id),
  }),
  'GET /fhir/Patient/:id': async (place) => ({
    req: { method: 'GET', url: `/fhir/Patient/${shared[place].person.id}` },
  }),
  'GET /fhir/Patient/:id/$ddcc': async (place) => ({
    req: { method: 'GET', url: `/fhir/Patient/${(await vaccinatedIn(place)).person.id}/$ddcc` },
  }),
  'GET /fhir/Immunization': async (place) => {
    const { person, dose } = await vaccinatedIn(place);
    return {
      req: { method: 'GET', url: `/fhir/Immunization?patient=Patient/${person.id}` },
      shows: containsId(dose.id),
    };
  },
  'GET /fhir/Immunization/:id': async (place) => ({
    req: { method: 'GET', url: `/fhir/Immunization/${(await vaccinatedIn(place)).dose.id}` },
  }),
  'GET /fhir/Organization/:id': async (place) => ({
    req: { method: 'GET', url: `/fhir/Organization/${PLACES[place].facility}` },
  }),
  // Foreign trust anchors (national administrators only): a fresh Document Signer Certificate.
  'GET /api/admin/trust-anchors': async () => ({ req: { method: 'GET', url: '/api/admin/trust-anchors' } }),
  'POST /api/admin/trust-anchors': async () => ({
    req: { method: 'POST', url: '/api/admin/trust-anchors', body: { country: 'DE', certificatePem: foreignDsc() } },
  }),
  'DELETE /api/admin/trust-anchors/:id': async () => {
    const added = await ok({
      method: 'POST',
      url: '/api/admin/trust-anchors',
      as: 'admin',
      body: { country: 'SE', certificatePem: foreignDsc() },
    });
    return { req: { method: 'DELETE', url: `/api/admin/trust-anchors/${added.anchors[0].id}` } };
  },
  // Ending the e-health book's device sessions of a phone (national administrators only).
  'POST /api/admin/health-book/revocations': async () => ({
    req: { method: 'POST', url: '/api/admin/health-book/revocations', body: { phone: '0987654321' } },
  }),
  'GET /api/imports/template.csv': async () => ({ req: { method: 'GET', url: '/api/imports/template.csv' } }),
  'GET /api/imports/template.xlsx': async () => ({
    req: { method: 'GET', url: '/api/imports/template.xlsx' },
    unmarked: "an XLSX whose guide lists the caller's facilities (imports.test.ts checks them per scope)",
  }),
  'POST /api/imports': async (place) => ({ req: importUpload(place) }),
  'GET /api/imports': async (place) => {
    const id = await importIn(place);
    return { req: { method: 'GET', url: '/api/imports?limit=100' }, shows: (_b, text) => text.includes(id) };
  },
  'GET /api/imports/:id': async (place) => ({ req: { method: 'GET', url: `/api/imports/${await importIn(place)}` } }),
  'POST /api/imports/:id/cancel': async (place) => ({
    req: { method: 'POST', url: `/api/imports/${await importIn(place)}/cancel` },
  }),
  'GET /api/imports/:id/rejected.xlsx': async (place) => ({
    req: { method: 'GET', url: `/api/imports/${await importIn(place)}/rejected.xlsx` },
  }),
  'GET /api/stats/daily-report.xlsx': async () => ({
    req: { method: 'GET', url: '/api/stats/daily-report.xlsx?date=2021-10-15' },
    unmarked: "an XLSX of the caller's provinces (stats.daily-report.test.ts checks the rows per scope)",
  }),
  // The statistics of the place's unit at the caller's level: outside, a unit not the caller's (403).
  'GET /api/stats/overview': async (place, user) => ({
    req: { method: 'GET', url: `/api/stats/overview?${statsUnitOf(place, user)}` },
  }),
  'GET /api/stats/units': async (place, user) => ({
    req: { method: 'GET', url: `/api/stats/units?${statsUnitOf(place, user)}` },
  }),
  'GET /api/stats/doses': async (place, user) => ({
    req: { method: 'GET', url: `/api/stats/doses?by=day&${statsUnitOf(place, user)}` },
  }),
  'GET /api/stats/coverage': async (place, user) => ({
    req: { method: 'GET', url: `/api/stats/coverage?by=sex&${statsUnitOf(place, user)}` },
  }),
  'GET /api/stats/reports': async (place, user) => ({
    req: { method: 'GET', url: `/api/stats/reports?${statsUnitOf(place, user)}` },
  }),
  'GET /api/stats/unrecorded': async (place, user) => ({
    req: { method: 'GET', url: `/api/stats/unrecorded?${statsUnitOf(place, user)}` },
  }),
};

/** The place's unit at the level of the user's account (a statistics query). */
function statsUnitOf(place: Place, user: (typeof USERS)[number]): string {
  const p = PLACES[place];
  if (user.role === 'district_admin') return `level=district&code=${p.district}`;
  if (user.role === 'site_staff') return `level=facility&code=${p.facility}`;
  return `level=province&code=${p.province}`;
}

/**
 * Routes that touch a second object: the first in the caller's units, the second outside them.
 * The guard must check both (a report in scope linked to a person out of scope is refused).
 */
const MIXED: Record<string, Fixture> = {
  'PATCH /api/users/:id': async (home) => {
    const account = await accountIn(home);
    return {
      req: { method: 'PATCH', url: `/api/users/${account.id}`, body: { facilityId: PLACES[other(home)].facility } },
    };
  },
  'POST /api/reports/:id/person': async (home) => {
    const { report } = await reportIn(home);
    return {
      req: {
        method: 'POST',
        url: `/api/reports/${report.id}/person`,
        body: { personId: shared[other(home)].person.id },
      },
    };
  },
  'POST /api/reports/:id/actions/merge': async (home) => {
    const { report } = await linkedReportIn(home);
    const stranger = await personIn(other(home));
    return {
      req: { method: 'POST', url: `/api/reports/${report.id}/actions/merge`, body: { duplicateId: stranger.id } },
    };
  },
  'POST /api/people/:id/merge': async (home) => {
    const mine = await personIn(home);
    const stranger = await personIn(other(home));
    return {
      req: { method: 'POST', url: `/api/people/${mine.id}/merge`, body: { duplicateId: stranger.id, reason: 'Trùng' } },
    };
  },
  'POST /api/lots/:id/allocations': async (home, user) => {
    const lot = await lotFor(home, user);
    return {
      req: {
        method: 'POST',
        url: `/api/lots/${lot.id}/allocations`,
        body: { doses: 10, toFacilityId: PLACES[other(home)].facility },
      },
    };
  },
};

// A report with an evidence photo (a real PNG, re-encoded by the server).
FIXTURES['GET /api/reports/:id/evidence'] = async (place) => {
  const { report, person, trackingCode } = await reportIn(place);
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC',
    'base64',
  );
  const boundary = `----tc${randomUUID()}`;
  const payload = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="phone"\r\n\r\n${person.phone}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`,
    ),
    png,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/portal/reports/${trackingCode}/evidence`,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload,
    remoteAddress: nextIp(),
  });
  if (res.statusCode >= 300) throw new Error(`evidence upload: ${res.statusCode} ${res.body}`);
  return { req: { method: 'GET', url: `/api/reports/${report.id}/evidence` } };
};

async function send(req: Req, as: string | null) {
  const res = await t.call(req.method as 'GET', req.url, {
    as: as ?? undefined,
    body: req.body,
    headers: req.headers,
    ip: nextIp(),
  });
  return { status: res.status, body: res.body, text: res.raw.body };
}

const staffRoutes = () => t.app.routeTable.filter((r) => r.access.roles !== 'public');
const key = (r: { method: string; url: string }) => `${r.method} ${r.url}`;

describe('the authorisation matrix (every route × every role × inside/outside scope)', () => {
  it('every /api route declares a known scope rule, and every staff route has a fixture here', () => {
    const routes = t.app.routeTable;
    expect(routes.length).toBeGreaterThan(60);
    for (const r of routes) expect(Object.keys(SCOPE_RULES), key(r)).toContain(r.access.scope);
    const missing = staffRoutes()
      .map(key)
      .filter((k) => !FIXTURES[k]);
    expect(missing, 'staff routes without a fixture in access.matrix.test.ts').toEqual([]);
  });

  it('no session → 401 before any validation, whatever the body', async () => {
    for (const r of staffRoutes()) {
      const url = r.url.replace(/:(\w+)/g, 'x\u0000');
      const res = await send({ method: r.method, url: `${url}?limit=abc`, body: { junk: ['\ud800'] } }, null);
      expect(res.status, key(r)).toBe(401);
      if (r.url.startsWith('/fhir/'))
        expect(res.body.issue?.[0]?.details?.coding?.[0]?.code, key(r)).toBe('unauthenticated');
      else expect(res.body.error, key(r)).toEqual({ code: 'unauthenticated', message: expect.any(String) });
    }
  });

  for (const user of USERS) {
    it(`${user.username} (${user.role}): inside succeeds, outside is refused, other roles get 403`, async () => {
      for (const route of staffRoutes()) {
        const access: RouteAccess = route.access;
        const allowed = access.roles !== 'public' && access.roles.includes(user.role);
        const fixture = FIXTURES[key(route)];
        if (!fixture) continue;
        const homes: Place[] = user.home === 'both' ? ['HN', 'DT'] : [user.home];
        if (!allowed) {
          const { req } = await fixture(homes[0]!, user);
          const res = await send(req, user.username);
          expect(res.status, `${key(route)} as ${user.username}: ${res.text}`).toBe(403);
          continue;
        }
        for (const place of homes) {
          const { req, shows } = await fixture(place, user);
          const res = await send(req, user.username);
          const label = `inside: ${key(route)} as ${user.username} (${place}): ${res.text.slice(0, 300)}`;
          expect(res.status, label).toBeLessThan(300);
          // The marker is found inside: so its absence outside means something.
          if (shows) expect(shows(res.body, res.text), label).toBe(true);
        }
        if (user.home === 'both' || UNSCOPED.includes(access.scope)) continue;
        const outside = other(user.home);
        const built = await fixture(outside, user);
        const res = await send(built.req, user.username);
        const label = `outside: ${key(route)} as ${user.username} (${outside}): ${res.status} ${res.text.slice(0, 300)}`;
        if (OUTSIDE_ALLOWED[access.scope]?.includes(user.role)) {
          expect(res.status, label).toBeLessThan(300);
        } else if (built.shows) {
          // A list: answered for the caller's own units, without the other place's object.
          expect(res.status, label).toBeLessThan(500);
          if (res.status < 300) expect(built.shows(res.body, res.text), label).toBe(false);
        } else if (built.unmarked) {
          expect(res.status, label).toBeLessThan(500);
        } else {
          expect(res.status, label).toBeGreaterThanOrEqual(400);
          expect(res.status, label).toBeLessThan(500);
        }
        const mixed = MIXED[key(route)];
        if (mixed) {
          const m = await send((await mixed(user.home, user)).req, user.username);
          const mixedLabel = `mixed: ${key(route)} as ${user.username}: ${m.status} ${m.text.slice(0, 300)}`;
          expect(m.status, mixedLabel).toBeGreaterThanOrEqual(400);
          expect(m.status, mixedLabel).toBeLessThan(500);
        }
      }
    }, 300_000);
  }
});
