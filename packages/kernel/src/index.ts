export * from './types';
export * from './errors';
export * from './events';
export * from './commands';
export * from './templates';
export * from './constitution';
export { decide, validateAction, LIMITS } from './decide';
export { applyEvent, evolve, replay, initialState } from './evolve';
export * from './read-model';
