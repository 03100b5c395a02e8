export * from './auth.js';
export * from './certificates.js';
export * from './common.js';
export * from './doses.js';
export * from './reference.js';
export * from './screening.js';
export * from './sessions.js';
export * from './users.js';
