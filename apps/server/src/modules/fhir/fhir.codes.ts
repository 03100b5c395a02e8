import { TG_COVID19, type Vaccine, type VaccinePlatform, vaccineByCode, vaccineDisplayName } from '@tiemchung/core';

/**
 * The names the FHIR API gives to the platform's identifiers and codes (docs/fhir.md). The
 * platform's own URIs are identifiers, stable once published: they need not resolve.
 */
export const PLATFORM_URI = 'https://tiemchung.gov.vn/fhir';

/** Identifier systems (`Identifier.system`, and the `system|` of the `identifier` search). */
export const ID_SYSTEMS = {
  /** Căn cước công dân: the 12-digit citizen identity card number. */
  cccd: `${PLATFORM_URI}/sid/cccd`,
  /** Chứng minh nhân dân: the 9-digit identity card number it replaces. */
  cmnd: `${PLATFORM_URI}/sid/cmnd`,
  /** A passport number (foreign nationals); the issuing country is the person's nationality. */
  passport: `${PLATFORM_URI}/sid/passport`,
  /** Bảo hiểm y tế: the health insurance card number. */
  bhyt: `${PLATFORM_URI}/sid/bhyt`,
  /** A vaccination facility's id on the platform. */
  facility: `${PLATFORM_URI}/sid/facility`,
  /** A certificate's unique vaccination certificate identifier (UVCI, the EU DCC `ci`). */
  uvci: `${PLATFORM_URI}/sid/uvci`,
  /** A DDCC:VS document: the UVCI of the certificate it documents. */
  ddccDocument: `${PLATFORM_URI}/sid/ddcc-document`,
} as const;

/** The ID types a Patient identifier can carry, by system. */
export const ID_TYPE_OF_SYSTEM: ReadonlyMap<string, 'cccd' | 'cmnd' | 'passport'> = new Map([
  [ID_SYSTEMS.cccd, 'cccd'],
  [ID_SYSTEMS.cmnd, 'cmnd'],
  [ID_SYSTEMS.passport, 'passport'],
]);

/** The platform's error codes, as `OperationOutcome.issue.details.coding`. */
export const ERROR_CODE_SYSTEM = `${PLATFORM_URI}/CodeSystem/error`;

export const SYSTEMS = {
  snomed: 'http://snomed.info/sct',
  icd11: 'http://id.who.int/icd11/mms',
  atc: 'http://www.whocc.no/atc',
  loinc: 'http://loinc.org',
  /** EU DCC `mp` of a product authorised in the EU (the Union Register of medicinal products). */
  euProduct: 'https://ec.europa.eu/health/documents/community-register/html/',
  /** EU DCC `mp` of a product not authorised in the EU (the DCC value set's temporary system). */
  euProductOther: 'http://ec.europa.eu/temp/vaccineproductname',
  /** EU DCC `ma`: EMA's organisation list (ORG-…). */
  euOrganisation: 'https://spor.ema.europa.eu/v1/organisations',
  /** EU DCC `ma` of a holder not in EMA's list. */
  euOrganisationOther: 'http://ec.europa.eu/temp/vaccinemanufacturer',
  iso3166: 'urn:iso:std:iso:3166',
  performerFunction: 'http://terminology.hl7.org/CodeSystem/v2-0443',
  organizationType: 'http://terminology.hl7.org/CodeSystem/organization-type',
  recommendationStatus: 'http://terminology.hl7.org/CodeSystem/immunization-recommendation-status',
} as const;

export interface Coding {
  readonly system: string;
  readonly code: string;
  readonly display?: string;
}

/** SNOMED CT vaccine types of the catalogue (EU DCC `vp`), with the DCC value set's words. */
const VACCINE_TYPES: Readonly<Record<string, string>> = {
  '1119349007': 'SARS-CoV-2 mRNA vaccine',
  '1119305005': 'SARS-CoV-2 antigen vaccine',
  '29061000087103': 'COVID-19 non-replicating viral vector vaccine',
  '1157024006': 'Inactivated whole SARS-CoV-2 antigen vaccine',
  '28531000087107': 'COVID-19 vaccine',
};

/** WHO ICD-11 MMS: the vaccine type of each platform (WHO DDCC value set WHODDCCVaccinesCOVID19). */
const ICD11_TYPES: Readonly<Record<VaccinePlatform, Coding>> = {
  mrna: { system: SYSTEMS.icd11, code: 'XM0GQ8', display: 'COVID-19 vaccine, RNA based' },
  viral_vector: { system: SYSTEMS.icd11, code: 'XM9QW8', display: 'COVID-19 vaccine, non-replicating viral vector' },
  inactivated: { system: SYSTEMS.icd11, code: 'XM1NL1', display: 'COVID-19 vaccine, inactivated virus' },
  protein_subunit: { system: SYSTEMS.icd11, code: 'XM5JC5', display: 'COVID-19 vaccine, virus protein subunit' },
};

/** WHO ICD-11 MMS brand codes of the catalogue's products (WHO DDCC map EU DCC → ICD-11); Abdala has none. */
const ICD11_BRANDS: Readonly<Record<string, Coding>> = {
  'EU/1/20/1528': { system: SYSTEMS.icd11, code: 'XM8NQ0', display: 'Comirnaty®' },
  'EU/1/20/1507': { system: SYSTEMS.icd11, code: 'XM3DT5', display: 'COVID-19 Vaccine Moderna' },
  'EU/1/21/1529': { system: SYSTEMS.icd11, code: 'XM4YL8', display: 'COVID-19 Vaccine AstraZeneca' },
  'EU/1/20/1525': { system: SYSTEMS.icd11, code: 'XM6QV1', display: 'COVID-19 Vaccine Janssen' },
  'Sputnik-V': { system: SYSTEMS.icd11, code: 'XM5ZJ4', display: 'Gam-Covid-Vac' },
  'BBIBP-CorV': { system: SYSTEMS.icd11, code: 'XM8866', display: 'BBIBP-CorV' },
  'Hayat-Vax': { system: SYSTEMS.icd11, code: 'XM9FQ7', display: 'Hayat-Vax' },
};

/** WHO ATC: COVID-19 vaccines (the code of 2021–2022, as in the EU DCC value set `vp`). */
const ATC_COVID19: Coding = { system: SYSTEMS.atc, code: 'J07BX03', display: 'covid-19 vaccines' };

/** The disease targeted: COVID-19 in SNOMED CT (EU DCC `tg`) and ICD-11 (WHO DDCC). */
export const TARGET_DISEASE: readonly Coding[] = [
  { system: SYSTEMS.snomed, code: TG_COVID19, display: 'COVID-19' },
  { system: SYSTEMS.icd11, code: 'RA01', display: 'COVID-19' },
];

/** The product as the EU DCC names it (`mp`): the Union Register's system for EU products. */
export function productCoding(code: string, vaccine: Vaccine | undefined): Coding {
  return {
    system: code.startsWith('EU/') ? SYSTEMS.euProduct : SYSTEMS.euProductOther,
    code,
    ...(vaccine ? { display: vaccine.name } : {}),
  };
}

/** The marketing-authorisation holder as the EU DCC names it (`ma`). */
export function holderCoding(vaccine: Vaccine): Coding {
  return {
    system: vaccine.ma.startsWith('ORG-') ? SYSTEMS.euOrganisation : SYSTEMS.euOrganisationOther,
    code: vaccine.ma,
    display: vaccine.manufacturer,
  };
}

/** The ICD-11 code of the vaccine's type (the WHO DDCC's `vaccineCode`), when the platform is known. */
export function icd11TypeCoding(vaccine: Vaccine | undefined): Coding | undefined {
  return vaccine ? ICD11_TYPES[vaccine.platform] : undefined;
}

/** The ICD-11 brand code of the product, where WHO lists one. */
export function icd11BrandCoding(code: string): Coding | undefined {
  return ICD11_BRANDS[code];
}

/**
 * `Immunization.vaccineCode`: the EU DCC product code, then the WHO ICD-11 brand where listed, the
 * SNOMED CT vaccine type (`vp`) and the WHO ATC class; the text is the name staff use.
 */
export function vaccineCodeConcept(code: string): { coding: Coding[]; text: string } {
  const vaccine = vaccineByCode(code);
  const coding: Coding[] = [productCoding(code, vaccine)];
  const brand = icd11BrandCoding(code);
  if (brand) coding.push(brand);
  if (vaccine) {
    const type = VACCINE_TYPES[vaccine.vp];
    coding.push({ system: SYSTEMS.snomed, code: vaccine.vp, ...(type ? { display: type } : {}) });
    coding.push(ATC_COVID19);
  }
  return { coding, text: vaccine ? vaccineDisplayName(vaccine) : code };
}
