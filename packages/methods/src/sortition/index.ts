export * from './stream';
export * from './select';
export * from './format';
