import type { Localized } from '../i18n.js';
import type { CwtClaims } from './cwt.js';

/**
 * What a signature cannot tell: whether a signed certificate's content makes sense. Two families,
 * as EU DCC verifiers apply them after the signature:
 * - **value sets**: every coded field is a value of the EU DCC value set it refers to (disease,
 *   vaccine type, product, manufacturer, country, test type and result) — a country "XY" or a
 *   manufacturer "ORG-99999999" is refused;
 * - **plausibility**: dates that cannot be — born after the vaccination, a vaccination or test
 *   after the certificate was issued, a dose number above the series, a recovery certificate valid
 *   before its first positive test.
 * The value sets are data (`reference/dcc-valuesets/`, the EU's files), given by the caller.
 */

/** The EU DCC value sets by id (`valueSetId`), each the set of its codes. */
export type DccValueSets = Readonly<Record<string, ReadonlySet<string>>>;

/** An EU value-set file's shape (`{"valueSetId", "valueSetValues": {code: {...}}}`). */
export interface DccValueSetFile {
  readonly valueSetId: string;
  readonly valueSetValues: Readonly<Record<string, unknown>>;
}

/** The value sets of the EU's files. */
export function valueSetsOf(files: readonly DccValueSetFile[]): DccValueSets {
  return Object.fromEntries(files.map((f) => [f.valueSetId, new Set(Object.keys(f.valueSetValues))]));
}

export interface RuleFinding {
  /** `VS-…` (a value set) or `PL-…` (plausibility). */
  readonly rule: string;
  /** Where in the DCC, e.g. `v[0].ma`. */
  readonly field: string;
  readonly message: Localized;
}

type Json = Record<string, unknown>;

const VALUE_SET_FIELDS: Record<'v' | 't' | 'r', readonly (readonly [string, string, string])[]> = {
  v: [
    ['tg', 'disease-agent-targeted', 'bệnh/tác nhân'],
    ['vp', 'sct-vaccines-covid-19', 'loại vắc xin'],
    ['mp', 'vaccines-covid-19-names', 'sản phẩm vắc xin'],
    ['ma', 'vaccines-covid-19-auth-holders', 'nhà sản xuất'],
    ['co', 'country-2-codes', 'quốc gia'],
  ],
  t: [
    ['tg', 'disease-agent-targeted', 'bệnh/tác nhân'],
    ['tt', 'covid-19-lab-test-type', 'loại xét nghiệm'],
    ['tr', 'covid-19-lab-result', 'kết quả xét nghiệm'],
    ['co', 'country-2-codes', 'quốc gia'],
  ],
  r: [
    ['tg', 'disease-agent-targeted', 'bệnh/tác nhân'],
    ['co', 'country-2-codes', 'quốc gia'],
  ],
};

/** `YYYY-MM-DD` of a DCC date or date-time (or of a partial date of birth, its earliest day). */
function day(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(value);
  if (!m) return null;
  return `${m[1]}-${m[2] ?? '01'}-${m[3] ?? '01'}`;
}

function isoDay(seconds: number | null | undefined): string | null {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString().slice(0, 10) : null;
}

/**
 * The value-set and plausibility findings of a decoded DCC (empty: nothing wrong). `valueSets`
 * null skips the value sets (a verifier without them).
 */
export function dccFindings(
  payload: Json,
  claims: CwtClaims | undefined,
  valueSets: DccValueSets | null,
): RuleFinding[] {
  const out: RuleFinding[] = [];
  const issued = isoDay(claims?.iat);
  const dob = day(payload.dob);
  for (const kind of ['v', 't', 'r'] as const) {
    const entries = Array.isArray(payload[kind]) ? (payload[kind] as Json[]) : [];
    entries.forEach((entry, i) => {
      const at = (field: string) => `${kind}[${i}].${field}`;
      if (valueSets) {
        for (const [field, setId, label] of VALUE_SET_FIELDS[kind]) {
          const set = valueSets[setId];
          const value = entry[field];
          if (!set || value === undefined) continue;
          if (typeof value !== 'string' || !set.has(value)) {
            out.push({
              rule: `VS-${kind.toUpperCase()}-${field.toUpperCase()}`,
              field: at(field),
              message: {
                vi: `Mã ${label} "${String(value)}" không có trong danh mục của EU DCC (${setId}).`,
                en: `"${String(value)}" is not in the EU DCC value set ${setId}.`,
              },
            });
          }
        }
        if (kind === 't' && typeof entry.ma === 'string') {
          const set = valueSets['covid-19-lab-test-manufacturer-and-name'];
          if (set && !set.has(entry.ma)) {
            out.push({
              rule: 'VS-T-MA',
              field: at('ma'),
              message: {
                vi: `Bộ xét nghiệm "${entry.ma}" không có trong danh mục của EU DCC.`,
                en: `Test device "${entry.ma}" is not in the EU DCC value set.`,
              },
            });
          }
        }
      }
      const date = day(kind === 'v' ? entry.dt : kind === 't' ? entry.sc : entry.fr);
      if (dob && date && date < dob) {
        out.push({
          rule: 'PL-DOB-BEFORE',
          field: at(kind === 'v' ? 'dt' : kind === 't' ? 'sc' : 'fr'),
          message: {
            vi: `Ngày ${kind === 'v' ? 'tiêm' : kind === 't' ? 'lấy mẫu' : 'dương tính'} ${date} trước ngày sinh ${dob}.`,
            en: `The ${kind === 'v' ? 'vaccination' : kind === 't' ? 'sample' : 'positive test'} date ${date} is before the date of birth ${dob}.`,
          },
        });
      }
      if (issued && date && date > issued) {
        out.push({
          rule: 'PL-AFTER-ISSUE',
          field: at(kind === 'v' ? 'dt' : kind === 't' ? 'sc' : 'fr'),
          message: {
            vi: `Ngày ${date} sau ngày cấp chứng nhận ${issued}.`,
            en: `The date ${date} is after the certificate was issued (${issued}).`,
          },
        });
      }
      if (kind === 'v') {
        const dn = entry.dn;
        const sd = entry.sd;
        if (typeof dn === 'number' && typeof sd === 'number' && (dn < 1 || sd < 1 || dn > 9 || sd > 9)) {
          out.push({
            rule: 'PL-DOSE-NUMBER',
            field: at('dn'),
            message: { vi: `Số mũi ${dn}/${sd} không hợp lý.`, en: `Dose number ${dn}/${sd} is not plausible.` },
          });
        }
      }
      if (kind === 'r') {
        const fr = day(entry.fr);
        const df = day(entry.df);
        const du = day(entry.du);
        if (fr && df && df < fr) {
          out.push({
            rule: 'PL-R-VALID-FROM',
            field: at('df'),
            message: {
              vi: `Chứng nhận khỏi bệnh có hiệu lực từ ${df}, trước ngày dương tính ${fr}.`,
              en: `Valid from ${df}, before the first positive test (${fr}).`,
            },
          });
        }
        if (df && du && du < df) {
          out.push({
            rule: 'PL-R-VALID-UNTIL',
            field: at('du'),
            message: { vi: `Hiệu lực đến ${du} trước ngày bắt đầu ${df}.`, en: `Valid until ${du}, before ${df}.` },
          });
        }
      }
    });
  }
  if (dob && issued && dob > issued) {
    out.push({
      rule: 'PL-DOB-AFTER-ISSUE',
      field: 'dob',
      message: {
        vi: `Ngày sinh ${dob} sau ngày cấp chứng nhận ${issued}.`,
        en: `The date of birth ${dob} is after the certificate was issued (${issued}).`,
      },
    });
  }
  if (claims?.iat != null && claims.exp != null && claims.exp < claims.iat) {
    out.push({
      rule: 'PL-EXPIRY',
      field: 'exp',
      message: { vi: 'Ngày hết hạn trước ngày cấp.', en: 'The certificate expires before it was issued.' },
    });
  }
  return out;
}
