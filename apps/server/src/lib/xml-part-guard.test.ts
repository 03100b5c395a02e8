import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { XmlPartGuard, type XmlPartKind, type XmlPartLimits, type XmlPartOverflow } from './xml-part-guard.js';

const limits: XmlPartLimits = {
  tokenChars: 24,
  rowChars: 60,
  sheetOutsideRowsChars: 400,
  sharedStringsChars: 100,
  otherPartChars: 100,
  otherPartTags: 5,
};

/** The XML through a guard in chunks of `size` bytes: the bytes passed on, or the limit it stopped at. */
async function guarded(xml: string, kind: XmlPartKind, size: number): Promise<string | XmlPartOverflow> {
  const bytes = Buffer.from(xml);
  const chunks = Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
    bytes.subarray(i * size, (i + 1) * size),
  );
  const out: Buffer[] = [];
  let overflow: XmlPartOverflow | undefined;
  const guard = new XmlPartGuard('xl/part.xml', kind, limits, (o) => {
    overflow = o;
    return new Error(o.limit);
  });
  try {
    await pipeline(Readable.from(chunks), guard, async (source: AsyncIterable<Buffer>) => {
      for await (const c of source) out.push(c);
    });
  } catch (err) {
    if (!overflow) throw err;
    // The chunk that went over the limit is withheld.
    expect(Buffer.concat(out).length).toBeLessThan(bytes.length);
    return overflow;
  }
  return Buffer.concat(out).toString();
}

/** The same answer whatever the chunks' size (a tag's name or a character cut between two chunks). */
async function everyCut(xml: string, kind: XmlPartKind): Promise<string> {
  const whole = await guarded(xml, kind, Buffer.byteLength(xml));
  for (let size = 1; size <= 13; size++) expect(await guarded(xml, kind, size)).toEqual(whole);
  return typeof whole === 'string' ? whole : whole.limit;
}

const cells = (n: number) => '<c>1234</c>'.repeat(n);

describe('the guard on an XLSX part’s XML', () => {
  it('passes a part within the limits unchanged, however the inflater cuts it', async () => {
    const sheet = `<sheetData><row r="1">${cells(4)}</row><row r="2"/><row r="3">${cells(4)}</row></sheetData><x/>`;
    expect(await everyCut(sheet, 'sheet')).toBe(sheet);
  });

  it('counts a token from a < to the next, in characters: 24 are taken, 25 are not', async () => {
    const digits = (n: number) => '1234567890'.repeat(3).slice(0, n);
    expect(await everyCut(`<t>${digits(21)}<x/>`, 'sheet')).toBe(`<t>${digits(21)}<x/>`);
    expect(await everyCut(`<t>${digits(22)}<x/>`, 'sheet')).toBe('tokenChars');
    // Three-byte letters count one character each.
    expect(await everyCut(`<t>${'ữ'.repeat(21)}<x/>`, 'sharedStrings')).toBe(`<t>${'ữ'.repeat(21)}<x/>`);
    expect(await everyCut(`<t>${'ữ'.repeat(22)}<x/>`, 'sharedStrings')).toBe('tokenChars');
    // Spaces between tags are a token too.
    expect(await everyCut(`<a>${' '.repeat(22)}<b/>`, 'other')).toBe('tokenChars');
  });

  it('counts each row of the sheet from its <row to its </row>, and what lies outside the rows apart', async () => {
    // A row of 5 cells is 11 + 5 × 11 = 66 characters (its `</row>` ends it): over 60.
    expect(await everyCut(`<sheetData><row r="1">${cells(5)}</row></sheetData>`, 'sheet')).toBe('rowChars');
    // Rows of 4 cells (55 characters), as many as wanted: the count starts again at each row.
    const rows = `<sheetData>${`<row r="1">${cells(4)}</row>`.repeat(30)}</sheetData>`;
    expect(await everyCut(rows, 'sheet')).toBe(rows);
    // After a row written <row/>, the rows' end ends it: what follows is outside the rows.
    const after = `<sheetData><row r="1"/></sheetData>${'<m/>'.repeat(40)}`;
    expect(await everyCut(after, 'sheet')).toBe(after);
    expect(await everyCut(`<sheetData/>${'<col/>'.repeat(70)}`, 'sheet')).toBe('sheetOutsideRowsChars');
    // A tag whose name only starts as a row's does not start one.
    expect(await everyCut(`<rows>${'<v/>'.repeat(100)}`, 'sheet')).toBe('sheetOutsideRowsChars');
  });

  it('bounds a part kept whole: its characters, and the start tags of the parts other than the shared strings', async () => {
    expect(await everyCut(`<sst>${'<si/>'.repeat(17)}</sst>`, 'sharedStrings')).toBe(
      `<sst>${'<si/>'.repeat(17)}</sst>`,
    );
    expect(await everyCut(`<sst>${'<si/>'.repeat(20)}</sst>`, 'sharedStrings')).toBe('sharedStringsChars');
    expect(await everyCut('<?xml version="1.0"?><s><x/><x/><x/></s><!-- c -->', 'other')).toBe(
      '<?xml version="1.0"?><s><x/><x/><x/></s><!-- c -->',
    );
    expect(await everyCut('<s><x/><x/><x/><x/><x/></s>', 'other')).toBe('otherPartTags');
  });
});
