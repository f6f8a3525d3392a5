import { afterEach, describe, expect, test, vi } from 'vitest';
import { ApiError, request, setCsrfToken } from '../api/client';
import { Submission } from './submission';

describe('a form submission', () => {
  afterEach(() => vi.unstubAllGlobals());

  test('three clicks at once send one request, with a key', async () => {
    const busy: boolean[] = [];
    const s = new Submission((b) => busy.push(b));
    let release!: () => void;
    const sent: string[] = [];
    const send = (key: string) => {
      sent.push(key);
      return new Promise<void>((resolve) => (release = resolve));
    };
    const runs = [s.run(send), s.run(send), s.run(send)];
    release();
    expect(await Promise.all(runs)).toEqual([true, false, false]);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatch(/^[0-9a-f]{32}$/);
    expect(busy).toEqual([true, false]);
  });

  test('a new submission after an answer has a new key; a retry after a network failure the same', async () => {
    const s = new Submission();
    const keys: string[] = [];
    await s.run(async (k) => keys.push(k));
    await expect(
      s.run(async (k) => {
        keys.push(k);
        throw new ApiError(0, 'network', '');
      }),
    ).rejects.toThrow(ApiError);
    await expect(
      s.run(async (k) => {
        keys.push(k);
        throw new ApiError(422, 'invalid_action', 'no');
      }),
    ).rejects.toThrow('no');
    await s.run(async (k) => keys.push(k));
    expect(keys[1]).not.toBe(keys[0]);
    expect(keys[2]).toBe(keys[1]);
    expect(keys[3]).not.toBe(keys[2]);
  });

  test('the client sends the key as the Idempotency-Key header', async () => {
    const fetch = vi.fn(async () => new Response(null, { status: 204 }));
    vi.stubGlobal('fetch', fetch);
    setCsrfToken('csrf');
    await request('POST', '/api/v1/auth/signout', {}, { idempotencyKey: 'k1' });
    const init = (fetch.mock.calls[0] as unknown as [string, RequestInit])[1];
    expect(init.headers).toMatchObject({ 'idempotency-key': 'k1', 'x-csrf-token': 'csrf' });
    setCsrfToken(null);
  });
});
