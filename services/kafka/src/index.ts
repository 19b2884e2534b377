export * from './topics';
export * from './message';
export * from './stream';
export * from './retention-connector';
