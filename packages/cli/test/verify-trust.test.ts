// verify with only the public key and a checkpoint saved earlier, export of both, and rebuild of the read models,
// each run as a process on a SQLite data dir changed behind the server's back.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKey } from '@peergov/kernel/log';
import { createContext } from '@peergov/server';

const bin = resolve(import.meta.dirname, '../src/bin.ts');
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', bin, ...args], {
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '' },
  });

describe('peergov verify --public-key --checkpoint, export --public-key-out, rebuild', () => {
  let dir: string;
  let dataDir: string;
  let file: string;
  const commonsId = 'c-trust';
  const out = (name: string) => join(dir, name);

  /** Adds `n` applicants (each a proposal with 4 records) through the write path, then closes the store. */
  async function grow(from: number, n: number) {
    const ctx = await createContext({ dataDir, port: 0 });
    try {
      if (from === 0) {
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
      }
      for (let i = from; i < from + n; i++) {
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
    } finally {
      await ctx.store.close();
    }
  }

  const sql = <T>(fn: (db: Database.Database) => T): T => {
    const db = new Database(file);
    try {
      return fn(db);
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'peergov-cli-trust-'));
    dataDir = join(dir, 'data');
    file = join(dataDir, 'peergov.sqlite');
    await grow(0, 2);
    // A backup of the whole database at this point, for the rollback below.
    copyFileSync(file, out('backup.sqlite'));
    const early = run(
      'export',
      '--data-dir',
      dataDir,
      '--commons',
      commonsId,
      '--checkpoint-out',
      out('early.json'),
    );
    expect(early.status, early.stderr).toBe(0);
    await grow(2, 2);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('export --public-key-out writes the public key alone; --checkpoint-out the signed checkpoint', () => {
    const r = run(
      'export',
      '--data-dir',
      dataDir,
      '--public-key-out',
      out('instance.pub.pem'),
      '--commons',
      commonsId,
      '--checkpoint-out',
      out('latest.json'),
      '--out',
      out('log.jsonl'),
    );
    expect(r.status, r.stderr).toBe(0);
    const pem = readFileSync(out('instance.pub.pem'), 'utf8');
    expect(pem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(pem).not.toMatch(/PRIVATE/);
    const saved = JSON.parse(readFileSync(out('latest.json'), 'utf8'));
    expect(saved).toMatchObject({ checkpoint: { commons: commonsId, size: 1 + 4 * 4 } });
    expect(typeof saved.signature).toBe('string');
    // Without --commons, only the key.
    const keyOnly = run('export', '--data-dir', dataDir, '--public-key-out', out('again.pem'));
    expect(keyOnly.status, keyOnly.stderr).toBe(0);
    expect(keyOnly.stdout).toBe('');
    expect(readFileSync(out('again.pem'), 'utf8')).toBe(pem);
  });

  it('verifies with only the public key and saved checkpoints (a checkpoint file or a whole export)', () => {
    for (const saved of ['early.json', 'latest.json', 'log.jsonl']) {
      const r = run(
        'verify',
        '--data-dir',
        dataDir,
        '--public-key',
        out('instance.pub.pem'),
        '--checkpoint',
        out(saved),
      );
      expect(r.status, saved + r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(
        new RegExp(`ok +${commonsId}: 17 records, root [0-9a-f]{64}; (extends|matches)`),
      );
      expect(r.stderr).toBe('');
    }
    expect(run('verify', '--data-dir', dataDir, '--checkpoint', out('early.json')).stdout).toMatch(
      /extends the saved checkpoint of 9 records \(consistency proof of \d+ hashes\)/,
    );
    // Falling back on the key beside the database works, and says why it is not enough.
    const fallback = run('verify', '--data-dir', dataDir);
    expect(fallback.status).toBe(0);
    expect(fallback.stderr).toMatch(/note: checking with the signing key beside the database/);
  });

  it('names the checkpoint when the key is not the one that signed it', () => {
    writeFileSync(out('other.pem'), generateSigningKey().publicKey);
    const r = run('verify', '--data-dir', dataDir, '--public-key', out('other.pem'));
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`FAIL  ${commonsId}: checkpoint: signature is not valid for this key`);
    const saved = run(
      'verify',
      '--data-dir',
      dataDir,
      '--public-key',
      out('instance.pub.pem'),
      '--checkpoint',
      out('latest.json'),
      '--commons',
      'someone-else',
    );
    expect(saved.status).toBe(1);
    expect(saved.stderr).toMatch(/saved checkpoint is for commons c-trust, not someone-else/);
  });

  it('an edited document fails verify naming it; rebuild rewrites the documents from the log', () => {
    const docs = () =>
      sql(
        (db) => db.prepare('SELECT kind, id, body FROM docs ORDER BY kind, id').all() as { body: string }[],
      ).map(
        // Compared as JSON values: the rebuilt bodies' keys come in the log's (sorted) order.
        (d) => ({ ...d, body: JSON.parse(d.body) as unknown }),
      );
    const before = docs();
    sql((db) => {
      db.prepare(
        "UPDATE docs SET body = json_set(body, '$.title', 'Forged') WHERE kind = 'proposal' AND id = 'p1'",
      ).run();
      db.prepare("DELETE FROM docs WHERE kind = 'proposal' AND id = 'p3'").run();
    });
    const bad = run('verify', '--data-dir', dataDir, '--public-key', out('instance.pub.pem'));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(
      new RegExp(`FAIL  ${commonsId}: document proposal "p1" differs from what the log gives \\(in title\\)`),
    );
    // --no-docs checks the log only.
    expect(
      run('verify', '--data-dir', dataDir, '--public-key', out('instance.pub.pem'), '--no-docs').status,
    ).toBe(0);

    const rebuilt = run('rebuild', '--data-dir', dataDir, '--public-key', out('instance.pub.pem'));
    expect(rebuilt.status, rebuilt.stdout + rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(
      new RegExp(
        `ok +${commonsId}: rewrote \\d+ documents from 17 records \\(before: document proposal "p1" differs`,
      ),
    );
    expect(docs()).toEqual(before);
    expect(run('verify', '--data-dir', dataDir, '--public-key', out('instance.pub.pem')).status).toBe(0);
    const again = run(
      'rebuild',
      '--data-dir',
      dataDir,
      '--commons',
      commonsId,
      '--public-key',
      out('instance.pub.pem'),
    );
    expect(again.stdout).toMatch(/they already matched the log/);
  });

  it('rebuild refuses to touch the documents of a log that fails verification', () => {
    const { body } = sql(
      (db) =>
        db.prepare('SELECT body FROM records WHERE commons_id = ? AND seq = 5').get(commonsId) as {
          body: string;
        },
    );
    sql((db) => {
      db.prepare('UPDATE records SET body = ? WHERE commons_id = ? AND seq = 5').run(
        body.replace('Bob', 'Rob'),
        commonsId,
      );
      db.prepare(
        "UPDATE docs SET body = json_set(body, '$.title', 'Forged') WHERE kind = 'proposal' AND id = 'p1'",
      ).run();
    });
    const r = run('rebuild', '--data-dir', dataDir, '--public-key', out('instance.pub.pem'));
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`FAIL  ${commonsId}: record 5: .*; documents left as they are`));
    expect(
      sql(
        (db) =>
          (
            db.prepare("SELECT body FROM docs WHERE kind = 'proposal' AND id = 'p1'").get() as {
              body: string;
            }
          ).body,
      ),
    ).toMatch(/Forged/);
    sql((db) =>
      db.prepare('UPDATE records SET body = ? WHERE commons_id = ? AND seq = 5').run(body, commonsId),
    );
    expect(run('rebuild', '--data-dir', dataDir, '--public-key', out('instance.pub.pem')).status).toBe(0);
  });

  it('a rollback to an older backup passes on its own and fails against the checkpoint saved later', () => {
    for (const suffix of ['-wal', '-shm']) if (existsSync(file + suffix)) rmSync(file + suffix);
    copyFileSync(out('backup.sqlite'), file);
    const alone = run('verify', '--data-dir', dataDir, '--public-key', out('instance.pub.pem'));
    expect(alone.status, alone.stdout).toBe(0);
    expect(alone.stdout).toMatch(/9 records/);
    const r = run(
      'verify',
      '--data-dir',
      dataDir,
      '--public-key',
      out('instance.pub.pem'),
      '--checkpoint',
      out('latest.json'),
    );
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      `FAIL  ${commonsId}: saved checkpoint: it covers 17 records but the log now has only 9: the log was truncated or rolled back`,
    );
  });

  it('has --help on rebuild', () => {
    const r = run('rebuild', '--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: peergov rebuild/);
  });
});
