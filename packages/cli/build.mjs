/* global console, process, performance */
// Builds the `peergov` command to plain JavaScript: packages/cli/dist/peergov.js (ESM, for Node) and the chunks of
// the subcommands it loads when they run. The workspace packages (@peergov/*) are bundled, and so is typebox (see
// `bundled`); the other npm dependencies stay imports, resolved from node_modules at run time (native modules must),
// and every one the bundle imports must be declared in this package's dependencies, or the build fails. Run by the root `prepare` (npm install, npm ci) and
// `build` scripts; `npm pack` runs it with --web, which also copies the built web app into dist/web so that an
// installed package serves it.
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));
// typebox is some 700 ES modules: importing it from node_modules takes about 150 ms, bundled about 10 ms, and the
// kernel, which every command on a log loads, imports it. Its schemas are plain objects ('~kind' keys), so the copy
// that @fastify/type-provider-typebox (external) loads for `serve` agrees with this one.
const bundled = ['typebox'];
const external = Object.keys(pkg.dependencies ?? {}).filter((name) => !bundled.includes(name));
const started = performance.now();

// server/src/log-service.ts (the checks of verify and rebuild) takes StoreConflictError from the store's index, which
// imports both drivers at load. In the bundle it gets it from store/src/types.ts, where the index has it from (the
// same class), so that `peergov verify` of a SQLite file does not load pg (test/bin.test.ts checks what each
// command loads). Should it need more of the index, the build fails (no such export) rather than misbehave. Until
// the store's package exports a light entry for it to import instead.
const storeTypes = join(here, '../store/src/types.ts');
const storeTypesImporters = new Set([join(here, '../server/src/log-service.ts')]);
const storeTypesForLogService = {
  name: 'store-types-for-log-service',
  setup(b) {
    b.onResolve({ filter: /^@peergov\/store$/ }, (args) =>
      storeTypesImporters.has(args.importer) ? { path: storeTypes } : undefined,
    );
  },
};

rmSync(dist, { recursive: true, force: true });
const result = await build({
  // The verify worker (server/src/verify-worker.ts) is an entry of its own: LogService.verify starts it from
  // `verify-worker.js` beside the chunk it is bundled into, which is this directory.
  entryPoints: {
    peergov: join(here, 'src/bin.ts'),
    'verify-worker': join(here, '../server/src/verify-worker.ts'),
  },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Chunks beside the entry: the server finds the web app relative to the file it is bundled into.
  chunkNames: '[name]-[hash]',
  external,
  metafile: true,
  logLevel: 'warning',
  legalComments: 'none',
  plugins: [storeTypesForLogService],
});

// A bare import that is left in the bundle but not declared would fail only where this package is installed alone.
const builtins = new Set((await import('node:module')).builtinModules);
const undeclared = new Set();
for (const output of Object.values(result.metafile.outputs)) {
  for (const imp of output.imports) {
    if (!imp.external || imp.path.startsWith('node:') || builtins.has(imp.path)) continue;
    const name = imp.path.startsWith('@')
      ? imp.path.split('/').slice(0, 2).join('/')
      : imp.path.split('/')[0];
    if (!external.includes(name)) undeclared.add(imp.path);
  }
}
if (undeclared.size > 0) {
  console.error(
    `build: the bundle imports ${[...undeclared].join(', ')}, not in packages/cli/package.json dependencies`,
  );
  process.exit(1);
}

let web = '';
if (process.argv.includes('--web')) {
  const webDist = join(here, '../web/dist');
  if (existsSync(join(webDist, 'index.html'))) {
    cpSync(webDist, join(dist, 'web'), { recursive: true });
    web = ' and the web app (dist/web)';
  } else {
    console.warn(
      'build: packages/web/dist has no index.html (run `npm run build` first): the package will serve the API only',
    );
  }
}
const files = Object.keys(result.metafile.outputs).length;
console.log(
  `build: ${relative(process.cwd(), join(dist, 'peergov.js')) || 'peergov.js'} (${files} files)${web} in ` +
    `${Math.round(performance.now() - started)} ms`,
);
