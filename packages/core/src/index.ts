export * from './errors.js';
export * from './i18n.js';
export * from './identity/index.js';
export * from './ids.js';
export * from './provinces.js';
export * from './roles.js';
export * from './schemas/index.js';
export * from './vaccines.js';
