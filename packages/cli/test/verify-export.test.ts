import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromHex, verifyInclusion } from '@peergov/kernel/log';
import { createContext } from '@peergov/server';

const bin = resolve(import.meta.dirname, '../src/bin.ts');
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '' },
  });

describe('peergov verify and export on a live SQLite database', () => {
  let dataDir: string;
  let commonsId: string;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'peergov-cli-'));
    const ctx = await createContext({ dataDir, port: 0 });
    const ada = await ctx.auth.signUp('ada@example.org', 'long enough password', 'Ada');
    commonsId = 'c-test';
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
    for (let i = 0; i < 6; i++) {
      const bob = await ctx.auth.signUp(`bob${i}@example.org`, 'long enough password', `Bob ${i}`);
      await ctx.commons.execute(
        commonsId,
        {
          type: 'ApplyForMembership',
          proposalId: `p${i}`,
          displayName: `Bob ${i}`,
          classes: [],
          statement: '',
        },
        bob.id,
      );
    }
    await ctx.store.close();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('exports JSON lines whose inclusion proofs verify against the signed root', () => {
    const r = run('export', '--commons', commonsId, '--data-dir', dataDir);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const last = lines.pop();
    expect(last.checkpoint).toMatchObject({ commons: commonsId, size: lines.length, root: last.root });
    expect(lines.length).toBe(1 + 6 * 4);
    for (const l of lines) {
      expect(
        verifyInclusion(l.seq, lines.length, fromHex(l.leafHash), l.proof.map(fromHex), fromHex(last.root)),
      ).toBe(true);
    }
  });

  it('exits 0 when every log verifies', () => {
    const r = run('verify', '--data-dir', dataDir);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`ok +${commonsId}: 25 records`));
  });

  it('exits 1 naming the record after any single stored byte changes', () => {
    const db = new Database(join(dataDir, 'peergov.sqlite'));
    const { body } = db
      .prepare('SELECT body FROM records WHERE commons_id = ? AND seq = 7')
      .get(commonsId) as { body: string };
    // Change one byte in the middle of the record (a character of its data).
    const i = Math.floor(body.length / 2);
    const changed = body.slice(0, i) + String.fromCharCode(body.charCodeAt(i) ^ 1) + body.slice(i + 1);
    db.prepare('UPDATE records SET body = ? WHERE commons_id = ? AND seq = 7').run(changed, commonsId);
    db.close();
    const r = run('verify', '--data-dir', dataDir, '--commons', commonsId);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`FAIL +${commonsId}: record 7:`));
  });

  it('admin create-user creates an account that can sign in, and refuses a short password', async () => {
    const ok = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        bin,
        'admin',
        'create-user',
        '--email',
        'Root@Example.org',
        '--name',
        'Root',
        '--password-stdin',
        '--data-dir',
        dataDir,
      ],
      { encoding: 'utf8', input: 'a long admin password\n', env: { ...process.env, DATABASE_URL: '' } },
    );
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/created account a\S+ for root@example.org/);
    const ctx = await createContext({ dataDir, port: 0 });
    try {
      await expect(ctx.auth.signIn('root@example.org', 'a long admin password')).resolves.toMatchObject({
        displayName: 'Root',
      });
    } finally {
      await ctx.store.close();
    }
    const short = run(
      'admin',
      'create-user',
      '--email',
      'x@example.org',
      '--name',
      'X',
      '--password',
      'short',
      '--data-dir',
      dataDir,
    );
    expect(short.status).toBe(1);
    expect(short.stderr).toMatch(/at least 8 characters/);
  });

  it('has --help on every command', () => {
    for (const cmd of [
      'serve',
      'verify',
      'export',
      'rebuild',
      'admin',
      'admin create-user',
      'tally',
      'tally pb',
      'opinion-map',
    ]) {
      const r = run(...cmd.split(' '), '--help');
      expect(r.status, cmd).toBe(0);
      expect(r.stdout).toMatch(/Usage: peergov/);
    }
  });
});
