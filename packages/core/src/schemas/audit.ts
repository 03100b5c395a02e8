import { z } from 'zod';
import type { Lang, Localized } from '../i18n.js';
import { isoDateTimeSchema, unitCodeSchema } from './common.js';

/**
 * The audit log, read by administrators (`GET /api/audit`, `/api/audit/export.csv`,
 * `/api/audit/export.xlsx`; api.md: Audit log). Every read and change of a person or a dose, and
 * every administrative change, is an entry; reading the log is an entry too.
 */

/** The filters of the log and of its exports. */
export const auditFilterSchema = z.object({
  /** Entries about this person: their record, and their doses, visits, reports… */
  personId: z.string().trim().min(1).max(64).optional(),
  /** Entries by this staff member: their username (or their account's id). */
  actor: z.string().trim().min(1).max(64).optional(),
  /** Entries tied to this unit (a province, district or commune code). */
  unitCode: unitCodeSchema.optional(),
  /** Entries tied to this vaccination facility. */
  facilityId: z.string().trim().min(1).max(40).optional(),
  /** One action, e.g. `person.read` (see AUDIT_ACTIONS). */
  action: z
    .string()
    .trim()
    .max(64)
    .regex(/^[a-z_]+\.[a-z_]+$/)
    .optional(),
  /** From this instant (included). */
  from: isoDateTimeSchema.optional(),
  /** Up to this instant (excluded). */
  to: isoDateTimeSchema.optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

/** `GET /api/audit`: the filters, and a page of the log, newest first. */
export const auditQuerySchema = auditFilterSchema.extend({
  /** The page after the one that answered `nextCursor`: entries older than it. */
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type AuditQuery = z.input<typeof auditQuerySchema>;

/** One entry of the log. */
export const auditEntrySchema = z.object({
  /** The entry's number in the log (its place in the hash chain). */
  id: z.number(),
  at: z.string(),
  actor: z.object({
    id: z.string().nullable(),
    /** Username; `system:<job>` for the platform's own jobs; `public:…` for the portal's visitors. */
    username: z.string().nullable(),
    role: z.string().nullable(),
  }),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  reason: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  /** The units the entry is tied to: `p:87`, `d:866`, `c:29866`, `f:DT-CL-01` (null: written before they were recorded). */
  unitCodes: z.array(z.string()).nullable(),
  /** The people the entry is about. */
  personIds: z.array(z.string()).nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
});
export type AuditEntryView = z.infer<typeof auditEntrySchema>;

/** A page of the log: `nextCursor` asks for the next one (null: no more). */
export const auditPageSchema = z.object({
  items: z.array(auditEntrySchema),
  nextCursor: z.number().nullable(),
});
export type AuditPage = z.infer<typeof auditPageSchema>;

/** What the log's actions mean, in words (an action not listed shows as its code). */
export const AUDIT_ACTIONS: Readonly<Record<string, Localized>> = {
  'person.create': { vi: 'Tạo hồ sơ người được tiêm', en: 'Created a person’s record' },
  'person.read': { vi: 'Xem hồ sơ', en: 'Viewed the record' },
  'person.lookup': { vi: 'Tra cứu theo số giấy tờ', en: 'Looked up by ID number' },
  'person.update': { vi: 'Sửa thông tin hồ sơ', en: 'Changed the record' },
  'person.verify': { vi: 'Xác thực danh tính', en: 'Checked the identity' },
  'person.identity_override': { vi: 'Cho phép tiêm khi danh tính chưa khớp', en: 'Allowed despite the identity' },
  'person.merge': { vi: 'Gộp hồ sơ trùng vào hồ sơ này', en: 'Merged a duplicate into this record' },
  'person.merged_into': { vi: 'Hồ sơ được gộp vào hồ sơ khác', en: 'Merged into another record' },
  'duplicate.dismiss': { vi: 'Xác nhận không trùng', en: 'Dismissed as not a duplicate' },
  'duplicate.list': { vi: 'Xem hồ sơ trong danh sách nghi trùng', en: 'Viewed the record among likely duplicates' },
  'dose.create': { vi: 'Ghi mũi tiêm', en: 'Recorded a dose' },
  'dose.create_override': { vi: 'Ghi mũi tiêm (vượt quy tắc, có lý do)', en: 'Recorded a dose (rule overridden)' },
  'dose.correct': { vi: 'Sửa mũi tiêm', en: 'Corrected a dose' },
  'dose.list_of_person': { vi: 'Xem các mũi tiêm của người', en: 'Viewed a person’s doses' },
  'dose.rule_flag': {
    vi: 'Đánh dấu mũi tiêm vượt quy tắc sau khi gộp hồ sơ',
    en: 'Marked a dose as against a rule after a merge',
  },
  'certificate.issue': { vi: 'Cấp chứng nhận', en: 'Issued a certificate' },
  'certificate.reissue': { vi: 'Cấp lại chứng nhận', en: 'Reissued a certificate' },
  'certificate.list': { vi: 'Xem các chứng nhận', en: 'Viewed the certificates' },
  'certificate.withdraw': { vi: 'Thu hồi chứng nhận', en: 'Withdrew a certificate' },
  'passport.confirm': { vi: 'Xác nhận hồ sơ cấp hộ chiếu vắc xin', en: 'Confirmed a record for a vaccine passport' },
  'passport.issue': { vi: 'Cấp hộ chiếu vắc xin', en: 'Issued a vaccine passport' },
  'passport.reissue': { vi: 'Cấp lại hộ chiếu vắc xin', en: 'Reissued a vaccine passport' },
  'passport.withdraw': { vi: 'Thu hồi hộ chiếu vắc xin', en: 'Withdrew a vaccine passport' },
  'passport.sign_batch': { vi: 'Bộ Y tế ký lô hộ chiếu vắc xin', en: 'The ministry signed a batch of passports' },
  'portal.certificate_lookup': { vi: 'Người dân tra cứu chứng nhận', en: 'Citizen looked up a certificate' },
  'portal.certificate_view': { vi: 'Người dân xem chứng nhận', en: 'Citizen viewed a certificate' },
  'portal.otp_failed': { vi: 'Nhập sai mã OTP', en: 'Wrong one-time code' },
  'visit.check_in': { vi: 'Tiếp nhận vào buổi tiêm', en: 'Checked in' },
  'visit.screening': { vi: 'Khám sàng lọc', en: 'Screened' },
  'visit.done': { vi: 'Kết thúc theo dõi sau tiêm', en: 'Visit completed' },
  'visit.left': { vi: 'Rời buổi tiêm', en: 'Left the session' },
  'visit.handover': { vi: 'Chuyển sang buổi tiêm khác', en: 'Handed over to another session' },
  'aefi.create': { vi: 'Ghi phản ứng sau tiêm', en: 'Recorded an adverse event' },
  'session.open': { vi: 'Mở buổi tiêm', en: 'Opened a session' },
  'session.close': { vi: 'Đóng buổi tiêm', en: 'Closed a session' },
  'report.create': { vi: 'Người dân gửi phản ánh', en: 'Citizen filed a report' },
  'report.evidence': { vi: 'Gửi ảnh minh chứng', en: 'Evidence added' },
  'report.claim': { vi: 'Nhận xử lý phản ánh', en: 'Claimed a report' },
  'report.reassign': { vi: 'Chuyển phản ánh', en: 'Reassigned a report' },
  'report.link_person': { vi: 'Gắn phản ánh với hồ sơ', en: 'Linked a report to a record' },
  'report.resolve': { vi: 'Kết thúc xử lý phản ánh', en: 'Resolved a report' },
  'report.escalate': { vi: 'Chuyển cấp trên (quá hạn)', en: 'Escalated (overdue)' },
  'report.list_of_person': { vi: 'Xem phản ánh của người', en: 'Viewed a person’s reports' },
  'campaign.create': { vi: 'Mở đợt rà soát', en: 'Opened a campaign' },
  'registration.create': { vi: 'Đăng ký tiêm', en: 'Registered online' },
  'registration.confirm': { vi: 'Xác nhận đăng ký', en: 'Confirmed a registration' },
  'registration.assign': { vi: 'Phân đăng ký về đơn vị', en: 'Assigned a registration' },
  'registration.invite': { vi: 'Mời tiêm', en: 'Invited to a session' },
  'identity_approval.request': { vi: 'Đề nghị duyệt danh tính', en: 'Asked for identity approval' },
  'identity_approval.approve': { vi: 'Duyệt danh tính', en: 'Approved the identity' },
  'identity_approval.refuse': { vi: 'Từ chối duyệt danh tính', en: 'Refused the identity' },
  'lot.receive': { vi: 'Nhận lô vắc xin', en: 'Received a lot' },
  'lot.allocate': { vi: 'Phân bổ vắc xin', en: 'Allocated doses' },
  'stock.read': { vi: 'Xem tồn kho vắc xin', en: 'Viewed the vaccine stock' },
  'user.create': { vi: 'Tạo tài khoản', en: 'Created an account' },
  'user.update': { vi: 'Sửa tài khoản', en: 'Changed an account' },
  'user.disable': { vi: 'Khoá tài khoản', en: 'Disabled an account' },
  'user.enable': { vi: 'Mở lại tài khoản', en: 'Enabled an account' },
  'user.password_reset': { vi: 'Đặt lại mật khẩu', en: 'Reset a password' },
  'user.password_change': { vi: 'Đổi mật khẩu', en: 'Changed the password' },
  'facility.create': { vi: 'Thêm cơ sở tiêm', en: 'Added a facility' },
  'facility.update': { vi: 'Sửa cơ sở tiêm', en: 'Changed a facility' },
  'units.import': { vi: 'Nhập danh mục đơn vị hành chính', en: 'Imported the unit lists' },
  'population.import': { vi: 'Nhập số liệu dân số', en: 'Imported the population figures' },
  'signing_key.rotate': { vi: 'Thay khoá ký chứng nhận', en: 'Rotated the signing key' },
  'csca.rotate': { vi: 'Thay khoá CSCA quốc gia', en: 'Rotated the national CSCA' },
  'trust_anchor.add': { vi: 'Thêm khoá tin cậy của nước ngoài', en: 'Added a foreign trust anchor' },
  'trust_anchor.remove': { vi: 'Gỡ khoá tin cậy của nước ngoài', en: 'Removed a foreign trust anchor' },
  'health_book.sign_in_start': {
    vi: 'Yêu cầu đăng nhập Sổ sức khỏe điện tử',
    en: 'Asked to sign in to the e-health book',
  },
  'health_book.sign_in': { vi: 'Đăng nhập Sổ sức khỏe điện tử', en: 'Signed in to the e-health book' },
  'health_book.otp_failed': { vi: 'Nhập sai mã xác thực Sổ sức khỏe', en: 'Wrong e-health book code' },
  'health_book.person_view': { vi: 'Xem hồ sơ qua Sổ sức khỏe điện tử', en: 'Viewed the record in the e-health book' },
  'health_book.member_add_start': {
    vi: 'Yêu cầu thêm người vào Sổ sức khỏe',
    en: 'Asked to add a member to the e-health book',
  },
  'health_book.member_add': { vi: 'Thêm người vào Sổ sức khỏe', en: 'Added a member to the e-health book' },
  'health_book.member_remove': { vi: 'Bỏ người khỏi Sổ sức khỏe', en: 'Removed a member from the e-health book' },
  'health_book.reminder': { vi: 'Bật/tắt nhắc mũi tiêm', en: 'Turned the dose reminder on or off' },
  'health_book.reminder_sent': { vi: 'Gửi tin nhắn nhắc mũi tiêm', en: 'Sent a dose reminder' },
  'health_book.check_in_token': { vi: 'Tạo mã QR tiếp nhận', en: 'Made a check-in QR' },
  'health_book.device_revoke': { vi: 'Đăng xuất thiết bị Sổ sức khỏe', en: 'Ended an e-health book device session' },
  'health_book.phone_revoke': {
    vi: 'Đăng xuất mọi thiết bị của số điện thoại',
    en: 'Ended every e-health book session of a phone',
  },
  'audit.read': { vi: 'Xem nhật ký truy cập', en: 'Read the audit log' },
  'audit.export': { vi: 'Xuất nhật ký truy cập', en: 'Exported the audit log' },
  'fhir.patient_read': { vi: 'Đọc hồ sơ qua FHIR', en: 'Read the record over FHIR' },
  'fhir.patient_search': { vi: 'Tìm thấy qua tìm kiếm FHIR', en: 'Found by a FHIR search' },
  'fhir.immunization_read': { vi: 'Đọc mũi tiêm qua FHIR', en: 'Read a dose over FHIR' },
  'fhir.immunization_search': { vi: 'Đọc các mũi tiêm qua FHIR', en: 'Read the doses over FHIR' },
  'fhir.ddcc': { vi: 'Xuất dữ liệu DDCC:VS qua FHIR', en: 'Read the DDCC:VS data set over FHIR' },
};

/** What kind of record an entry is about, in words. */
export const AUDIT_ENTITY_TYPES: Readonly<Record<string, Localized>> = {
  person: { vi: 'Hồ sơ người được tiêm', en: 'Person' },
  dose: { vi: 'Mũi tiêm', en: 'Dose' },
  visit: { vi: 'Lượt tiêm', en: 'Visit' },
  session: { vi: 'Buổi tiêm', en: 'Session' },
  adverse_event: { vi: 'Phản ứng sau tiêm', en: 'Adverse event' },
  report: { vi: 'Phản ánh', en: 'Report' },
  campaign: { vi: 'Đợt rà soát', en: 'Campaign' },
  registration: { vi: 'Đăng ký tiêm', en: 'Registration' },
  portal_lookup: { vi: 'Tra cứu trên cổng', en: 'Portal look-up' },
  lot: { vi: 'Lô vắc xin', en: 'Vaccine lot' },
  stock: { vi: 'Tồn kho vắc xin', en: 'Vaccine stock' },
  user: { vi: 'Tài khoản', en: 'Account' },
  facility: { vi: 'Cơ sở tiêm', en: 'Facility' },
  unit: { vi: 'Đơn vị hành chính', en: 'Administrative unit' },
  unit_list: { vi: 'Danh mục đơn vị', en: 'Unit lists' },
  population_import: { vi: 'Số liệu dân số', en: 'Population figures' },
  signing_key: { vi: 'Khoá ký', en: 'Signing key' },
  csca_key: { vi: 'Khoá CSCA quốc gia', en: 'National CSCA' },
  trust_anchor: { vi: 'Khoá tin cậy nước ngoài', en: 'Foreign trust anchor' },
  health_book_device: { vi: 'Thiết bị Sổ sức khỏe', en: 'E-health book device' },
  health_book_otp: { vi: 'Mã xác thực Sổ sức khỏe', en: 'E-health book code' },
  health_book_phone: { vi: 'Số điện thoại Sổ sức khỏe', en: 'E-health book phone' },
  audit_log: { vi: 'Nhật ký truy cập', en: 'Audit log' },
};

/** An action in words in `lang` (its code when the catalogue has no words for it). */
export function auditActionLabel(action: string, lang: Lang): string {
  return AUDIT_ACTIONS[action]?.[lang] ?? action;
}
