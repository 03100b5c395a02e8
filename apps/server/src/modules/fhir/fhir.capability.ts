import { PLATFORM_URI } from './fhir.codes.js';
import { FHIR_VERSION, type Resource } from './fhir.resources.js';
import { DEFAULT_COUNT, MAX_COUNT } from './fhir.search.js';

/** When this statement last changed (bump it with the API). */
const STATEMENT_DATE = '2026-12-02';

const read = { code: 'read' } as const;
const searchType = { code: 'search-type' } as const;

/**
 * `GET /fhir/metadata`: what this FHIR server does — read-only Patient, Immunization and
 * Organization, their searches, the `$ddcc` operation, JSON only, staff bearer tokens.
 */
export function capabilityStatement(base: string): Resource {
  return {
    resourceType: 'CapabilityStatement',
    url: `${base}/metadata`,
    version: '0.1.0',
    name: 'TiemChungFhirServer',
    title: 'Tiêm chủng — FHIR R4 read API',
    status: 'active',
    experimental: false,
    date: STATEMENT_DATE,
    publisher: 'Tiêm chủng',
    description:
      'Read-only FHIR R4 access to the national COVID-19 vaccination records: people (Patient), doses ' +
      '(Immunization), vaccination facilities (Organization) and the WHO DDCC:VS data set of a person.',
    kind: 'instance',
    software: { name: 'Tiêm chủng', version: '0.1.0' },
    implementation: { description: 'Tiêm chủng FHIR R4 read API', url: base },
    fhirVersion: FHIR_VERSION,
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation:
          `Staff only: send the bearer token of POST /api/auth/login (Authorization: Bearer …). Searches are paged ` +
          `by _count (default ${DEFAULT_COUNT}, at most ${MAX_COUNT}) and _offset; every read of a person's data is ` +
          'audited. Errors are OperationOutcome resources. Unknown parameters are refused (400) unless the ' +
          'request says Prefer: handling=lenient.',
        security: {
          cors: false,
          description:
            'A staff session: the bearer token of POST /api/auth/login. A person outside the caller’s units answers 403.',
        },
        resource: [
          {
            type: 'Patient',
            interaction: [read, searchType],
            searchParam: [
              {
                name: 'identifier',
                type: 'token',
                documentation:
                  'An ID number: system|value with the CCCD, CMND or passport system (docs/fhir.md), or the bare number.',
              },
              { name: '_id', type: 'token', documentation: 'The record’s id.' },
            ],
            operation: [
              {
                name: 'ddcc',
                definition: `${PLATFORM_URI}/OperationDefinition/Patient-ddcc`,
                documentation:
                  'GET Patient/{id}/$ddcc: the WHO DDCC:VS core data set of the person’s certificate (latest dose) as a document Bundle.',
              },
            ],
          },
          {
            type: 'Immunization',
            interaction: [read, searchType],
            searchParam: [
              { name: 'patient', type: 'reference', documentation: 'Required: Patient/{id}.' },
              { name: 'date', type: 'date', documentation: 'The day of the dose: eq, ne, gt, lt, ge, le, sa, eb.' },
              { name: 'status', type: 'token', documentation: 'completed or entered-in-error.' },
            ],
          },
          { type: 'Organization', interaction: [read] },
        ],
      },
    ],
  };
}
