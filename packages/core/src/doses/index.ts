export * from './calendar.js';
export * from './codes.js';
export * from './rules.js';
export * from './next-dose.js';
