export * from './types';
export * from './packed';
export * from './schulze';
export * from './rctab';
export { JavaRandom } from './java-random';
export * from './readers/csv';
export * from './readers/rctab';
export * from './readers/blt';
export * from './scottish-stv';
