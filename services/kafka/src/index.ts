export * from './topics';
export * from './message';
export * from './stream';
export * from './retention-connector';
export * from './erasure-commands';
