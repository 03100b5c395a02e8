export * from './calendar.js';
export * from './codes.js';
export * from './next-dose.js';
export * from './rules.js';
