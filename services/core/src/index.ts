export * from './ports';
export * from './platform';
export * from './policy-packs';
