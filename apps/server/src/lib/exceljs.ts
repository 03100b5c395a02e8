/**
 * exceljs, with its XML reading mended for characters split between two chunks. exceljs 4.4 reads
 * a sheet's XML chunk by chunk and decodes each chunk on its own (`lib/utils/parse-sax.js` →
 * `bufferToString`), so a character of two or more bytes that falls on a chunk's edge becomes
 * U+FFFD: in a 20,000-row file of the bulk import, two cells "Nữ" were read as "N���" and the rows
 * refused. The reader here decodes the stream with one `StringDecoder`, which carries a split
 * character over to the next chunk. It is put in Node's module cache before exceljs is loaded, so
 * every part of exceljs (the streaming reader, `xlsx.load`) uses it; the server imports exceljs
 * from this module only (lib/exceljs.test.ts checks both).
 */
import { createRequire } from 'node:module';
import { StringDecoder } from 'node:string_decoder';
import type ExcelJSModule from 'exceljs';

const require = createRequire(import.meta.url);
const fromExceljs = createRequire(require.resolve('exceljs'));
const parseSaxPath = fromExceljs.resolve('./lib/utils/parse-sax.js');
const { SaxesParser } = fromExceljs('saxes') as typeof import('saxes');

type SaxEvent = { eventType: 'opentag' | 'text' | 'closetag'; value: unknown };

/** exceljs's `parse-sax`, same events, the bytes decoded as one stream. */
async function* parseSax(iterable: AsyncIterable<Buffer | string>): AsyncGenerator<SaxEvent[]> {
  const parser = new SaxesParser();
  let error: Error | undefined;
  parser.on('error', (err) => {
    error = err;
  });
  let events: SaxEvent[] = [];
  parser.on('opentag', (value) => events.push({ eventType: 'opentag', value }));
  parser.on('text', (value) => events.push({ eventType: 'text', value }));
  parser.on('closetag', (value) => events.push({ eventType: 'closetag', value }));
  const decoder = new StringDecoder('utf8');
  const feed = function* (text: string) {
    parser.write(text);
    if (error) throw error;
    yield events;
    events = [];
  };
  for await (const chunk of iterable) yield* feed(typeof chunk === 'string' ? chunk : decoder.write(chunk));
  const rest = decoder.end();
  if (rest) yield* feed(rest);
}

if (require.cache[parseSaxPath]) {
  throw new Error('exceljs was loaded before lib/exceljs.ts: import exceljs from lib/exceljs.js only');
}
const Module = require('node:module') as { new (id: string): NodeJS.Module };
const mended = new Module(parseSaxPath);
mended.filename = parseSaxPath;
mended.loaded = true;
mended.exports = parseSax;
require.cache[parseSaxPath] = mended;

/** The mended exceljs: use it wherever the server reads or writes a spreadsheet. */
const ExcelJS = require('exceljs') as typeof ExcelJSModule;
/** exceljs's types under the same name, as `import ExcelJS from 'exceljs'` gives them. */
declare namespace ExcelJS {
  type Cell = ExcelJSModule.Cell;
  type Row = ExcelJSModule.Row;
  type Workbook = ExcelJSModule.Workbook;
  type Worksheet = ExcelJSModule.Worksheet;
}
export default ExcelJS;
/** The reader in use, for the test that checks it is the mended one. */
export const parseSaxInUse = (): unknown => require.cache[parseSaxPath]?.exports;
export { parseSax as mendedParseSax };
