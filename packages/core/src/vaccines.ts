import type { Localized } from './i18n.js';

/** How the vaccine works; the ministry's mixing rules are stated per platform and product. */
export type VaccinePlatform = 'viral_vector' | 'mrna' | 'inactivated' | 'protein_subunit';

/** A COVID-19 vaccine used in Vietnam (SPEC: Vaccines used in Vietnam). */
export interface Vaccine {
  /** EU DCC medicinal product code (`mp`), used as the vaccine code everywhere (api-contract.md). */
  readonly code: string;
  /** Commercial / common name. */
  readonly name: string;
  /** The name Vietnamese staff use at the desk. */
  readonly localName: string;
  readonly manufacturer: string;
  /** EU DCC marketing-authorisation holder / manufacturer code (`ma`). */
  readonly ma: string;
  /** EU DCC vaccine or prophylaxis type (`vp`), SNOMED CT. */
  readonly vp: string;
  readonly platform: VaccinePlatform;
  /** Date the Ministry of Health approved it for use in Vietnam; no dose may be dated earlier. */
  readonly approvedOn: string;
  /** Doses in the primary series. */
  readonly primaryDoses: number;
  /** Minimum days between consecutive primary doses (null for single-dose vaccines). */
  readonly minIntervalDays: number | null;
  /** Recommended days between primary doses, when the guidance gives a longer one. */
  readonly recommendedIntervalDays: number | null;
  /** Doses in one vial of the usual presentation (lots may say otherwise). */
  readonly dosesPerVial: number;
  /** Where the interval or other figure comes only from the manufacturer, not a Vietnamese letter. */
  readonly note?: Localized;
  /** Ages (whole years on the day of the dose) the vaccine is approved for, where stated (SPEC). */
  readonly ageRange?: { readonly min: number; readonly max: number };
}

const MANUFACTURER_SOURCE: Localized = {
  vi: 'Khoảng cách theo khuyến cáo của nhà sản xuất.',
  en: 'Interval as recommended by the manufacturer.',
};

/**
 * The catalogue. Approval dates from the Ministry of Health; intervals as used in 2021
 * (letters 6030/BYT-DP of 27 Jul 2021 and 7548/BYT-DP of 10 Sep 2021).
 */
export const VACCINES: readonly Vaccine[] = Object.freeze([
  {
    code: 'EU/1/21/1529',
    name: 'Vaxzevria',
    localName: 'AstraZeneca',
    manufacturer: 'AstraZeneca AB',
    ma: 'ORG-100001699',
    vp: '29061000087103',
    platform: 'viral_vector',
    approvedOn: '2021-02-01',
    primaryDoses: 2,
    // 8–12 weeks recommended; at least 4 weeks allowed where there is an outbreak.
    minIntervalDays: 28,
    recommendedIntervalDays: 56,
    dosesPerVial: 10,
  },
  {
    code: 'Sputnik-V',
    name: 'Sputnik V',
    localName: 'Sputnik V',
    manufacturer: 'Gamaleya Research Institute',
    ma: 'Gamaleya-Research-Institute',
    vp: '29061000087103',
    platform: 'viral_vector',
    approvedOn: '2021-03-23',
    primaryDoses: 2,
    minIntervalDays: 21,
    recommendedIntervalDays: null,
    dosesPerVial: 5,
    note: MANUFACTURER_SOURCE,
  },
  {
    code: 'BBIBP-CorV',
    name: 'BBIBP-CorV (Vero Cell)',
    localName: 'Vero Cell',
    manufacturer: 'Beijing Institute of Biological Products (Sinopharm)',
    ma: 'ORG-100020693',
    vp: '1157024006',
    platform: 'inactivated',
    approvedOn: '2021-06-03',
    primaryDoses: 2,
    minIntervalDays: 21,
    recommendedIntervalDays: 28,
    dosesPerVial: 1,
    note: MANUFACTURER_SOURCE,
  },
  {
    code: 'EU/1/20/1528',
    name: 'Comirnaty',
    localName: 'Pfizer',
    manufacturer: 'BioNTech Manufacturing GmbH / Pfizer',
    ma: 'ORG-100030215',
    vp: '1119349007',
    platform: 'mrna',
    approvedOn: '2021-06-12',
    primaryDoses: 2,
    minIntervalDays: 21,
    recommendedIntervalDays: null,
    dosesPerVial: 6,
    note: MANUFACTURER_SOURCE,
  },
  {
    code: 'EU/1/20/1507',
    name: 'Spikevax',
    localName: 'Moderna',
    manufacturer: 'Moderna Biotech Spain',
    ma: 'ORG-100031184',
    vp: '1119349007',
    platform: 'mrna',
    approvedOn: '2021-06-28',
    primaryDoses: 2,
    minIntervalDays: 28,
    recommendedIntervalDays: null,
    dosesPerVial: 10,
    note: MANUFACTURER_SOURCE,
  },
  {
    code: 'EU/1/20/1525',
    name: 'Jcovden (Janssen)',
    localName: 'Janssen',
    manufacturer: 'Janssen-Cilag International',
    ma: 'ORG-100001417',
    vp: '29061000087103',
    platform: 'viral_vector',
    approvedOn: '2021-07-15',
    primaryDoses: 1,
    minIntervalDays: null,
    recommendedIntervalDays: null,
    dosesPerVial: 5,
  },
  {
    code: 'Hayat-Vax',
    name: 'Hayat-Vax',
    localName: 'Hayat-Vax',
    manufacturer: 'Gulf Pharmaceutical Industries (Julphar)',
    ma: 'ORG-100023050',
    vp: '1157024006',
    platform: 'inactivated',
    approvedOn: '2021-09-10',
    primaryDoses: 2,
    minIntervalDays: 21,
    recommendedIntervalDays: 28,
    dosesPerVial: 1,
  },
  {
    code: 'Abdala',
    name: 'Abdala',
    localName: 'Abdala',
    manufacturer: 'CIGB (Center for Genetic Engineering and Biotechnology)',
    ma: 'CIGB',
    vp: '28531000087107',
    platform: 'protein_subunit',
    approvedOn: '2021-09-17',
    primaryDoses: 3,
    minIntervalDays: 14,
    recommendedIntervalDays: null,
    dosesPerVial: 10,
    ageRange: { min: 19, max: 65 },
  },
]);

const byCode = new Map(VACCINES.map((v) => [v.code, v]));

/**
 * The day the first COVID-19 vaccine of the catalogue was approved in Vietnam: nothing of the
 * campaign (a session, a lot received) can be dated before it.
 */
export const FIRST_VACCINE_APPROVAL: string = VACCINES.map((v) => v.approvedOn).sort()[0]!;

/** The vaccine with this code, or undefined. */
export function vaccineByCode(code: string): Vaccine | undefined {
  return byCode.get(code);
}

/**
 * How a vaccine is named on screens and certificates: the name staff use, then the product —
 * "Pfizer (Comirnaty)" — but once when one holds the other: "Sputnik V", "BBIBP-CorV (Vero Cell)".
 */
export function vaccineDisplayName(vaccine: Pick<Vaccine, 'name' | 'localName'>): string {
  return vaccine.name.includes(vaccine.localName) ? vaccine.name : `${vaccine.localName} (${vaccine.name})`;
}

/** EU DCC disease or agent targeted (`tg`): COVID-19. */
export const TG_COVID19 = '840539006';
