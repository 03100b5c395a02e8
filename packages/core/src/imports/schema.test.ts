import { describe, expect, it } from 'vitest';
import * as core from '../index.js';
import {
  createImportFieldsSchema,
  IMPORT_STATUS_LABELS,
  IMPORT_STATUSES,
  importCreatedSchema,
  importJobSchema,
} from '../schemas/imports.js';

const job = {
  id: '0190a1b2-0000-7000-8000-000000000001',
  status: 'running',
  dryRun: false,
  fileName: 'ho-so-thang-8.xlsx',
  facilityId: 'DT-CL-01',
  createdAt: '2021-11-08T02:30:00.000Z',
  startedAt: '2021-11-08T02:30:01.000Z',
  finishedAt: null,
  rowsRead: 120_000,
  imported: 118_950,
  rejected: 1_050,
  matchedPeople: 40_000,
  newPeople: 78_950,
  duplicatesFlagged: 12,
  skippedAlreadyImported: 0,
  rejectedByReason: { import_date_invalid: 800, id_number_sex_mismatch: 250 },
  rowsPerSecond: 41_000,
  secondsLeft: 2,
  totalRows: 200_000,
  error: null,
};

describe('The import API’s schemas', () => {
  it('POST /api/imports answers the job’s id', () => {
    expect(importCreatedSchema.parse({ id: 'x' })).toEqual({ id: 'x' });
    expect(importCreatedSchema.safeParse({}).success).toBe(false);
  });

  it('GET /api/imports/{id} has the contract’s fields by their names, and the summary', () => {
    const parsed = importJobSchema.parse(job);
    expect(parsed).toEqual(job);
    for (const field of ['status', 'rowsRead', 'imported', 'rejected']) {
      expect(importJobSchema.shape).toHaveProperty(field);
      const { [field]: _, ...without } = job as Record<string, unknown>;
      expect(importJobSchema.safeParse(without).success, field).toBe(false);
    }
  });

  it('a job is queued, running, done, failed or cancelled, and nothing else', () => {
    expect(IMPORT_STATUSES).toEqual(['queued', 'running', 'done', 'failed', 'cancelled']);
    for (const status of IMPORT_STATUSES) {
      expect(importJobSchema.safeParse({ ...job, status }).success).toBe(true);
      expect(IMPORT_STATUS_LABELS[status].vi.length).toBeGreaterThan(2);
    }
    expect(importJobSchema.safeParse({ ...job, status: 'paused' }).success).toBe(false);
  });

  it('counts are whole and not negative; the unknowns are null', () => {
    expect(importJobSchema.safeParse({ ...job, imported: -1 }).success).toBe(false);
    expect(importJobSchema.safeParse({ ...job, rowsRead: 1.5 }).success).toBe(false);
    expect(importJobSchema.safeParse({ ...job, secondsLeft: null, totalRows: null }).success).toBe(true);
    expect(
      importJobSchema.safeParse({ ...job, status: 'failed', error: { code: 'import_file_unreadable', message: 'x' } })
        .success,
    ).toBe(true);
  });

  it('the upload’s fields name the facility and whether it is a dry run', () => {
    expect(createImportFieldsSchema.parse({ facilityId: ' DT-CL-01 ' })).toEqual({
      facilityId: 'DT-CL-01',
      dryRun: false,
    });
    expect(createImportFieldsSchema.parse({ facilityId: 'DT-CL-01', dryRun: 'true' }).dryRun).toBe(true);
    expect(createImportFieldsSchema.parse({ facilityId: 'DT-CL-01', dryRun: '1' }).dryRun).toBe(true);
    expect(createImportFieldsSchema.parse({ facilityId: 'DT-CL-01', dryRun: 'false' }).dryRun).toBe(false);
    expect(createImportFieldsSchema.safeParse({ facilityId: 'DT-CL-01', dryRun: 'maybe' }).success).toBe(false);
    expect(createImportFieldsSchema.safeParse({ facilityId: '' }).success).toBe(false);
  });

  it('everything is exported from @tiemchung/core', () => {
    for (const name of [
      'importJobSchema',
      'importCreatedSchema',
      'createImportFieldsSchema',
      'CsvReader',
      'toCsvLine',
      'matchHeader',
      'TEMPLATE_CSV_HEADER',
      'parseImportRow',
      'importRowKey',
      'duplicateCandidateKey',
      'parseImportDate',
      'templateCsv',
    ]) {
      expect(core, name).toHaveProperty(name);
    }
    expect(core.ERROR_CATALOGUE_PARTS).toHaveProperty('imports');
    expect(core.ERROR_CATALOGUE.import_not_found.status).toBe(404);
    expect(core.ERROR_CATALOGUE.import_file_too_large.status).toBe(413);
    expect(core.ERROR_CATALOGUE.import_file_type_unsupported.status).toBe(415);
    expect(core.ERROR_CATALOGUE.import_not_cancellable.status).toBe(409);
    expect(core.errorMessage('import_columns_missing', 'vi', { columns: 'Ngày tiêm' })).toBe(
      'Dòng tiêu đề thiếu cột bắt buộc: Ngày tiêm. Hãy dùng tệp mẫu.',
    );
  });
});

describe('The error catalogue’s imports section', () => {
  it('every entry has an error status and a message in both languages with the same placeholders', () => {
    const part = core.ERROR_CATALOGUE_PARTS.imports;
    expect(Object.keys(part).length).toBeGreaterThan(15);
    for (const [code, e] of Object.entries(part)) {
      expect(code).toMatch(/^import_[a-z0-9_]*[a-z0-9]$/);
      expect(e.status, code).toBeGreaterThanOrEqual(400);
      expect(e.status, code).toBeLessThan(600);
      expect(e.vi, code).not.toBe(e.en);
      expect(e.vi, code).toBe(e.vi.normalize('NFC'));
      expect(core.placeholdersOf(e.vi).sort(), code).toEqual(core.placeholdersOf(e.en).sort());
      expect(e.vi.replace(/\{[A-Za-z]\w*\}/g, ''), code).not.toMatch(/[{}]/);
      expect(e.en.replace(/\{[A-Za-z]\w*\}/g, ''), code).not.toMatch(/[{}]/);
    }
    const others = Object.entries(core.ERROR_CATALOGUE_PARTS)
      .filter(([name]) => name !== 'imports')
      .flatMap(([, p]) => Object.keys(p));
    expect(Object.keys(part).filter((c) => others.includes(c))).toEqual([]);
  });
});
