// The built `peergov` (packages/cli/dist/peergov.js) run with plain node, as a fresh clone and an installed package
// run it: its help, a real tally, `serve` with and without the web app, and the package that `npm pack` makes,
// installed globally into a temporary prefix. PEERGOV_INSTALL_TEST=full (set by .ci/run) also installs it with its
// install scripts (better-sqlite3 compiles, about a minute) and serves from the installed package.
import { execFileSync, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@peergov/server';
import { buildProgramFor, commandTable } from '../src/commands/index';
import { buildProgram } from '../src/program';
import { fixturesDir } from '../../methods/test/fixtures';

const here = dirname(fileURLToPath(import.meta.url));
const cliDir = resolve(here, '..');
const repo = resolve(cliDir, '../..');
const bin = join(cliDir, 'dist', 'peergov.js');
const assen = join(fixturesDir, 'pabulib', 'mes', 'Netherlands_Assen_2024.pb');
const assenSelected = ['11', '12', '13', '14', '2', '3', '5', '6', '9'];
const webBuilt = existsSync(join(repo, 'packages/web/dist/index.html'));
const temps: string[] = [];
const temp = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
};

/** The environment without what `npm test` adds (npm_config_*, npm_package_*), which would steer a nested npm. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return { ...env, ...extra };
}

function run(file: string, args: string[], env?: Record<string, string>): SpawnSyncReturns<string> {
  const command = file.endsWith('.js') ? process.execPath : file;
  const argv = file.endsWith('.js') ? [file, ...args] : args;
  return spawnSync(command, argv, { encoding: 'utf8', env: cleanEnv(env), timeout: 60_000 });
}
const peergov = (...args: string[]) => run(bin, args);

/** Starts `serve` on a free port; resolves with its URL and everything it printed so far. */
async function serve(
  command: string,
  env: Record<string, string> = {},
): Promise<{ url: string; output: () => string; stop: () => Promise<void> }> {
  const data = temp('peergov-serve-');
  const argv = [
    ...(command.endsWith('.js') ? [command] : []),
    'serve',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--data-dir',
    data,
  ];
  const child = spawn(command.endsWith('.js') ? process.execPath : command, argv, {
    env: cleanEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += String(d)));
  child.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${out}`)), 30_000);
    const check = () => {
      const running = /peergov is running at (http:\/\/\S+)/.exec(out)?.[1];
      if (running !== undefined) {
        clearTimeout(timer);
        resolveUrl(running.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited (${code}):\n${out}`));
    });
  });
  return {
    url,
    output: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

beforeAll(() => {
  // Always from the current source: a dist left from an earlier build would test old code (it takes ~0.1 s).
  execFileSync(process.execPath, [join(cliDir, 'build.mjs')], { stdio: 'pipe' });
}, 60_000);

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

describe('the built peergov, with plain node', () => {
  it('--help lists every command and exits 0', () => {
    const r = peergov('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: peergov \[options\] \[command\]/);
    for (const entry of commandTable) expect(r.stdout).toContain(`  ${entry.name}`);
    expect(r.stdout).toMatch(/tally \[options\] \[file\]\s+count ballots/);
  });

  it('bin/peergov.js, the file npm links as the bin, runs the bundle', () => {
    const r = run(join(cliDir, 'bin', 'peergov.js'), ['--version']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('0.1.0');
  });

  it('the top-level help of the lazy program is the one of the program with every module loaded', async () => {
    const width = (p: ReturnType<typeof buildProgram>) => p.configureHelp({ helpWidth: 100 });
    const lazy = width(await buildProgramFor([])).helpInformation();
    const eager = width(buildProgram()).helpInformation();
    // When this fails, a command's description or options changed: update its row in src/commands/index.ts.
    expect(lazy).toBe(eager);
  });

  it('verify --help shows the options of verify', () => {
    const r = peergov('verify', '--help');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Usage: peergov verify \[options\]/);
    expect(r.stdout).toContain('--public-key <file>');
    expect(r.stdout).toContain('--checkpoint <file>');
  });

  it('help tally and tally --help load tally', () => {
    for (const args of [
      ['help', 'tally'],
      ['tally', '--help'],
    ]) {
      const r = peergov(...args);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/pb\s+participatory budgeting/);
    }
  });

  it('tally pb --rule mes on Assen 2024: the official selection, as text and as --json', () => {
    const text = peergov('tally', 'pb', '--rule', 'mes', assen);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain('funded 9 projects costing 76700');
    const json = peergov('tally', 'pb', '--rule', 'mes', '--json', assen);
    expect(json.status).toBe(0);
    expect([...JSON.parse(json.stdout).selected].sort()).toEqual(assenSelected);
  });

  it('exits 1 with a message on a missing file, and on an unknown command', () => {
    const missing = peergov('tally', 'pb', '--rule', 'mes', join(temp('peergov-none-'), 'none.pb'));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/^peergov: .*none\.pb/);
    const unknown = peergov('talley');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'talley'");
    expect(unknown.stderr).toContain('(Did you mean tally?)');
  });

  it.runIf(webBuilt)('serve finds the checkout’s web app from the bundle', async () => {
    const server = await serve(bin);
    try {
      const page = await fetch(`${server.url}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      expect((await fetch(`${server.url}/api/v1/health`)).status).toBe(200);
      expect(server.output()).not.toContain('web app is missing');
    } finally {
      await server.stop();
    }
  });

  it('serve without a web app answers the API and says in the log that the web app is missing', async () => {
    const server = await serve(bin, { PEERGOV_WEB_DIST: join(temp('peergov-noweb-'), 'none') });
    try {
      expect((await fetch(`${server.url}/api/v1/health`)).status).toBe(200);
      expect((await fetch(`${server.url}/`)).status).toBe(404);
      expect(server.output()).toContain('the web app is missing');
    } finally {
      await server.stop();
    }
  });
});

describe('what each command of the built peergov loads', () => {
  const preload = join(here, 'loaded-packages.mjs');
  let dataDir = '';
  const commonsId = 'c-loads';
  beforeAll(async () => {
    dataDir = temp('peergov-loads-data-');
    const ctx = await createContext({ dataDir, port: 0 });
    const ada = await ctx.auth.signUp('ada@example.org', 'long enough password', 'Ada');
    await ctx.commons.execute(
      commonsId,
      {
        type: 'CreateCommons',
        commonsId,
        name: 'Garden',
        purpose: '',
        charter: '',
        template: 'do-ocracy',
        displayName: 'Ada',
        classes: [],
      },
      ada.id,
    );
    await ctx.store.close();
  }, 60_000);

  /** Runs the built bin; answers what it printed and the npm packages it loaded. */
  const loads = (...args: string[]) => {
    const out = join(temp('peergov-loaded-'), 'loaded.json');
    const r = spawnSync(process.execPath, ['--import', preload, bin, ...args], {
      encoding: 'utf8',
      env: cleanEnv({ PEERGOV_TEST_LOADED: out, DATABASE_URL: '' }),
      timeout: 60_000,
    });
    const packages = new Set<string>(JSON.parse(readFileSync(out, 'utf8')) as string[]);
    return { ...r, packages };
  };
  const server = ['fastify', '@fastify/static', 'argon2'];
  const stores = ['better-sqlite3', 'pg'];
  const loadedOf = (packages: Set<string>, names: string[]) => names.filter((n) => packages.has(n));

  it('the help of each command loads commander alone: neither the server nor a store', () => {
    for (const args of [
      ['--help'],
      ['verify', '--help'],
      ['export', '--help'],
      ['rebuild', '--help'],
      ['serve', '--help'],
      ['admin', 'create-user', '--help'],
      ['tally', '--help'],
    ]) {
      const r = loads(...args);
      expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/^Usage: peergov/);
      expect([...r.packages], args.join(' ')).toEqual(['commander']);
    }
  });

  it('verify, export and rebuild of a SQLite database load better-sqlite3, not pg, fastify or argon2', () => {
    const verify = loads('verify', '--data-dir', dataDir);
    expect(verify.status, verify.stderr).toBe(0);
    expect(verify.stdout).toContain('verified 1 log(s)');
    const exported = loads('export', '--commons', commonsId, '--data-dir', dataDir);
    expect(exported.status, exported.stderr).toBe(0);
    expect(exported.stdout).toContain('"checkpoint"');
    const rebuilt = loads('rebuild', '--data-dir', dataDir);
    expect(rebuilt.status, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toContain('rebuilt 1 commons');
    for (const r of [verify, exported, rebuilt]) {
      expect(loadedOf(r.packages, stores)).toEqual(['better-sqlite3']);
      expect(loadedOf(r.packages, server)).toEqual([]);
    }
  });

  it('serve loads the server (fastify): it fails here after loading it, on a bad port', () => {
    const r = loads('serve', '--port', 'none', '--data-dir', dataDir);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('--port must be a port number (got none)');
    expect(loadedOf(r.packages, server)).toEqual(server);
  });
});

describe('the package npm pack makes, installed with npm install -g', () => {
  let tarball = '';
  beforeAll(() => {
    const out = temp('peergov-pack-');
    const r = spawnSync('npm', ['pack', '--pack-destination', out, '--silent'], {
      cwd: cliDir,
      encoding: 'utf8',
      env: cleanEnv(),
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    const files = readdirSync(out).filter((f) => f.endsWith('.tgz'));
    expect(files).toHaveLength(1);
    const [file] = files;
    if (file === undefined) throw new Error('npm pack made no tarball');
    tarball = join(out, file);
  }, 60_000);

  const install = (prefix: string, scripts: boolean) => {
    const r = spawnSync(
      'npm',
      [
        'install',
        '-g',
        '--prefix',
        prefix,
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        ...(scripts ? [] : ['--ignore-scripts']),
        tarball,
      ],
      { encoding: 'utf8', env: cleanEnv(), timeout: 300_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    return join(prefix, 'bin', 'peergov');
  };

  it('carries the bundle (and the web app when it is built), not the sources', () => {
    const r = spawnSync('tar', ['-tzf', tarball], { encoding: 'utf8' });
    const files = r.stdout.split('\n').filter(Boolean);
    expect(files).toContain('package/dist/peergov.js');
    expect(files).toContain('package/bin/peergov.js');
    expect(files.some((f) => f.startsWith('package/src/'))).toBe(false);
    if (webBuilt) expect(files).toContain('package/dist/web/index.html');
  });

  it('gives a peergov on the prefix’s PATH that runs --help and a tally', () => {
    // Without install scripts (fast): neither --help nor tally loads a native module.
    const peergovBin = install(temp('peergov-global-'), false);
    const help = run(peergovBin, ['--help']);
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: peergov \[options\] \[command\]/);
    const tally = run(peergovBin, ['tally', 'pb', '--rule', 'mes', '--json', assen]);
    expect(tally.status, tally.stderr).toBe(0);
    expect([...JSON.parse(tally.stdout).selected].sort()).toEqual(assenSelected);
  }, 120_000);

  it.runIf(process.env.PEERGOV_INSTALL_TEST === 'full')(
    'installed with its install scripts, serves the API and its own copy of the web app',
    async () => {
      const peergovBin = install(temp('peergov-global-full-'), true);
      const server = await serve(peergovBin);
      try {
        expect((await fetch(`${server.url}/api/v1/health`)).status).toBe(200);
        const page = await fetch(`${server.url}/`);
        expect(page.status).toBe(webBuilt ? 200 : 404);
        expect(server.output().includes('web app is missing')).toBe(!webBuilt);
      } finally {
        await server.stop();
      }
    },
    400_000,
  );
});
