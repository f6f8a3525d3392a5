export * from './types';
export * from './packed';
export * from './schulze';
