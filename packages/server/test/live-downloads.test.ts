// What an idle viewer downloads while others write elsewhere: a page showing proposal A of a commons of 2,000
// members follows its live updates over real HTTP while 20 positions are taken on proposal B, and loads again what
// the web app loads for each event (its own rules, packages/web/src/components/use-live-updates.ts). Before live
// events said what changed, every event made the page load the whole commons view (every member) and the proposal
// again: that figure is computed from the same state, as that view serialised its members.
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { own } from '@peergov/kernel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCommons } from '../../../bench/seed';
import { openStore } from '@peergov/store';
import { loadSigningKeys } from '../src/keys';
import { startServer, type RunningServer } from '../src/index';
import { touchesCommons, touchesProposal, type LiveChange } from '../../web/src/components/use-live-updates';

const MEMBERS = 2000;
const WRITES = 20;

describe('an idle viewer of one proposal while others write on another', () => {
  let server: RunningServer;
  let dataDir: string;
  let seeded: Awaited<ReturnType<typeof seedCommons>>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'peergov-live-bytes-'));
    const store = openStore({ dataDir });
    await store.migrate?.();
    seeded = await seedCommons(store, loadSigningKeys(dataDir), {
      id: 'cbytes',
      members: MEMBERS,
      proposals: 2,
      positions: 0,
      tokens: WRITES,
    });
    await store.close();
    server = await startServer({ dataDir, port: 0, logLevel: 'silent', closeIntervalMs: 0 });
  }, 120_000);
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('downloads the events and only what they touched, far less than the whole commons per write', async () => {
    const c = `/api/v1/commons/${seeded.id}`;
    const [a, b] = seeded.proposalIds as [string, string];
    const bytesOf = async (path: string) =>
      (await (await fetch(`${server.url}${path}`)).arrayBuffer()).byteLength;
    const events: LiveChange[] = [];
    let streamed = 0;
    const stream = await new Promise<http.IncomingMessage>((resolve) =>
      http.get(`${server.url}${c}/events`, { headers: { accept: 'text/event-stream' } }, resolve),
    );
    stream.setEncoding('utf8');
    let buffer = '';
    stream.on('data', (chunk: string) => {
      streamed += Buffer.byteLength(chunk);
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const data = buffer
          .slice(0, end)
          .split('\n')
          .find((l) => l.startsWith('data: '));
        buffer = buffer.slice(end + 2);
        if (data) events.push(JSON.parse(data.slice(6)) as LiveChange);
      }
    });
    try {
      for (const token of seeded.tokens) {
        const r = await fetch(`${server.url}${c}/proposals/${b}/position`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ stance: 'agree' }),
        });
        expect(r.status).toBe(200);
      }
      await expect.poll(() => events.length, { timeout: 10_000 }).toBe(WRITES);

      // What the page loads again for each event, now: the commons view if it changed, proposal A if touched, and
      // the browser's own log check (the signed checkpoint and a consistency proof), as before.
      let now = streamed;
      let before = streamed;
      const commons = await bytesOf(c);
      const proposal = await bytesOf(`${c}/proposals/${a}`);
      const check = (await bytesOf(`${c}/log/checkpoint`)) + (await bytesOf(`${c}/log/consistency?from=2`));
      // The commons view as it was: this one plus every current member and applicant with their roles.
      const state = await server.context.commons.get(seeded.id);
      const members = Object.values(state!.core.members)
        .filter((m) => m.status === 'member' || m.status === 'applicant')
        .map(({ admission: _a, ...m }) => ({ ...m, roles: [] as string[] }));
      const wholeCommons = commons + Buffer.byteLength(JSON.stringify(members));
      for (const e of events) {
        expect(e.proposals).toEqual([b]);
        expect(touchesProposal(e, a)).toBe(false);
        expect(touchesCommons(e)).toBe(false);
        now += check + (touchesCommons(e) ? await bytesOf(c) : 0) + (touchesProposal(e, a) ? proposal : 0);
        before += check + wholeCommons + proposal;
      }
      expect(own(state!.proposals, b)?.positionCount).toBe(WRITES);
      console.log(
        `idle viewer of proposal A, ${WRITES} writes on B, ${MEMBERS + 1} members: ${(before / 1024).toFixed(0)} KiB before ` +
          `(the whole commons view, ${(wholeCommons / 1024).toFixed(0)} KiB, and the proposal per event), ` +
          `${(now / 1024).toFixed(1)} KiB now (events ${streamed} B, log checks ${check} B per event)`,
      );
      expect(now * 20).toBeLessThan(before);
    } finally {
      stream.destroy();
    }
  }, 120_000);
});
