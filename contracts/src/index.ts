export * from './common';
export * from './payloads';
export * from './envelope';
export * from './pan';
export * from './policy';
export * from './hold';
export * from './rectification';
