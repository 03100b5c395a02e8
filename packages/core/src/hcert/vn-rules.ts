import type { BusinessRule } from './certlogic.js';

const common = {
  Type: 'Acceptance',
  Country: 'VN',
  Version: '1.0.0',
  SchemaVersion: '1.0.0',
  Engine: 'CERTLOGIC',
  EngineVersion: '0.7.5',
  ValidFrom: '2022-03-15T00:00:00Z',
  ValidTo: '2030-12-31T00:00:00Z',
} as const;

/**
 * Vietnam's acceptance rules for travellers, as an example of a destination's rule set in the EU
 * DCC business-rule format (evaluated with CertLogic). They follow the reopening of 15 March 2022:
 * a complete primary series of an approved vaccine at least 14 days old, or a recovery certificate
 * valid on the day, or a negative test (PCR within 72 hours, rapid antigen within 24 hours).
 */
export const VN_ACCEPTANCE_RULES: readonly BusinessRule[] = [
  {
    ...common,
    Identifier: 'GR-VN-0000',
    CertificateType: 'General',
    Description: [
      { lang: 'en', desc: 'The certificate has not expired.' },
      { lang: 'vi', desc: 'Chứng nhận còn hiệu lực (chưa hết hạn).' },
    ],
    AffectedFields: [],
    Logic: {
      after: [
        { plusTime: [{ var: 'external.exp' }, 0, 'day'] },
        { plusTime: [{ var: 'external.validationClock' }, 0, 'day'] },
      ],
    },
  },
  {
    ...common,
    Identifier: 'VR-VN-0000',
    CertificateType: 'Vaccination',
    Description: [
      { lang: 'en', desc: 'The primary series is complete (dose number at least the series length).' },
      { lang: 'vi', desc: 'Đã tiêm đủ liều cơ bản (số mũi không nhỏ hơn tổng số mũi của phác đồ).' },
    ],
    AffectedFields: ['v.0', 'v.0.dn', 'v.0.sd'],
    Logic: { if: [{ var: 'payload.v.0' }, { '>=': [{ var: 'payload.v.0.dn' }, { var: 'payload.v.0.sd' }] }, true] },
  },
  {
    ...common,
    Identifier: 'VR-VN-0001',
    CertificateType: 'Vaccination',
    Description: [
      { lang: 'en', desc: 'The last dose was given at least 14 days ago.' },
      { lang: 'vi', desc: 'Mũi cuối đã tiêm cách đây ít nhất 14 ngày.' },
    ],
    AffectedFields: ['v.0', 'v.0.dt'],
    Logic: {
      if: [
        { var: 'payload.v.0' },
        {
          'not-after': [
            { plusTime: [{ var: 'payload.v.0.dt' }, 14, 'day'] },
            { plusTime: [{ var: 'external.validationClock' }, 0, 'day'] },
          ],
        },
        true,
      ],
    },
  },
  {
    ...common,
    Identifier: 'VR-VN-0002',
    CertificateType: 'Vaccination',
    Description: [
      { lang: 'en', desc: 'The vaccine is one Vietnam or the WHO (Emergency Use Listing) approved.' },
      { lang: 'vi', desc: 'Vắc xin được Việt Nam hoặc WHO (danh sách sử dụng khẩn cấp) phê duyệt.' },
    ],
    AffectedFields: ['v.0', 'v.0.mp'],
    Logic: {
      if: [
        { var: 'payload.v.0' },
        {
          in: [
            { var: 'payload.v.0.mp' },
            [
              'EU/1/20/1528',
              'EU/1/20/1507',
              'EU/1/21/1529',
              'EU/1/20/1525',
              'EU/1/21/1618',
              'Sputnik-V',
              'BBIBP-CorV',
              'Hayat-Vax',
              'Abdala',
              'CoronaVac',
              'Covaxin',
              'Covishield',
              'Covovax',
              'NVX-CoV2373',
            ],
          ],
        },
        true,
      ],
    },
  },
  {
    ...common,
    Identifier: 'TR-VN-0000',
    CertificateType: 'Test',
    Description: [
      { lang: 'en', desc: 'The test result is "not detected".' },
      { lang: 'vi', desc: 'Kết quả xét nghiệm âm tính.' },
    ],
    AffectedFields: ['t.0', 't.0.tr'],
    Logic: { if: [{ var: 'payload.t.0' }, { '===': [{ var: 'payload.t.0.tr' }, '260415000'] }, true] },
  },
  {
    ...common,
    Identifier: 'TR-VN-0001',
    CertificateType: 'Test',
    Description: [
      { lang: 'en', desc: 'The sample was taken within 72 hours (PCR) or 24 hours (rapid antigen test).' },
      { lang: 'vi', desc: 'Mẫu được lấy trong vòng 72 giờ (PCR) hoặc 24 giờ (test nhanh kháng nguyên).' },
    ],
    AffectedFields: ['t.0', 't.0.sc', 't.0.tt'],
    Logic: {
      if: [
        { var: 'payload.t.0' },
        {
          if: [
            { '===': [{ var: 'payload.t.0.tt' }, 'LP6464-4'] },
            {
              after: [
                { plusTime: [{ var: 'payload.t.0.sc' }, 72, 'hour'] },
                { plusTime: [{ var: 'external.validationClock' }, 0, 'hour'] },
              ],
            },
            {
              after: [
                { plusTime: [{ var: 'payload.t.0.sc' }, 24, 'hour'] },
                { plusTime: [{ var: 'external.validationClock' }, 0, 'hour'] },
              ],
            },
          ],
        },
        true,
      ],
    },
  },
  {
    ...common,
    Identifier: 'RR-VN-0000',
    CertificateType: 'Recovery',
    Description: [
      { lang: 'en', desc: 'The recovery certificate is valid on the day of checking.' },
      { lang: 'vi', desc: 'Chứng nhận khỏi bệnh còn hiệu lực vào ngày kiểm tra.' },
    ],
    AffectedFields: ['r.0', 'r.0.df', 'r.0.du'],
    Logic: {
      if: [
        { var: 'payload.r.0' },
        {
          'not-after': [
            { plusTime: [{ var: 'payload.r.0.df' }, 0, 'day'] },
            { plusTime: [{ var: 'external.validationClock' }, 0, 'day'] },
            { plusTime: [{ var: 'payload.r.0.du' }, 0, 'day'] },
          ],
        },
        true,
      ],
    },
  },
];

/** Every destination whose rules the platform carries: Vietnam's own, as the example. */
export const ACCEPTANCE_RULES: Readonly<Record<string, readonly BusinessRule[]>> = { VN: VN_ACCEPTANCE_RULES };
