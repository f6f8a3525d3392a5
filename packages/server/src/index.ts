export { buildApp } from './app';
export { createContext, type AppContext, type ServerConfig } from './context';
export {
  startServer,
  configFromEnv,
  parseCount,
  parseTrustProxy,
  defaultWebDist,
  type RunningServer,
} from './server';
export { closeDueProposals } from './closer';
export {
  verifyStored,
  LogService,
  parseSavedCheckpoint,
  readModelFromLog,
  signedCheckpointOf,
  type VerifyOptions,
  type VerifyResult,
} from './log-service';
export { seedDemo } from './demo';
