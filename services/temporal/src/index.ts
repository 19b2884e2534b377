export * from './activities';
export * from './codec';
export * from './config';
export * from './data-converter';
export * from './schedule';
export * from './worker';
export * from './orchestrator';
export * from './tracing';
