export * from './schema';
export * from './store';
export * from './runtime';
