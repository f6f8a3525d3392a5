// The web app's files are sent pre-compressed (brotli, else gzip, by Accept-Encoding) and cached for good when their
// name carries a content hash (/assets/); index.html is revalidated so that a new build is seen at once.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultWebDist } from '../src/index';
import { testApp, type TestApp } from './harness';

const script = `console.log(${JSON.stringify('peergov '.repeat(400))});\n`;

describe('static assets', () => {
  let t: TestApp;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'peergov-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(
      join(dist, 'index.html'),
      '<!doctype html><script type="module" src="/assets/app-0a1b2c.js"></script>',
    );
    const file = join(dist, 'assets', 'app-0a1b2c.js');
    writeFileSync(file, script);
    writeFileSync(`${file}.br`, brotliCompressSync(script));
    writeFileSync(`${file}.gz`, gzipSync(script));
    t = await testApp('sqlite', { webDist: dist });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('sends brotli to a browser that accepts it, gzip to one that accepts only gzip, else the file', async () => {
    const get = (encoding?: string) =>
      t.app.inject({
        url: '/assets/app-0a1b2c.js',
        headers: encoding ? { 'accept-encoding': encoding } : {},
      });
    const br = await get('gzip, deflate, br');
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(String(br.headers.vary)).toMatch(/accept-encoding/i);
    expect(brotliDecompressSync(br.rawPayload).toString()).toBe(script);
    expect(br.rawPayload.length).toBeLessThan(script.length / 10);

    const gz = await get('gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString()).toBe(script);

    const plain = await get();
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
    expect(String(plain.headers['content-type'])).toMatch(/javascript/);
  });

  it('caches hashed assets for good and revalidates index.html, at / and at an app path', async () => {
    const asset = await t.app.inject({ url: '/assets/app-0a1b2c.js' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const url of ['/', '/index.html', '/c/some-commons/proposals']) {
      const page = await t.app.inject({ url });
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).toContain('/assets/app-0a1b2c.js');
      expect(page.headers['cache-control'], url).toBe('no-cache');
    }
  });

  it('answers a missing asset with a 404, not the app page', async () => {
    const r = await t.app.inject({ url: '/assets/missing-123.js' });
    expect(r.statusCode).toBe(404);
  });
});

// The real build (npm test builds it first): every text file of 1 KiB or more has .br and .gz siblings with the
// same bytes inside.
describe.skipIf(!existsSync(join(defaultWebDist, 'index.html')))('the web build', () => {
  it('writes brotli and gzip siblings of its scripts and styles', () => {
    const assets = join(defaultWebDist, 'assets');
    const texts = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
    expect(texts.length).toBeGreaterThan(0);
    for (const f of texts) {
      const bytes = readFileSync(join(assets, f));
      if (bytes.length < 1024) continue;
      expect(brotliDecompressSync(readFileSync(join(assets, `${f}.br`))).equals(bytes), f).toBe(true);
      expect(gunzipSync(readFileSync(join(assets, `${f}.gz`))).equals(bytes), f).toBe(true);
    }
  });
});
