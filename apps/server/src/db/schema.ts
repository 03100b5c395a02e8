import type { RegistrationStatus, RejectionReason, VisitStatus } from '@tiemchung/core';
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/**
 * Every table of the platform, in one place. Modules own their tables (only the owning module's
 * queries touch them); other modules go through that module's service.
 */
export interface DB {
  app_meta: AppMetaTable;
  admin_units: AdminUnitTable;
  admin_unit_mappings: AdminUnitMappingTable;
  facilities: FacilityTable;
  unit_import_jobs: UnitImportJobTable;
  vaccines: VaccineTable;
  users: UserTable;
  sessions: SessionTable;
  login_failures: LoginFailureTable;
  audit_log: AuditLogTable;
  audit_chain: AuditChainTable;
  audit_chain_head: AuditChainHeadTable;
  people: PersonTable;
  duplicate_candidates: DuplicateCandidateTable;
  lots: LotTable;
  lot_movements: LotMovementTable;
  vaccination_sessions: VaccinationSessionTable;
  session_lots: SessionLotTable;
  doses: DoseTable;
  dose_keys: DoseKeyTable;
  visits: VisitTable;
  adverse_events: AdverseEventTable;
  notifications: NotificationTable;
  signing_keys: SigningKeyTable;
  csca_keys: CscaKeyTable;
  certificates: CertificateTable;
  passport_requests: PassportRequestTable;
  passport_refresh: PassportRefreshTable;
  sms_messages: SmsMessageTable;
  rate_counters: RateCounterTable;
  portal_lookups: PortalLookupTable;
  health_book_otps: HealthBookOtpTable;
  health_book_devices: HealthBookDeviceTable;
  health_book_members: HealthBookMemberTable;
  health_book_check_ins: HealthBookCheckInTable;
  trust_anchors: TrustAnchorTable;
  reports: ReportTable;
  registrations: RegistrationTable;
  report_actions: ReportActionTable;
  campaigns: CampaignTable;
  identity_approvals: IdentityApprovalTable;
  import_jobs: ImportJobTable;
  import_file_chunks: ImportFileChunkTable;
  import_rejected_rows: ImportRejectedRowTable;
  import_dry_rows: ImportDryRowTable;
  import_row_keys: ImportRowKeyTable;
  stats_dirty: StatsDirtyTable;
  stats_dirty_reports: StatsDirtyReportTable;
  stats_person_image: StatsPersonImageTable;
  stats_dose_image: StatsDoseImageTable;
  stats_report_image: StatsReportImageTable;
  stats_dose_facts: StatsDoseFactTable;
  stats_dose_totals: StatsDoseTotalTable;
  stats_dose_days: StatsDoseDayTable;
  stats_people_totals: StatsPeopleTotalTable;
  stats_report_totals: StatsReportTotalTable;
  stats_unit_doses: StatsUnitDoseTable;
  stats_unit_people: StatsUnitPeopleTable;
  stats_population_imports: StatsPopulationImportTable;
  stats_population: StatsPopulationTable;
}

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json = ColumnType<unknown, string | undefined, string | undefined>;

export interface AppMetaTable {
  key: string;
  value: string;
  updated_at: Generated<Date>;
}

export interface AdminUnitTable {
  scheme: '2021' | '2025';
  code: string;
  level: 'province' | 'district' | 'commune';
  name: string;
  type: string;
  parent_code: string | null;
  province_code: string;
  district_code: string | null;
  /** Lower-case, diacritic-free name for search. */
  name_key: string;
  valid_from: string;
  valid_to: string | null;
}
export type AdminUnitRow = Selectable<AdminUnitTable>;
export type NewAdminUnit = Insertable<AdminUnitTable>;

export interface AdminUnitMappingTable {
  level: 'province' | 'commune';
  old_code: string;
  new_code: string;
  old_name: string;
  new_name: string;
}

export interface FacilityTable {
  id: string;
  name: string;
  kind: string;
  province_code: string;
  district_code: string | null;
  commune_code: string | null;
  address: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  /** Migration 0012: the last change, who made the facility, and its deactivation. */
  updated_at: Generated<Date>;
  created_by: string | null;
  deactivated_at: Timestamp | null;
  deactivated_by: string | null;
  deactivation_reason: string | null;
  /** Name and address without diacritics, lower case: what the administrators' search compares. */
  search_key: Generated<string>;
}
export type FacilityRow = Selectable<FacilityTable>;

/** An import of the official unit lists started from the administration screen (migration 0012). */
export interface UnitImportJobTable {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  /** `[{ name, kind, status, rows }]`, as the job schema shows them. */
  files: Json;
  error_code: string | null;
  error_params: Json | null;
  created_by: string | null;
  created_at: CreatedAt;
  finished_at: Timestamp | null;
}
export type UnitImportJobRow = Selectable<UnitImportJobTable>;

/** A bulk import of historical doses (issue 16, migration 0017): its state, counters and lease. */
export interface ImportJobTable {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  dry_run: boolean;
  file_name: string;
  file_kind: 'csv' | 'xlsx';
  file_size: ColumnType<number, number, number>;
  /** The facility that imports, and its units (the job is seen within them). */
  facility_id: string;
  province_code: string;
  district_code: string | null;
  commune_code: string | null;
  /** The uploader's user id and name, and their scope when uploading (the rows are checked against it). */
  created_by: string;
  created_by_username: string;
  actor_scope: Json;
  /** The file's header row's cells, once read. */
  header: Json | null;
  total_rows: number | null;
  /** Data rows committed so far: where a runner resumes. */
  position: Generated<number>;
  rows_read: Generated<number>;
  imported: Generated<number>;
  rejected: Generated<number>;
  matched_people: Generated<number>;
  new_people: Generated<number>;
  duplicates_flagged: Generated<number>;
  skipped_already_imported: Generated<number>;
  rejected_by_reason: ColumnType<unknown, string | undefined, string>;
  /** The rejections by reason and by the column at fault: `{code: {column: count}}` (migration 0025). */
  rejected_by_column: ColumnType<unknown, string | undefined, string>;
  cancel_requested: Generated<boolean>;
  lease_owner: string | null;
  lease_until: Timestamp | null;
  error_code: string | null;
  /** A failed job's message in Vietnamese, and (since migration 0025) in English. */
  error_message: string | null;
  error_message_en: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: CreatedAt;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}
export type ImportJobRow = Selectable<ImportJobTable>;

/** A chunk of an uploaded import file, in order of `seq`. */
export interface ImportFileChunkTable {
  job_id: string;
  seq: number;
  data: Uint8Array;
}

/** A row an import refused: the row's number in the file, its cells as written and the reasons. */
export interface ImportRejectedRowTable {
  job_id: string;
  row_number: number;
  cells: Json;
  reasons: Json;
}

/** A dry run's row that a batch accepted, replayed by its later batches for the same person (migration 0026). */
export interface ImportDryRowTable {
  job_id: string;
  row_number: number;
  person_key: string;
  cells: Json;
}

/** The identity of a dose row imported (person + date + vaccine): unique, so nothing is imported twice. */
export interface ImportRowKeyTable {
  key: string;
  job_id: string;
  dose_id: string;
  created_at: CreatedAt;
}

export interface VaccineTable {
  code: string;
  name: string;
  local_name: string;
  manufacturer: string;
  ma: string;
  vp: string;
  platform: string;
  approved_on: string;
  primary_doses: number;
  min_interval_days: number | null;
  recommended_interval_days: number | null;
  doses_per_vial: number;
  active: Generated<boolean>;
}
export type VaccineRow = Selectable<VaccineTable>;

export interface UserTable {
  id: string;
  username: string;
  password_hash: string;
  role: string;
  display_name: string;
  scope_level: 'nation' | 'province' | 'district' | 'commune' | 'facility';
  unit_code: string | null;
  province_code: string | null;
  district_code: string | null;
  commune_code: string | null;
  facility_id: string | null;
  active: Generated<boolean>;
  created_at: CreatedAt;
  updated_at: Timestamp;
  created_by: string | null;
  /** Migration 0010: the password was made or reset by an administrator and must be changed. */
  must_change_password: Generated<boolean>;
  disabled_at: Timestamp | null;
  disabled_by: string | null;
  password_changed_at: Timestamp | null;
  /** The display name without diacritics, lower case (core's nameSearchKey). */
  display_name_key: string;
}
export type UserRow = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;

export interface SessionTable {
  token_hash: string;
  user_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginFailureTable {
  username_key: string;
  failures: number;
  first_failed_at: Timestamp;
  locked_until: Timestamp | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  actor_id: string | null;
  actor_username: string | null;
  actor_role: string | null;
  action: string;
  entity_type: string;
  entity_id: string;
  before: Json | null;
  after: Json | null;
  reason: string | null;
  request_id: string | null;
  ip: string | null;
  /**
   * Migration 0013: the units the entry is tied to (`p:87`, `d:866`, `c:29866`, `f:DT-CL-01`) and
   * the people it is about, written with the entry by `audit_entry_refs()`; NULL on older entries.
   */
  unit_codes: ColumnType<string[] | null, string[] | null | undefined, never>;
  person_ids: ColumnType<string[] | null, string[] | null | undefined, never>;
}
export type AuditLogRow = Selectable<AuditLogTable>;

/** The audit log's hash chain (migration 0009): one link per entry, written by `audit_log_seal()` only. */
export interface AuditChainTable {
  id: number;
  prev_hash: Uint8Array;
  hash: Uint8Array;
}

/** Where sealing of the audit log is (one row, written by `audit_log_seal()` only). */
export interface AuditChainHeadTable {
  one: Generated<boolean>;
  sealed_id: number;
  hash: Uint8Array;
  pending_id: number;
  pending_xid: string;
}

export type VerificationStatus = 'pending' | 'verified' | 'mismatch' | 'not_found' | 'unavailable';

export interface PersonTable {
  id: string;
  full_name: string;
  name_key: string;
  date_of_birth: string;
  gender: 'male' | 'female';
  id_type: 'cccd' | 'cmnd' | 'passport' | null;
  id_number: string | null;
  old_id_number: string | null;
  legacy: Generated<boolean>;
  phone: string | null;
  province_code: string;
  district_code: string | null;
  commune_code: string | null;
  address: string | null;
  nationality: Generated<string>;
  ethnicity: string | null;
  health_insurance_number: string | null;
  occupation: string | null;
  verification_status: Generated<VerificationStatus>;
  verification_fields: Json | null;
  verification_source: string | null;
  verified_at: Timestamp | null;
  recheck_after: Timestamp | null;
  identity_override_by: string | null;
  identity_override_reason: string | null;
  identity_override_at: Timestamp | null;
  merged_into: string | null;
  merged_at: Timestamp | null;
  registered_facility_id: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  created_by: string | null;
  version: Generated<number>;
}
export type PersonRow = Selectable<PersonTable>;
export type NewPerson = Insertable<PersonTable>;
export type PersonUpdate = Updateable<PersonTable>;

export interface DuplicateCandidateTable {
  id: Generated<number>;
  person_a: string;
  person_b: string;
  kind: 'same_name_dob_phone' | 'cmnd_cccd' | 'legacy_match' | 'same_name_dob';
  province_code: string;
  status: Generated<'open' | 'merged' | 'dismissed'>;
  created_at: CreatedAt;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
}

export interface LotTable {
  id: string;
  vaccine_code: string;
  lot_number: string;
  expires_on: string;
  doses_per_vial: number;
  created_at: CreatedAt;
  created_by: string | null;
}
export type LotRow = Selectable<LotTable>;

export interface LotMovementTable {
  id: Generated<number>;
  lot_id: string;
  kind: 'receipt' | 'allocation';
  from_holder: string | null;
  to_holder: string;
  province_code: string;
  doses: number;
  moved_on: string;
  created_at: CreatedAt;
  created_by: string | null;
}

/** A vaccination session (buổi tiêm). */
export interface VaccinationSessionTable {
  id: string;
  facility_id: string;
  province_code: string;
  district_code: string | null;
  session_date: string;
  name: string | null;
  status: Generated<'open' | 'closed'>;
  opened_by: string | null;
  opened_at: CreatedAt;
  closed_by: string | null;
  closed_at: Timestamp | null;
}
export type VaccinationSessionRow = Selectable<VaccinationSessionTable>;

export interface SessionLotTable {
  session_id: string;
  lot_id: string;
  doses_per_vial: number;
  vials_opened: number | null;
}

export type DoseKindColumn = 'primary' | 'additional' | 'booster';
export interface DoseTable {
  id: string;
  person_id: string;
  vaccine_code: string;
  lot_id: string | null;
  lot_number: string;
  administered_on: string;
  facility_id: string;
  province_code: string;
  district_code: string | null;
  dose_number: number;
  dose_kind: DoseKindColumn;
  declared_kind: DoseKindColumn | null;
  session_id: string | null;
  source: 'site' | 'api' | 'import' | 'report_resolution';
  retroactive: Generated<boolean>;
  idempotency_key: string | null;
  fingerprint: string | null;
  override_by: string | null;
  override_reason: string | null;
  overridden: Json | null;
  recorded_by: string | null;
  recorded_at: CreatedAt;
  updated_at: Timestamp;
  duplicate_of: string | null;
}
export type DoseRow = Selectable<DoseTable>;
/**
 * Every Idempotency-Key a dose was recorded with, unique over all people (migration 0023: `doses`
 * is partitioned by person, so its own indexes cannot be); filled by a trigger on `doses`.
 */
export interface DoseKeyTable {
  idempotency_key: string;
  dose_id: string;
}
export type NewDose = Insertable<DoseTable>;

/** The visit statuses of core's session contract (the table's check constraint lists the same). */
export type { VisitStatus };
export interface VisitTable {
  id: string;
  session_id: string;
  person_id: string;
  queue_number: number;
  status: VisitStatus;
  check_in_method: 'list' | 'search' | 'cccd_qr' | 'health_book_qr' | 'registration_qr';
  checked_in_at: Timestamp;
  checked_in_by: string | null;
  screening: Json | null;
  screening_outcome: 'vaccinate' | 'postpone' | 'refer' | null;
  screening_reason: string | null;
  screened_by: string | null;
  screened_at: Timestamp | null;
  dose_id: string | null;
  observation_until: Timestamp | null;
  done_at: Timestamp | null;
  /** Migration 0014: why the person left (status `left`), and the session a visit was handed over to / from. */
  left_reason: string | null;
  handed_over_to: string | null;
  handed_over_from: string | null;
}
export type VisitRow = Selectable<VisitTable>;

export interface AdverseEventTable {
  id: string;
  person_id: string;
  dose_id: string | null;
  visit_id: string | null;
  facility_id: string;
  province_code: string;
  district_code: string | null;
  occurred_at: Timestamp;
  symptoms: Json;
  severity: 'mild' | 'serious';
  action_taken: string;
  reported_by: string | null;
  reported_at: CreatedAt;
}

export interface NotificationTable {
  id: Generated<number>;
  kind: string;
  province_code: string;
  district_code: string | null;
  facility_id: string | null;
  title: string;
  body: Json;
  created_at: CreatedAt;
  read_at: Timestamp | null;
  read_by: string | null;
}

export interface SigningKeyTable {
  kid: string;
  alg: 'ES256';
  public_key_pem: string;
  certificate_pem: string;
  private_key_enc: string;
  created_at: Timestamp;
  retired_at: Timestamp | null;
  trusted_until: Timestamp | null;
  /** The CSCA that certified the key; null for a key made before the CSCA (self-signed). */
  csca_id: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface CscaKeyTable {
  id: string;
  certificate_pem: string;
  private_key_enc: string;
  created_at: Timestamp;
  not_after: Timestamp;
  retired_at: Timestamp | null;
}

export interface CertificateTable {
  id: string;
  ci: string;
  person_id: string;
  status: 'partial' | 'complete' | 'booster';
  content_hash: string;
  payload: Json;
  qr: string;
  kid: string;
  issued_at: Timestamp;
  expires_at: Timestamp;
  superseded_by: string | null;
  superseded_at: Timestamp | null;
  supersede_reason: string | null;
  /** `domestic` (the certificate every vaccinated person has) or `passport` (migration 0021). */
  kind: Generated<'domestic' | 'passport'>;
}
export type CertificateRow = Selectable<CertificateTable>;

export interface PassportRequestTable {
  person_id: string;
  province_code: string;
  district_code: string | null;
  state: 'blocked' | 'ready' | 'confirmed' | 'issued';
  blockers: Json;
  requested_at: Timestamp;
  requested_by: string;
  confirmed_at: Timestamp | null;
  confirmed_by: string | null;
  confirmed_facility_id: string | null;
  signed_at: Timestamp | null;
  signed_by: string | null;
  updated_at: Timestamp;
}
export type PassportRequestRow = Selectable<PassportRequestTable>;

export interface PassportRefreshTable {
  one: Generated<boolean>;
  audit_cursor: ColumnType<string | number, string | number, string | number>;
}

export interface SmsMessageTable {
  id: Generated<number>;
  to_phone: string;
  text: string;
  kind: string;
  status: 'stored' | 'pending' | 'sent' | 'failed';
  attempts: Generated<number>;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Timestamp | null;
}

export interface RateCounterTable {
  key: string;
  window_start: Timestamp;
  count: number;
}

export interface PortalLookupTable {
  id: string;
  person_id: string | null;
  otp_hash: string;
  attempts: Generated<number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  verified_at: Timestamp | null;
  ip: string | null;
}

export interface HealthBookOtpTable {
  id: string;
  purpose: 'sign_in' | 'add_member';
  phone: string;
  device_id: string | null;
  person_id: string | null;
  otp_hash: string;
  attempts: Generated<number>;
  created_at: Timestamp;
  expires_at: Timestamp;
  verified_at: Timestamp | null;
  ip: string | null;
}
export type HealthBookOtpRow = Selectable<HealthBookOtpTable>;

export interface HealthBookDeviceTable {
  id: string;
  phone: string;
  token_hash: string;
  name: string;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}
export type HealthBookDeviceRow = Selectable<HealthBookDeviceTable>;

export interface HealthBookMemberTable {
  phone: string;
  person_id: string;
  added_at: Timestamp | null;
  removed_at: Timestamp | null;
  reminder: Generated<boolean>;
  /** Stored as `date`: read back as 'YYYY-MM-DD' (the database's date parser). */
  reminded_for: string | null;
  updated_at: Timestamp;
}
export type HealthBookMemberRow = Selectable<HealthBookMemberTable>;

export interface HealthBookCheckInTable {
  id: string;
  person_id: string;
  device_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export interface TrustAnchorTable {
  id: string;
  country: string;
  kid: string;
  alg: 'ES256' | 'PS256';
  certificate_pem: string;
  public_key_pem: string;
  key_usage: ColumnType<string[], string, string>;
  fingerprint: string;
  subject: string;
  issuer: string;
  not_before: Timestamp;
  not_after: Timestamp;
  source: 'single' | 'gateway';
  added_by: string;
  added_at: Timestamp;
  removed_at: Timestamp | null;
}
export type TrustAnchorRow = Selectable<TrustAnchorTable>;

export type ReportCategory = 'missing_dose' | 'wrong_dose' | 'wrong_personal_info' | 'other';
export type ReportStatus = 'received' | 'in_progress' | 'resolved';
export interface ReportTable {
  id: string;
  tracking_code: string;
  category: ReportCategory;
  full_name: string;
  date_of_birth: string;
  gender: 'male' | 'female';
  phone: string;
  id_number: string | null;
  description: string;
  dose_date: string | null;
  dose_vaccine_code: string | null;
  dose_facility_id: string | null;
  person_id: string | null;
  assigned_level: 'facility' | 'commune' | 'district' | 'province';
  assigned_code: string;
  province_code: string;
  district_code: string | null;
  commune_code: string | null;
  facility_id: string | null;
  status: Generated<ReportStatus>;
  outcome: 'corrected' | 'rejected' | 'duplicate' | null;
  /** Written only through rejectionReasonOf (core): a stated reason, or `other`. */
  outcome_reason: RejectionReason | null;
  outcome_note: string | null;
  duplicate_of: string | null;
  received_at: Timestamp;
  due_at: Timestamp;
  resolved_at: Timestamp | null;
  resolved_by: string | null;
  handler: string | null;
  escalated_at: Timestamp | null;
  evidence_path: string | null;
  evidence_type: string | null;
  evidence_size: number | null;
  campaign_id: string | null;
  created_ip: string | null;
}
export type ReportRow = Selectable<ReportTable>;

export interface RegistrationTable {
  id: string;
  code: string;
  full_name: string;
  name_key: string;
  date_of_birth: string;
  gender: 'male' | 'female';
  phone: string;
  id_number: string;
  health_insurance_number: string | null;
  occupation: string | null;
  priority_group: string;
  province_code: string;
  district_code: string | null;
  commune_code: string | null;
  ethnicity: string | null;
  nationality: string;
  preferred_date: string | null;
  checklist: Json;
  consent_at: Timestamp;
  otp_hash: string;
  otp_attempts: Generated<number>;
  otp_expires_at: Timestamp;
  status: RegistrationStatus;
  assigned_district_code: string | null;
  assigned_facility_id: string | null;
  invited_for: string | null;
  person_id: string | null;
  created_at: Timestamp;
  confirmed_at: Timestamp | null;
}
export type RegistrationRow = Selectable<RegistrationTable>;

export interface ReportActionTable {
  id: Generated<number>;
  report_id: string;
  action: string;
  entity_type: string | null;
  entity_id: string | null;
  detail: Json | null;
  actor: string | null;
  at: CreatedAt;
}

export interface CampaignTable {
  id: string;
  name: string;
  province_code: string | null;
  receive_from: Timestamp;
  receive_to: Timestamp;
  deadline: Timestamp;
  created_by: string | null;
  created_at: CreatedAt;
}
export type CampaignRow = Selectable<CampaignTable>;

/** A desk's request that a supervisor approve a person the population database does not confirm (migration 0011). */
export interface IdentityApprovalTable {
  id: string;
  person_id: string;
  visit_id: string | null;
  session_id: string | null;
  facility_id: string | null;
  province_code: string;
  district_code: string | null;
  person_province_code: string;
  person_district_code: string | null;
  person_commune_code: string | null;
  status: Generated<'pending' | 'approved' | 'refused'>;
  reason: string;
  snapshot: Json;
  requested_by: string;
  requested_by_name: string;
  requested_at: CreatedAt;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: Timestamp | null;
  decision_reason: string | null;
}
export type IdentityApprovalRow = Selectable<IdentityApprovalTable>;

// Statistics (migration 0015, the stats module). Counts are bigint: read as number | string.
type Count = ColumnType<string | number, number, number>;

export interface StatsDirtyTable {
  person_id: string;
  marked_at: Generated<Date>;
}
export interface StatsDirtyReportTable {
  report_id: string;
  marked_at: Generated<Date>;
}
export interface StatsPersonImageTable {
  person_id: string;
  province_code: string;
  district_code: string | null;
  commune_code: string | null;
  province_2025: string | null;
  commune_2025: string | null;
  facility_id: string | null;
  sex: string;
  birth_year: number;
  status: string;
  priority_group: string;
}
export interface StatsDoseImageTable {
  dose_id: string;
  person_id: string;
  day: string;
  facility_id: string;
  province_code: string;
  district_code: string | null;
  commune_code: string | null;
  province_2025: string | null;
  commune_2025: string | null;
  vaccine_code: string;
  dose_number: number;
  dose_kind: string;
  sex: string;
  age_band: string;
}
export interface StatsReportImageTable {
  report_id: string;
  day: string;
  province_code: string;
  district_code: string | null;
  commune_code: string | null;
  facility_id: string | null;
  province_2025: string | null;
  commune_2025: string | null;
  state: 'open' | 'resolved';
  due_at: Timestamp;
  on_time: boolean;
  resolve_hours: number;
}
export interface StatsDoseFactTable {
  day: string;
  facility_id: string;
  vaccine_code: string;
  dose_number: number;
  dose_kind: string;
  sex: string;
  age_band: string;
  n: Count;
}
interface StatsUnitKey {
  level: string;
  unit_code: string;
  parent_code: string;
  parent_2025: string;
}
export interface StatsDoseTotalTable extends StatsUnitKey {
  vaccine_code: string;
  dose_number: number;
  dose_kind: string;
  sex: string;
  age_band: string;
  n: Count;
}
export interface StatsDoseDayTable extends StatsUnitKey {
  day: string;
  dose_number: number;
  n: Count;
}
export interface StatsPeopleTotalTable extends StatsUnitKey {
  sex: string;
  birth_year: number;
  status: string;
  priority_group: string;
  n: Count;
}
/** Doses by unit and dose number (the drill-down's narrow read). */
export interface StatsUnitDoseTable extends StatsUnitKey {
  dose_number: number;
  n: Count;
}
/** People by unit and status (the drill-down's narrow read). */
export interface StatsUnitPeopleTable extends StatsUnitKey {
  status: string;
  n: Count;
}
export interface StatsReportTotalTable extends StatsUnitKey {
  day: string;
  state: string;
  due_at: Timestamp;
  on_time: boolean;
  resolve_hours: number;
  n: Count;
}
export interface StatsPopulationImportTable {
  id: string;
  source: string;
  year: number;
  rows: number;
  active: Generated<boolean>;
  imported_at: Generated<Date>;
  imported_by: string | null;
}
export interface StatsPopulationTable {
  import_id: string;
  level: string;
  unit_code: string;
  sex: string;
  age_band: string;
  n: Count;
}
