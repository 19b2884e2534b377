export * from './topics';
export * from './message';
export * from './stream';
