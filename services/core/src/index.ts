export * from './ports';
export * from './platform';
