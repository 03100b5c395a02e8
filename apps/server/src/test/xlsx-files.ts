/**
 * XLSX files written by hand for tests, as some tools write them (inline strings, no styles), and
 * as an attacker would: a part of hundreds of megabytes compressed as a stream, never held whole.
 */
import zlib from 'node:zlib';

/** A part's content: text, or a text repeated (written in blocks, never held whole). */
export type Piece = string | { readonly repeat: string; readonly times: number };

/**
 * A ZIP of DEFLATE entries, each compressed as a stream: a part of hundreds of megabytes is never
 * held in memory, only its compressed bytes (as an upload would be).
 */
export async function zipOf(entries: Readonly<Record<string, readonly Piece[]>>): Promise<Buffer> {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, pieces] of Object.entries(entries)) {
    const deflate = zlib.createDeflateRaw({ level: 9 });
    const out: Buffer[] = [];
    deflate.on('data', (c: Buffer) => out.push(c));
    const ended = new Promise((resolve) => deflate.on('end', resolve));
    let crc = 0;
    let size = 0;
    const write = async (bytes: Buffer) => {
      crc = zlib.crc32(bytes, crc);
      size += bytes.length;
      if (!deflate.write(bytes)) await new Promise((resolve) => deflate.once('drain', resolve));
    };
    for (const piece of pieces) {
      if (typeof piece === 'string') {
        await write(Buffer.from(piece));
        continue;
      }
      // Blocks of about 1 MB of the repeated text, then the rest.
      const perBlock = Math.max(1, Math.floor(2 ** 20 / Buffer.byteLength(piece.repeat)));
      const block = Buffer.from(piece.repeat.repeat(Math.min(perBlock, piece.times)));
      let left = piece.times;
      for (; left >= perBlock; left -= perBlock) await write(block);
      if (left > 0) await write(Buffer.from(piece.repeat.repeat(left)));
    }
    deflate.end();
    await ended;
    const data = Buffer.concat(out);
    const nameBytes = Buffer.from(name);
    const header = (signature: number, centralHeader: boolean) => {
      const h = Buffer.alloc(centralHeader ? 46 : 30);
      let at = h.writeUInt32LE(signature, 0);
      if (centralHeader) at = h.writeUInt16LE(20, at); // made by
      at = h.writeUInt16LE(20, at); // version needed
      at = h.writeUInt16LE(0, at); // flags
      at = h.writeUInt16LE(8, at); // DEFLATE
      at = h.writeUInt32LE(0, at); // time and date
      at = h.writeUInt32LE(crc >>> 0, at);
      at = h.writeUInt32LE(data.length, at);
      at = h.writeUInt32LE(size, at);
      at = h.writeUInt16LE(nameBytes.length, at);
      if (centralHeader) h.writeUInt32LE(offset, 42); // the local header's offset (comment, disk, attributes 0)
      return h;
    };
    const local = Buffer.concat([header(0x04034b50, false), nameBytes, data]);
    central.push(header(0x02014b50, true), nameBytes);
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(entries).length, 8);
  end.writeUInt16LE(Object.keys(entries).length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

export const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

/** A workbook of one sheet, written by hand as some tools do (inline strings, no styles), its parts given as pieces. */
export function handMade(sheetData: readonly Piece[], more: Readonly<Record<string, readonly Piece[]>> = {}) {
  return zipOf({
    '[Content_Types].xml': [
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    ],
    'xl/workbook.xml': [
      `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sổ tiêm" sheetId="1" r:id="rId1"/></sheets></workbook>`,
    ],
    'xl/_rels/workbook.xml.rels': [
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    ],
    ...more,
    'xl/worksheets/sheet1.xml': [
      `<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="${MAIN}"><sheetData>`,
      ...sheetData,
      '</sheetData></worksheet>',
    ],
  });
}

/** A cell of inline text. */
export const inline = (ref: string, text: Piece): Piece[] => [
  `<c r="${ref}" t="inlineStr"><is><t>`,
  text,
  '</t></is></c>',
];

/** A row of inline-text cells, its cells in columns A, B, C… */
export function inlineRow(r: number, cells: readonly string[]): Piece[] {
  const xmlText = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;');
  return [
    `<row r="${r}">`,
    ...cells.flatMap((c, i) => inline(`${String.fromCharCode(65 + i)}${r}`, xmlText(c))),
    '</row>',
  ];
}
