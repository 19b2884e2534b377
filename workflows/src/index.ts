export * from './duration';
export * from './retention';
export * from './record';
export * from './disposal';
export * from './explain';
export * from './linking';
export * from './hold';
