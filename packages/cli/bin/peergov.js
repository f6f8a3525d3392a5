#!/usr/bin/env node
/* global console, process, URL */
// The `peergov` command: runs the bundle that packages/cli/build.mjs writes into dist/ (the root `prepare` and
// `build` scripts run it). This file is in git so that npm can link the bin on install, before the bundle exists.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/peergov.js', import.meta.url);
if (!existsSync(bundle)) {
  console.error('peergov: not built yet (no packages/cli/dist/peergov.js): run `npm run build:cli`');
  process.exit(1);
}
await import(bundle.href);
