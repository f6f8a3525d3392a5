// Shared by the attack suites (pollution, authorization, fuzz): the routes of the OpenAPI document, the shape a
// refusal must have, and a snapshot of everything a refused request must not have changed.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { CommonsService } from '../src/commons-service';
import { closeDueProposals } from '../src/closer';
import { Person, type TestApp } from './harness';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface Route {
  method: Method;
  /** As the OpenAPI document writes it: /api/v1/commons/{id}. */
  path: string;
  /** `${method} ${path}` */
  key: string;
  params: string[];
  query: string[];
  /** Query parameters the operation requires. */
  requiredQuery: string[];
  hasBody: boolean;
  /** The JSON Schema of the body, when there is one. */
  bodySchema?: unknown;
}

/** Every operation of GET /api/openapi.json. */
export async function loadRoutes(app: FastifyInstance): Promise<Route[]> {
  const doc = (await app.inject({ url: '/api/openapi.json' })).json();
  const routes: Route[] = [];
  for (const [path, item] of Object.entries(
    doc.paths as Record<
      string,
      Record<
        string,
        {
          parameters?: { in: string; name: string; required?: boolean }[];
          requestBody?: { content?: Record<string, { schema?: unknown }> };
        }
      >
    >,
  )) {
    for (const [m, op] of Object.entries(item)) {
      const method = m.toUpperCase() as Method;
      routes.push({
        method,
        path,
        key: `${method} ${path}`,
        params: (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        query: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
        requiredQuery: (op.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => p.name),
        hasBody: op.requestBody !== undefined,
        bodySchema: op.requestBody?.content?.['application/json']?.schema,
      });
    }
  }
  return routes;
}

/**
 * Percent-encodes a URL part. A lone surrogate (which encodeURIComponent refuses) is sent as the three bytes a
 * careless encoder would write for it (WTF-8), which are not UTF-8: the server must refuse them.
 */
export function encodePart(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const pair =
      c >= 0xd800 && c <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (pair) {
      out += encodeURIComponent(value.slice(i, i + 2));
      i += 1;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += [0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f)]
        .map((b) => `%${b.toString(16).toUpperCase()}`)
        .join('');
    } else {
      out += encodeURIComponent(value.charAt(i));
    }
  }
  return out;
}

/** Puts values into a path's {params}. */
export function fillPath(path: string, values: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => encodePart(values[name] ?? 'missing'));
}

/**
 * A valid value for every required query parameter (all of them are log sizes or positions today), leaving out
 * `except`: '' or '?from=0'.
 */
export function requiredQuery(r: Route, except?: string): string {
  const parts = r.requiredQuery.filter((q) => q !== except).map((q) => `${q}=0`);
  return parts.length > 0 ? `?${parts.join('&')}` : '';
}

/** What is wrong with an answer that must be a refusal: a 4xx application/problem+json with a code. */
export function problemFaults(r: LightMyRequestResponse): string[] {
  const faults: string[] = [];
  if (r.statusCode < 400 || r.statusCode >= 500) faults.push(`status ${r.statusCode}`);
  if (!/^application\/problem\+json/.test(String(r.headers['content-type'])))
    faults.push(`content-type ${String(r.headers['content-type'])}`);
  let p: Record<string, unknown> = {};
  try {
    p = r.json();
  } catch {
    faults.push('body is not JSON');
  }
  if (typeof p.code !== 'string' || !/^[a-z][a-z_]*$/.test(p.code)) faults.push(`code ${String(p.code)}`);
  if (faults.length > 0) faults.push(`body ${r.body.slice(0, 200)}`);
  return faults;
}

/** What is wrong with any answer: never a 5xx, and a 4xx is a proper problem. */
export function answerFaults(r: LightMyRequestResponse): string[] {
  if (r.statusCode >= 500) return [`status ${r.statusCode}: ${r.body.slice(0, 200)}`];
  if (r.statusCode >= 400) return problemFaults(r);
  return [];
}

/** The code of a problem answer, or ''. */
export function codeOf(r: LightMyRequestResponse): string {
  try {
    return String(r.json().code ?? '');
  } catch {
    return '';
  }
}

/**
 * What a refused request must leave as it was, read through the API (accounts and commons counted by
 * GET /api/v1/setup, the size of every commons' log by GET .../log) and the store (every account's API tokens).
 */
export async function snapshot(t: TestApp, accountIds: string[] = []): Promise<string> {
  const setup = (await t.app.inject({ url: '/api/v1/setup' })).json();
  const sizes: Record<string, number> = {};
  const invitations: Record<string, number> = {};
  for (const id of await t.ctx.store.listCommonsIds()) {
    const r = await t.app.inject({ url: `/api/v1/commons/${id}/log?limit=1` });
    sizes[id] = r.json().size;
    invitations[id] = (await t.ctx.store.listInvitations(id, 1000)).length;
  }
  const tokens: number[] = [];
  for (const a of accountIds) tokens.push((await t.ctx.store.listApiTokens(a)).length);
  return JSON.stringify({ accounts: setup.accounts, commons: setup.commons, sizes, invitations, tokens });
}

/**
 * Closes every proposal (of one commons, or of all) whose closing time falls within `days` from now, as the
 * platform's clock would then: a second service on the same store with a clock moved forward (the app's own
 * service reloads on its next write).
 */
export async function closeAsIfLater(t: TestApp, days = 30, commonsId?: string): Promise<number> {
  const later = new Date(Date.now() + days * 86_400_000);
  const service = new CommonsService(t.ctx.store, t.ctx.keys, () => later);
  if (commonsId === undefined) return closeDueProposals(service, later);
  const state = await service.get(commonsId);
  let closed = 0;
  for (const p of Object.values(state?.proposals ?? {})) {
    if (p.status !== 'open' || p.closesAt > later.toISOString()) continue;
    await service.execute(commonsId, { type: 'CloseProposal', proposalId: p.id }, null);
    closed += 1;
  }
  return closed;
}

/** The objects every plain object reaches through its prototype: an attack on `x[name]` lands on one of them. */
function sharedObjects(): [string, object][] {
  const plain = {} as Record<string, unknown>;
  const out: [string, object][] = [
    ['Object.prototype', Object.prototype],
    ['Object', Object],
    ['Function.prototype', Function.prototype],
  ];
  for (const name of ['toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable']) {
    out.push([`Object.prototype.${name}`, plain[name] as object]);
  }
  return out;
}

/** The own property names of every shared object, to compare before and after an attack in the same process. */
export function prototypeKeys(): Record<string, string[]> {
  return Object.fromEntries(sharedObjects().map(([n, o]) => [n, Object.getOwnPropertyNames(o).sort()]));
}

/**
 * Removes what an attack added to the shared objects (so that one failing test does not spoil the others) and
 * says what it was: [] when nothing was added.
 */
export function restorePrototype(before: Record<string, string[]>): string[] {
  const added: string[] = [];
  for (const [name, o] of sharedObjects()) {
    for (const k of Object.getOwnPropertyNames(o)) {
      if (before[name]?.includes(k)) continue;
      added.push(`${name}.${k}`);
      delete (o as Record<string, unknown>)[k];
    }
  }
  return added;
}

/** Names that are properties of every plain object. */
export const PROTO_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
] as const;

/** A signed-up, signed-in person (Person.signUp signs in after sign-up). */
export function person(app: FastifyInstance, email: string, name: string): Promise<Person> {
  return new Person(app, email, name).signUp();
}

/** The password Person.signUp uses. */
export const PASSWORD = 'correct horse battery';

/** A valid action for the proposal operations: resolutions decided by a majority vote with a quorum of a third. */
export const VOTE_ON_RESOLUTIONS = {
  kind: 'amend_constitution',
  rules: {
    resolution: {
      type: 'vote',
      hours: 48,
      threshold: { num: 1, den: 2 },
      strict: true,
      quorum: { num: 1, den: 3 },
      abstentions: 'ignored',
    },
  },
} as const;

export interface World {
  /** Founder of `commonsId` (multi-stakeholder-coop), holds the membership secretary role, proposer of `pid`. */
  ada: Person;
  /** Member of `commonsId`. */
  bob: Person;
  /** Signed in, no member of anything. */
  cara: Person;
  commonsId: string;
  /** An open resolution by Ada. */
  pid: string;
  /** A comment by Ada on `pid`. */
  cid: string;
  /** A token of Ada's that routes may aim at. */
  tokenId: string;
}

/** A co-operative of two members with an open proposal, a comment and a token. */
export async function foundWorld(t: TestApp, tag = ''): Promise<World> {
  const ada = await person(t.app, `ada${tag}@example.org`, 'Ada');
  const bob = await person(t.app, `bob${tag}@example.org`, 'Bob');
  const cara = await person(t.app, `cara${tag}@example.org`, 'Cara');
  const created = await ada.call('POST', '/api/v1/commons', {
    name: 'Orchard',
    template: 'multi-stakeholder-coop',
    classes: ['workers'],
  });
  if (created.statusCode !== 201) throw new Error(`founding failed: ${created.body}`);
  const commonsId: string = created.json().id;
  const c = `/api/v1/commons/${commonsId}`;
  const invite = await ada.call('POST', `${c}/proposals`, {
    title: 'Admit Bob',
    action: { kind: 'admit_member', accountId: bob.id, classes: ['users'] },
  });
  if (invite.statusCode !== 201) throw new Error(`invite failed: ${invite.body}`);
  await closeAsIfLater(t, 30, commonsId);
  const me = (await bob.call('GET', c)).json().me;
  if (me?.status !== 'member') throw new Error(`Bob was not admitted: ${JSON.stringify(me)}`);
  const open = await ada.call('POST', `${c}/proposals`, {
    title: 'Paint the shed',
    action: { kind: 'resolution', text: 'Green' },
  });
  if (open.statusCode !== 201) throw new Error(`proposal failed: ${open.body}`);
  const pid: string = open.json().id;
  const comment = await ada.call('POST', `${c}/proposals/${pid}/comments`, { text: 'Which green?' });
  if (comment.statusCode !== 201) throw new Error(`comment failed: ${comment.body}`);
  const token = await ada.call('POST', '/api/v1/tokens', { name: 'decoy' });
  return { ada, bob, cara, commonsId, pid, cid: comment.json().id, tokenId: token.json().id };
}
