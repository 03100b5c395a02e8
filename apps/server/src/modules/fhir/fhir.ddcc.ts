import { randomUUID } from 'node:crypto';
import { DEFAULT_DCC_ISSUER, type NextDose, vaccineByCode, vaccineDisplayName } from '@tiemchung/core';
import type { DoseRow, PersonRow } from '../../db/schema.js';
import {
  holderCoding,
  ID_SYSTEMS,
  icd11BrandCoding,
  icd11TypeCoding,
  productCoding,
  SYSTEMS,
  TARGET_DISEASE,
} from './fhir.codes.js';
import { patientResource, protocolOf, type Resource, type UnitNames } from './fhir.resources.js';

/**
 * The WHO DDCC:VS core data set (Digital Documentation of COVID-19 Certificates: Vaccination
 * Status, WHO implementation guide `http://smart.who.int/ddcc`, FHIR 4.0.1) of one person as a FHIR
 * document Bundle (profile DDCCVSDocument): the Composition, the Patient, the issuing public health
 * authority (the Ministry of Health), the vaccination event of the person's certificate — their
 * latest dose — and, when a next dose is due, the recommendation. Pure: built from what the
 * services read.
 */

export const DDCC_CANONICAL = 'http://smart.who.int/ddcc';
const profile = (name: string) => `${DDCC_CANONICAL}/StructureDefinition/${name}`;

/** The issuer's fullUrl in every DDCC document: one constant id for the Ministry of Health. */
const ISSUER_URN = 'urn:uuid:6f0b9d52-8c1e-4a57-9a3e-2f4b7d1c0e11';

export interface DdccInput {
  readonly base: string;
  readonly person: PersonRow;
  readonly names: UnitNames;
  /** The vaccination event: the person's latest counted dose. */
  readonly dose: DoseRow;
  readonly seriesLength: number;
  readonly facilityName: string | undefined;
  /** The person's current certificate: its UVCI is the health certificate identifier (HCID). */
  readonly certificate: { readonly ci: string; readonly issuedAt: string; readonly expiresAt: string };
  readonly next: NextDose;
  readonly now: Date;
}

export function ddccDocument(input: DdccInput): Resource {
  const { base, person, dose, certificate } = input;
  const vaccine = vaccineByCode(dose.vaccine_code);
  const patientUrl = `${base}/Patient/${person.id}`;
  const immunizationUrl = `${base}/Immunization/${dose.id}`;
  const compositionUrn = `urn:uuid:${randomUUID()}`;
  const recommendationUrn = `urn:uuid:${randomUUID()}`;
  const due = input.next.due ? input.next : null;

  const patient = patientResource(person, input.names);
  const issuer: Resource = {
    resourceType: 'Organization',
    meta: { profile: [profile('DDCCOrganization')] },
    identifier: [{ system: SYSTEMS.iso3166, value: 'VN' }],
    type: [{ coding: [{ system: SYSTEMS.organizationType, code: 'govt', display: 'Government' }] }],
    name: DEFAULT_DCC_ISSUER,
    address: [{ country: 'VN' }],
  };
  const brand = icd11BrandCoding(dose.vaccine_code) ?? productCoding(dose.vaccine_code, vaccine);
  const immunization: Resource = {
    resourceType: 'Immunization',
    id: dose.id,
    meta: { profile: [profile('DDCCImmunization')] },
    extension: [
      { url: profile('DDCCEventBrand'), valueCoding: brand },
      ...(vaccine ? [{ url: profile('DDCCVaccineMarketAuthorization'), valueCoding: holderCoding(vaccine) }] : []),
      { url: profile('DDCCCountryOfEvent'), valueCode: 'VNM' },
    ],
    status: 'completed',
    vaccineCode: {
      coding: [icd11TypeCoding(vaccine) ?? productCoding(dose.vaccine_code, vaccine)],
      text: vaccine ? vaccineDisplayName(vaccine) : dose.vaccine_code,
    },
    patient: { reference: patientUrl },
    occurrenceDateTime: dose.administered_on,
    location: { display: input.facilityName ?? dose.facility_id },
    ...(vaccine ? { manufacturer: { display: vaccine.manufacturer } } : {}),
    lotNumber: dose.lot_number,
    performer: [
      {
        actor: {
          identifier: { system: ID_SYSTEMS.facility, value: dose.facility_id },
          display: input.facilityName ?? dose.facility_id,
        },
      },
    ],
    protocolApplied: [
      {
        ...protocolOf(dose, input.seriesLength),
        authority: { reference: ISSUER_URN },
        // WHO's ICD-11 first (DDCC), then SNOMED CT (EU DCC).
        targetDisease: [{ coding: [...TARGET_DISEASE].reverse() }],
      },
    ],
  };
  const recommendation: Resource | null = due && {
    resourceType: 'ImmunizationRecommendation',
    meta: { profile: [profile('DDCCImmunizationRecommendation')] },
    patient: { reference: patientUrl },
    date: input.now.toISOString(),
    recommendation: [
      {
        vaccineCode: [
          {
            coding: [
              icd11TypeCoding(due.vaccineCode ? vaccineByCode(due.vaccineCode) : undefined) ?? {
                system: SYSTEMS.icd11,
                code: 'XM68M6',
                display: 'COVID-19 vaccines',
              },
            ],
          },
        ],
        targetDisease: { coding: [...TARGET_DISEASE].reverse() },
        forecastStatus: { coding: [{ system: SYSTEMS.recommendationStatus, code: 'due', display: 'Due' }] },
        dateCriterion: [
          {
            code: { coding: [{ system: SYSTEMS.loinc, code: '30980-7', display: 'Date vaccine due' }] },
            value: due.from,
          },
        ],
        doseNumberPositiveInt: due.doseNumber,
        supportingImmunization: [{ reference: immunizationUrl }],
      },
    ],
  };
  const composition: Resource = {
    resourceType: 'Composition',
    meta: { profile: [profile('DDCCVSComposition')] },
    identifier: { system: ID_SYSTEMS.uvci, value: certificate.ci },
    status: 'final',
    type: { coding: [{ system: SYSTEMS.loinc, code: '82593-5', display: 'Immunization summary report' }] },
    category: [
      {
        coding: [{ system: `${DDCC_CANONICAL}/CodeSystem/DDCCCompositionCategoryCodeSystem`, code: 'ddcc-vs' }],
      },
    ],
    subject: { reference: patientUrl },
    date: certificate.issuedAt,
    author: [{ reference: ISSUER_URN }],
    title: 'Digital Documentation of COVID-19 Certificate (DDCC)',
    attester: [{ mode: 'official', party: { reference: ISSUER_URN } }],
    event: [{ period: { start: certificate.issuedAt, end: certificate.expiresAt } }],
    section: [
      {
        code: { coding: [{ system: SYSTEMS.loinc, code: '11369-6', display: 'History of Immunization Narrative' }] },
        focus: { reference: immunizationUrl },
        entry: [{ reference: immunizationUrl }, ...(recommendation ? [{ reference: recommendationUrn }] : [])],
      },
    ],
  };
  return {
    resourceType: 'Bundle',
    meta: { profile: [profile('DDCCVSDocument')] },
    // One document per issued certificate (a reissue after a correction or a new dose is a new one).
    identifier: { system: ID_SYSTEMS.ddccDocument, value: certificate.ci },
    type: 'document',
    timestamp: input.now.toISOString(),
    // The health certificate identifier (HCID): the certificate's UVCI.
    link: [{ relation: 'publication', url: certificate.ci }],
    entry: [
      { fullUrl: compositionUrn, resource: composition },
      {
        fullUrl: patientUrl,
        resource: { ...patient, meta: { ...(patient.meta as object), profile: [profile('DDCCPatient')] } },
      },
      { fullUrl: ISSUER_URN, resource: issuer },
      { fullUrl: immunizationUrl, resource: immunization },
      ...(recommendation ? [{ fullUrl: recommendationUrn, resource: recommendation }] : []),
    ],
  };
}
