// Issue 8: the holes in authentication and the HTTP layer found when the platform was attacked. Each test here failed
// on the code before the fix: sign-in limits split by spelling the email differently and blind to password spraying,
// sign-up and invitations telling who has an account, missing CSP and Permissions-Policy, cookies not Secure over
// HTTPS behind a proxy, the HTTP parser's errors not problem+json, invalid UTF-8 stored as U+FFFD, and display names
// of invisible characters or claiming titles.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import argon2 from 'argon2';
import { checkDisplayName, DomainError, normaliseEmail } from '@peergov/kernel';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AttemptLimiter } from '../src/limits';
import { configFromEnv, defaultWebDist, parseTrustProxy } from '../src/server';
import { requirePostgres } from '../../store/test/pg-available';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the auth hardening suite on PostgreSQL');
const PASSWORD = 'correct horse battery';

const signIn = (app: FastifyInstance, email: string, password: string, remoteAddress = '127.0.0.1') =>
  app.inject({ method: 'POST', url: '/api/v1/auth/signin', payload: { email, password }, remoteAddress });
const signUp = (app: FastifyInstance, email: string, password: string, displayName: string) =>
  app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload: { email, password, displayName } });

function expectProblem(r: LightMyRequestResponse, status: number, code: string): void {
  expect(r.statusCode, r.body).toBe(status);
  expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(r.json()).toMatchObject({ status, code });
}

describe('pure parts', () => {
  it('normalises an email in one way: NFKC, invisible characters, surrounding space, case', () => {
    for (const e of [
      'victim@x.org',
      ' victim@x.org',
      'victim@x.org\t',
      '\u00a0victim@x.org',
      'VICTIM@X.ORG',
      '\uff56ictim@x.org', // fullwidth v
      'vic\u200btim@x.org',
      '\ufeffvictim@x.org\u3000',
    ])
      expect(normaliseEmail(e), JSON.stringify(e)).toBe('victim@x.org');
    for (const e of ['İ@x.org', 'Straße@x.org', 'ǅ@x.org'])
      expect(normaliseEmail(normaliseEmail(e))).toBe(normaliseEmail(e));
  });

  it('refuses display names without a visible letter or digit', () => {
    for (const name of [
      '\u200b',
      '\u200b\u200c\u200d',
      '\u2060\ufeff',
      '\u0301\u0302',
      '   \t ',
      '\u3164',
      '\u2800',
      '\u202e\u202c',
      '...',
    ]) {
      let error: unknown;
      try {
        checkDisplayName(name);
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(name)).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe('invalid_input');
      expect((error as DomainError).details).toEqual({ field: 'displayName' });
    }
  });

  it('refuses display names that claim a platform title, in brackets, alone, before or after the name', () => {
    for (const name of [
      'F (founder, verified admin)',
      'admin',
      'Admin',
      'moderator',
      '(verified)',
      'Ada [mod]',
      'Bob, admin',
      'Cy - Moderator',
      'Dee Administrator',
      'Eve (Official)',
      'Staff',
      'System',
      'Admin: Fay',
      'Gus ✓',
      '\uff41\uff44\uff4d\uff49\uff4e', // fullwidth "admin"
      'Hal (co-founder)',
      'verified admin',
    ])
      expect(() => checkDisplayName(name), name).toThrow(DomainError);
  });

  it('keeps ordinary names, tidied: NFC, invisible characters dropped, whitespace collapsed', () => {
    expect(checkDisplayName('  Ada   Lovelace ')).toBe('Ada Lovelace');
    expect(checkDisplayName('Zoe\u0301')).toBe('Zoé');
    expect(checkDisplayName('Ada\u200b')).toBe('Ada');
    for (const name of [
      '李小龍',
      'Fred Modest',
      'Officially Ada',
      'Sam Admiral',
      'Mia Systemova',
      '7',
      'Ōta',
    ])
      expect(checkDisplayName(name)).toBe(name);
  });

  it('limits attempts per key in a window, gives back, and forgets expired keys first', () => {
    let now = 0;
    const l = new AttemptLimiter(2, 1000, () => now, 3);
    expect([l.take('a'), l.take('a'), l.take('a')]).toEqual([0, 0, 1]);
    l.giveBack('a');
    expect(l.take('a')).toBe(0);
    now = 1000;
    expect(l.take('a')).toBe(0);
    for (const k of ['b', 'c', 'd', 'e']) l.take(k);
    expect(l.take('e')).toBe(0);
    expect(l.take('e')).toBe(1);
  });

  it('reads PEERGOV_TRUST_PROXY and keeps PEERGOV_SECURE_COOKIES=1', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('')).toBe(false);
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/8, loopback')).toEqual(['10.0.0.0/8', 'loopback']);
    expect(() => parseTrustProxy('evil proxy')).toThrow(/not an address/);
    const config = configFromEnv({ PEERGOV_TRUST_PROXY: '1', PEERGOV_SECURE_COOKIES: '1' });
    expect(config.trustProxy).toBe(1);
    expect(config.secureCookies).toBe(true);
    expect(configFromEnv({}).trustProxy).toBe(false);
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`sign-in limits on ${kind}`, () => {
    let t: TestApp | undefined;
    afterEach(async () => {
      await t?.close();
      t = undefined;
    });

    it('counts every spelling of one email as one (trim, NFKC, case): the fourth try waits', async () => {
      t = await testApp(kind, { signInPerMinute: 3 });
      await new Person(t.app, 'victim@example.org', 'Victim').signUp();
      for (const spelling of [' victim@example.org', 'victim@example.org\t', '\u00a0VICTIM@example.org'])
        expectProblem(await signIn(t.app, spelling, 'guess'), 401, 'invalid_credentials');
      const limited = await signIn(t.app, '\uff56ictim@example.org', PASSWORD);
      expectProblem(limited, 429, 'rate_limited');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // Someone else from the same address is not locked out.
      await new Person(t.app, 'other@example.org', 'Other').signUp();
    });

    it('limits guesses at one account from many addresses', async () => {
      t = await testApp(kind, { signInPerAccountPerHour: 3 });
      await new Person(t.app, 'victim@example.org', 'Victim').signUp();
      for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3'])
        expectProblem(await signIn(t.app, 'victim@example.org', 'guess', ip), 401, 'invalid_credentials');
      expectProblem(await signIn(t.app, 'Victim@example.org', 'guess', '10.0.0.4'), 429, 'rate_limited');
      // Other accounts are untouched.
      expect((await signIn(t.app, 'nobody@example.org', 'guess', '10.0.0.4')).statusCode).toBe(401);
    });

    it('limits one password sprayed over many accounts from one address', async () => {
      t = await testApp(kind, { signInPerAddressPerHour: 5 });
      const codes: number[] = [];
      for (let i = 0; i < 8; i++)
        codes.push((await signIn(t.app, `user${i}@example.org`, 'Summer2024!', '10.0.0.9')).statusCode);
      expect(codes).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
      expect((await signIn(t.app, 'user0@example.org', 'Summer2024!', '10.0.0.10')).statusCode).toBe(401);
    });

    it('does not count successful sign-ins (a household signing in is not spraying)', async () => {
      t = await testApp(kind, { signInPerAddressPerHour: 2, signInPerMinute: 2 });
      for (let i = 0; i < 4; i++) await new Person(t.app, `p${i}@example.org`, `P${i}`).signUp();
      const p = new Person(t.app, 'p0@example.org', 'P0');
      for (let i = 0; i < 3; i++) expect((await signIn(t.app, p.email, PASSWORD)).statusCode).toBe(200);
    });

    it('takes the attempt before checking the password: concurrent guesses cannot all slip under', async () => {
      t = await testApp(kind, { signInPerMinute: 3 });
      await new Person(t.app, 'victim@example.org', 'Victim').signUp();
      const app = t.app;
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => signIn(app, 'victim@example.org', `guess ${i}`)),
      );
      expect(answers.filter((r) => r.statusCode === 401)).toHaveLength(3);
      expect(answers.filter((r) => r.statusCode === 429)).toHaveLength(7);
    });
  });

  describe.skipIf(kind === 'postgres' && !pgOk)(`no account enumeration on ${kind}`, () => {
    let t: TestApp;
    let ada: Person;
    let outsider: Person;
    let commonsId: string;
    beforeAll(async () => {
      t = await testApp(kind, { accountLookupsPerHour: 3 });
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      outsider = await new Person(t.app, 'out@example.org', 'Out').signUp();
      commonsId = (
        await ada.call('POST', '/api/v1/commons', { name: 'Garden', template: 'single-class' })
      ).json().id;
    });
    afterAll(async () => t?.close());
    afterEach(() => vi.restoreAllMocks());

    const shape = (r: LightMyRequestResponse) => ({
      status: r.statusCode,
      body: r.body,
      headers: Object.keys(r.headers)
        .filter((h) => !['date', 'x-ratelimit-remaining', 'x-ratelimit-reset'].includes(h))
        .sort()
        .map((h) => `${h}: ${h === 'content-length' ? '' : String(r.headers[h])}`),
    });

    it('answers sign-up the same for a taken email and a new one, with no session', async () => {
      const taken = await signUp(t.app, 'ADA@Example.org', 'another password', 'Ada Two');
      const fresh = await signUp(t.app, 'brand-new@example.org', 'another password', 'Bea');
      expect(taken.statusCode).toBe(202);
      expect(shape(taken)).toEqual(shape(fresh));
      expect(taken.headers['set-cookie']).toBeUndefined();
      expect(taken.json()).toEqual({ status: 'accepted', detail: expect.any(String) });
      // The sign-in that follows fails for the taken email exactly as a wrong password does.
      const after = await signIn(t.app, 'ada@example.org', 'another password');
      const wrong = await signIn(t.app, 'ada@example.org', 'wrong password');
      expectProblem(after, 401, 'invalid_credentials');
      expect(after.body).toBe(wrong.body);
      expect((await signIn(t.app, 'brand-new@example.org', 'another password')).statusCode).toBe(200);
      // The original account is untouched.
      expect((await signIn(t.app, 'ada@example.org', PASSWORD)).statusCode).toBe(200);
    });

    it('does the same work for a taken email: one argon2 hash either way', async () => {
      const hash = vi.spyOn(argon2, 'hash');
      await signUp(t.app, 'ada@example.org', 'another password', 'Ada Two');
      expect(hash).toHaveBeenCalledTimes(1);
      await signUp(t.app, 'cy@example.org', 'another password', 'Cy');
      expect(hash).toHaveBeenCalledTimes(2);
    });

    it('normalises the email at sign-up: a sign-in with another spelling finds the account', async () => {
      // (The schema refuses surrounding spaces and non-ASCII at sign-up; sign-in takes any text.)
      expect((await signUp(t.app, 'Dee@Example.ORG', PASSWORD, 'Dee')).statusCode).toBe(202);
      expect((await signIn(t.app, '\u00a0dee@example.org\t', PASSWORD)).statusCode).toBe(200);
    });

    it('tells a non-member nothing about emails through admit_member: 403 for known and unknown alike', async () => {
      const propose = (p: Person, email: string) =>
        p.call('POST', `/api/v1/commons/${commonsId}/proposals`, {
          title: 'Invite',
          action: { kind: 'admit_member', email },
        });
      const known = await propose(outsider, 'ada@example.org');
      const unknown = await propose(outsider, 'nobody-at-all@example.org');
      expectProblem(known, 403, 'not_a_member');
      expectProblem(unknown, 403, 'not_a_member');
      expect(known.body).toBe(unknown.body);
      // A member learns it (that is what the invitation is for), a few times an hour.
      expectProblem(await propose(ada, 'nobody-at-all@example.org'), 404, 'account_not_found');
      expect((await propose(ada, 'OUT@Example.org')).statusCode).toBe(201);
      expectProblem(await propose(ada, 'nobody2@example.org'), 404, 'account_not_found');
      expectProblem(await propose(ada, 'nobody3@example.org'), 429, 'rate_limited');
    });

    it('refuses display names of invisible characters or claiming titles at sign-up, and tidies the rest', async () => {
      for (const name of [
        '\u200b\u200c\u200d',
        '\u2060\ufeff',
        '\u0301',
        'F (founder, verified admin)',
        'admin',
      ])
        expectProblem(await signUp(t.app, 'zw@example.org', PASSWORD, name), 400, 'invalid_input');
      expect(await t.ctx.store.findAccountByEmail('zw@example.org')).toBeNull();
      expect((await signUp(t.app, 'tidy@example.org', PASSWORD, '  Tidy \u200b  Name ')).statusCode).toBe(
        202,
      );
      expect((await signIn(t.app, 'tidy@example.org', PASSWORD)).json().account.displayName).toBe(
        'Tidy Name',
      );
    });
  });
}

describe('HTTP layer', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite', { webDist: defaultWebDist });
  });
  afterAll(async () => t?.close());

  it('sends a strict CSP (no inline script) and a Permissions-Policy', async () => {
    for (const url of ['/', '/api/v1/health', '/api/docs/', '/nowhere']) {
      const r = await t.app.inject({ url });
      const csp = String(r.headers['content-security-policy']);
      expect(csp, url).toMatch(/default-src '(self|none)'/);
      expect(csp, url).toMatch(/frame-ancestors 'none'/);
      expect(csp, url).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
      const pp = String(r.headers['permissions-policy']);
      for (const f of ['camera=()', 'microphone=()', 'geolocation=()']) expect(pp, url).toContain(f);
    }
    const app = await t.app.inject({ url: '/' });
    const csp = String(app.headers['content-security-policy']);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/object-src 'none'/);
    expect(
      String((await t.app.inject({ url: '/api/v1/health' })).headers['content-security-policy']),
    ).toMatch(/^default-src 'none'/);
  });

  it('documents the sign-up answer in the OpenAPI document: 202, no session', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    const responses = doc.paths['/api/v1/auth/signup'].post.responses;
    expect(Object.keys(responses)).toContain('202');
    expect(Object.keys(responses)).not.toContain('201');
    expect(JSON.stringify(responses['202'])).toContain('accepted');
  });

  it('the built web app needs no inline script (what the CSP assumes)', () => {
    let html: string;
    try {
      html = readFileSync(join(defaultWebDist, 'index.html'), 'utf8');
    } catch {
      return; // not built: nothing served to check
    }
    for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc=/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  it('refuses JSON bodies that are not valid UTF-8, and still refuses malformed, empty and __proto__ bodies', async () => {
    const post = (payload: Buffer | string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signin',
        headers: { 'content-type': 'application/json' },
        payload,
      });
    const bad = Buffer.concat([
      Buffer.from('{"email":"bad'),
      Buffer.from([0xc3, 0x28, 0xff]),
      Buffer.from('@example.org","password":"x"}'),
    ]);
    expectProblem(await post(bad), 400, 'invalid_utf8');
    expectProblem(await post(Buffer.from([0x7b, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])), 400, 'invalid_utf8'); // a surrogate in UTF-8
    expectProblem(await post('{"email":'), 400, 'malformed_json');
    expectProblem(await post(''), 400, 'malformed_json');
    expectProblem(await post('{"__proto__":{"polluted":true}}'), 400, 'malformed_json');
    expectProblem(await post('{"constructor":{"prototype":{"polluted":true}}}'), 400, 'malformed_json');
    expectProblem(await post(`{"email":"${'a'.repeat(1024 * 1024)}"}`), 413, 'payload_too_large');
    // Valid UTF-8 (with a byte-order mark) is parsed as before.
    const ok = await post(Buffer.from('\ufeff{"email":"é@example.org","password":"x"}', 'utf8'));
    expectProblem(ok, 401, 'invalid_credentials');
  });
});

describe('behind a proxy', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  const viaProxy = (app: FastifyInstance, headers: Record<string, string>, email = 'ada@example.org') =>
    app.inject({
      method: 'POST',
      url: '/api/v1/auth/signin',
      payload: { email, password: PASSWORD },
      headers,
    });

  it('marks the session cookie Secure when the request came over HTTPS, as a trusted proxy tells', async () => {
    t = await testApp('sqlite', { trustProxy: true });
    await new Person(t.app, 'ada@example.org', 'Ada').signUp();
    const https = await viaProxy(t.app, { 'x-forwarded-proto': 'https' });
    expect(https.statusCode).toBe(200);
    expect(String(https.headers['set-cookie'])).toMatch(/; Secure/);
    const http = await viaProxy(t.app, { 'x-forwarded-proto': 'http' });
    expect(String(http.headers['set-cookie'])).not.toMatch(/; Secure/);
  });

  it('does not believe X-Forwarded-Proto from an untrusted client; PEERGOV_SECURE_COOKIES still means always', async () => {
    t = await testApp('sqlite');
    await new Person(t.app, 'ada@example.org', 'Ada').signUp();
    const spoofed = await viaProxy(t.app, { 'x-forwarded-proto': 'https' });
    expect(String(spoofed.headers['set-cookie'])).not.toMatch(/; Secure/);
    await t.close();
    t = await testApp('sqlite', { secureCookies: true });
    await new Person(t.app, 'ada@example.org', 'Ada').signUp();
    expect(String((await viaProxy(t.app, {})).headers['set-cookie'])).toMatch(/; Secure/);
  });

  it('keys the limits on the client address a trusted proxy forwards, not on the proxy', async () => {
    t = await testApp('sqlite', { trustProxy: true, signInPerAddressPerHour: 2 });
    const from = (ip: string, email: string) =>
      t!.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signin',
        payload: { email, password: 'guess' },
        headers: { 'x-forwarded-for': ip },
      });
    expect((await from('203.0.113.1', 'a@example.org')).statusCode).toBe(401);
    expect((await from('203.0.113.1', 'b@example.org')).statusCode).toBe(401);
    expect((await from('203.0.113.1', 'c@example.org')).statusCode).toBe(429);
    expect((await from('203.0.113.2', 'c@example.org')).statusCode).toBe(401);
    await t.close();
    // Without trust, X-Forwarded-For is the client's own claim and is ignored.
    t = await testApp('sqlite', { signInPerAddressPerHour: 2 });
    expect((await from('203.0.113.1', 'a@example.org')).statusCode).toBe(401);
    expect((await from('203.0.113.2', 'b@example.org')).statusCode).toBe(401);
    expect((await from('203.0.113.3', 'c@example.org')).statusCode).toBe(429);
  });
});

describe('errors of the HTTP parser, over a real socket', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await testApp('sqlite');
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => t?.close());

  const raw = (request: string) =>
    new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let data = '';
      socket.setEncoding('latin1');
      socket.on('data', (chunk) => (data += chunk));
      socket.on('end', () => resolve(data));
      socket.on('close', () => resolve(data));
      socket.on('error', (e) => (data ? resolve(data) : reject(e)));
      socket.write(request);
    });

  const parse = (response: string) => {
    const [head = '', body = ''] = response.split('\r\n\r\n');
    const [statusLine = '', ...lines] = head.split('\r\n');
    const headers = Object.fromEntries(
      lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]),
    );
    return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) };
  };

  it('answers headers too large with 431 problem+json', async () => {
    const r = parse(
      await raw(`GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`),
    );
    expect(r.status).toBe(431);
    expect(r.headers['content-type']).toBe('application/problem+json');
    expect(r.body).toMatchObject({ status: 431, code: 'headers_too_large' });
  });

  it('answers a malformed request with 400 problem+json', async () => {
    for (const request of ['GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n']) {
      const r = parse(await raw(request));
      expect(r.status, request).toBe(400);
      expect(r.headers['content-type']).toBe('application/problem+json');
      expect(r.body).toMatchObject({ status: 400, code: 'bad_request', type: expect.any(String) });
    }
  });

  it('still serves good requests', async () => {
    const r = await fetch(`http://127.0.0.1:${port}/api/v1/health`);
    expect(r.status).toBe(200);
  });
});
