/** The bulk import of historical doses (issue 16): columns, CSV, cells, rows, reasons and the template, pure. */

export * from './cells.js';
export * from './columns.js';
export * from './csv.js';
export * from './reasons.js';
export * from './row.js';
export * from './template.js';
