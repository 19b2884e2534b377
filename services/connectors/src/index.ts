export * from './errors';
export * from './files';
export * from './http';
export * from './directory';
export * from './vendor-simulator';
export { mapBounded } from './pool';
