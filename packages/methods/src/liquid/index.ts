export * from './resolve';
export * from './liquid';
export * from './format';
export * from './ranking';
