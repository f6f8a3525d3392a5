export * from './resolve';
export * from './liquid';
