export * from './schema';
export * from './store';
export * from './runtime';
export * from './config';
export * from './journal';
