export * from './stream';
export * from './select';
