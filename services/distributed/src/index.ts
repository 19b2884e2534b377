export * from './config';
export * from './platform';
export * from './lifecycle';
