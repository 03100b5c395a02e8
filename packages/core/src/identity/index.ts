/** Identity rules: CCCD/CMND/passport numbers, mobile phones, names, CCCD QR codes and dates. */

export * from './cccd-qr.js';
export * from './codes.js';
export * from './dates.js';
export * from './id-number.js';
export * from './name.js';
export * from './phone.js';
export * from './result.js';
