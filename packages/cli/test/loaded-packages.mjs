/* global process */
// Preloaded (`node --import`) by bin.test.ts into the built peergov: at exit, writes the names of the npm packages
// the process loaded, as a JSON array, to the file $PEERGOV_TEST_LOADED. The packages that matter here (fastify,
// pg, better-sqlite3, argon2 and their dependencies) are CommonJS, so every one that loaded is in require.cache;
// typebox, an ES module, is bundled.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const names = new Set();
  for (const file of Object.keys(cache)) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
    if (m) names.add(m[1]);
  }
  writeFileSync(process.env.PEERGOV_TEST_LOADED, JSON.stringify([...names]));
});
