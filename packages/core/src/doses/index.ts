export * from './calendar.js';
export * from './rules.js';
