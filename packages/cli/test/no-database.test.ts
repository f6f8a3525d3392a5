import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

const bin = resolve(import.meta.dirname, '../src/bin.ts');
const tsx = resolve(import.meta.dirname, '../../../node_modules/tsx/dist/esm/index.mjs');
const dirs: string[] = [];
const emptyDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'peergov-nodb-'));
  dirs.push(dir);
  return dir;
};
// Run from `cwd`, with neither PEERGOV_DATA_DIR nor DATABASE_URL set: the default data dir is ./data there.
const runIn = (cwd: string, ...args: string[]) => {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '' };
  delete env.PEERGOV_DATA_DIR;
  return spawnSync(process.execPath, ['--import', tsx, bin, ...args], { cwd, encoding: 'utf8', env });
};

describe('commands that read a database, where there is none', () => {
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('export without --data-dir refuses, saying why, and creates nothing in the current folder', () => {
    const cwd = emptyDir();
    const r = runIn(cwd, 'export', '--commons', 'c1');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`there is no database at ${join(cwd, 'data', 'peergov.sqlite')}`);
    expect(r.stderr).toMatch(/--data-dir/);
    expect(r.stdout).toBe('');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('export, verify and rebuild with a --data-dir that has a key but no database refuse and create none', () => {
    const dataDir = emptyDir();
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(join(dataDir, 'signing-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    for (const args of [['export', '--commons', 'c1'], ['verify'], ['rebuild']]) {
      const r = runIn(emptyDir(), ...args, '--data-dir', dataDir);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('there is no database at');
      expect(readdirSync(dataDir)).toEqual(['signing-key.pem']);
    }
  });
});
