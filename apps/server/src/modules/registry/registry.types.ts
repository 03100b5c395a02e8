/**
 * The national population database (Cơ sở dữ liệu quốc gia về dân cư), as the platform needs it:
 * "does this ID number belong to a citizen with this name, date of birth and sex?". Its real API
 * is not public; the platform talks to it through this interface, implemented by an HTTP client
 * (`registry.client.ts`) against either the real service or the project's simulator.
 */
export interface IdentityQuery {
  readonly idNumber: string;
  readonly fullName: string;
  readonly dateOfBirth: string;
  readonly gender: 'male' | 'female';
}

export type MismatchField = 'fullName' | 'dateOfBirth' | 'gender';

export type VerificationOutcome =
  | { readonly status: 'verified' }
  | { readonly status: 'mismatch'; readonly fields: readonly MismatchField[] }
  | { readonly status: 'not_found' }
  /** The registry could not be reached or did not answer in time; the site may proceed, flagged. */
  | { readonly status: 'unavailable'; readonly reason: string };

export interface PopulationRegistry {
  /** Where verifications come from, recorded on the person (e.g. `registry-sim`, `registry:https://…`). */
  readonly source: string;
  verify(query: IdentityQuery): Promise<VerificationOutcome>;
}
