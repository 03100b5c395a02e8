import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, constants, gunzipSync, gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerErrorHandling } from './error-handler.js';
import { prerenderedPages, registerWebApp, singleSlashed } from './static-assets.js';

/**
 * The web app as the server sends it: a built dist as the web build writes it (assets with
 * `.br` and `.gz` twins, pre-rendered pages, the app shell), served by content negotiation.
 */
const JS = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `từ-${i}`))};\n`;
const SMALL_JS = 'export const x = 1;\n';

let dist: string;
let app: FastifyInstance;

beforeAll(async () => {
  dist = mkdtempSync(path.join(tmpdir(), 'tiemchung-static-'));
  mkdirSync(path.join(dist, 'assets'));
  mkdirSync(path.join(dist, 'phan-anh'));
  const js = Buffer.from(JS);
  writeFileSync(path.join(dist, 'assets', 'index-AbC123.js'), js);
  writeFileSync(
    path.join(dist, 'assets', 'index-AbC123.js.br'),
    brotliCompressSync(js, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
  );
  writeFileSync(path.join(dist, 'assets', 'index-AbC123.js.gz'), gzipSync(js, { level: 9 }));
  // Too small to be worth compressing: the build writes no twin.
  writeFileSync(path.join(dist, 'assets', 'tiny-Zz9.js'), SMALL_JS);
  const page = (name: string) => `<!doctype html><html><body><div id="root">${name}</div></body></html>`;
  writeFileSync(path.join(dist, 'index.html'), page('landing'));
  writeFileSync(path.join(dist, 'index.html.br'), brotliCompressSync(page('landing')));
  writeFileSync(path.join(dist, 'app.html'), page('shell'));
  writeFileSync(path.join(dist, 'tra-cuu.html'), page('lookup'));
  writeFileSync(path.join(dist, 'tra-cuu.html.gz'), gzipSync(page('lookup')));
  writeFileSync(path.join(dist, 'phan-anh', 'tra-cuu.html'), page('report status'));
  writeFileSync(path.join(dist, 'sw.js'), SMALL_JS);

  app = Fastify();
  registerErrorHandling(app);
  await registerWebApp(app, dist);
  await app.ready();
});

afterAll(async () => {
  await app?.close();
  rmSync(dist, { recursive: true, force: true });
});

const get = (url: string, acceptEncoding?: string) =>
  app.inject({
    method: 'GET',
    url,
    headers: acceptEncoding === undefined ? {} : { 'accept-encoding': acceptEncoding },
  });

describe('compressed assets by content negotiation', () => {
  it('sends brotli when the browser takes br and gzip', async () => {
    const res = await get('/assets/index-AbC123.js', 'br, gzip');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
    expect(res.rawPayload.length).toBeLessThan(Buffer.byteLength(JS) / 3);
    expect(brotliDecompressSync(res.rawPayload).toString('utf8')).toBe(JS);
  });

  it('prefers brotli whatever the order, and follows q-values', async () => {
    expect((await get('/assets/index-AbC123.js', 'gzip, deflate, br')).headers['content-encoding']).toBe('br');
    expect((await get('/assets/index-AbC123.js', 'br;q=0.5, gzip')).headers['content-encoding']).toBe('gzip');
    expect((await get('/assets/index-AbC123.js', 'br;q=0, gzip')).headers['content-encoding']).toBe('gzip');
  });

  it('sends gzip when only gzip is accepted', async () => {
    const res = await get('/assets/index-AbC123.js', 'gzip');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
    expect(res.headers.vary).toMatch(/accept-encoding/i);
    expect(Number(res.headers['content-length'])).toBe(res.rawPayload.length);
    expect(gunzipSync(res.rawPayload).toString('utf8')).toBe(JS);
  });

  it('sends the file itself when no encoding is accepted, still saying it varies', async () => {
    for (const accept of [undefined, 'identity', 'deflate']) {
      const res = await get('/assets/index-AbC123.js', accept);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript/);
      expect(res.headers.vary).toMatch(/accept-encoding/i);
      expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(JS));
      expect(res.body).toBe(JS);
    }
  });

  it('sends a file without a compressed twin as it is', async () => {
    const res = await get('/assets/tiny-Zz9.js', 'br, gzip');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBeUndefined();
    expect(res.body).toBe(SMALL_JS);
  });

  it('answers HEAD with the headers of the compressed file', async () => {
    const res = await app.inject({
      method: 'HEAD',
      url: '/assets/index-AbC123.js',
      headers: { 'accept-encoding': 'br' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
  });

  it('never serves the twins under their own names as something else', async () => {
    const res = await get('/assets/index-AbC123.js.br', 'gzip');
    expect(res.headers['content-encoding']).toBeUndefined();
  });
});

describe('cache headers', () => {
  it('caches hashed assets for a year, immutable, in every encoding', async () => {
    for (const accept of ['br', 'gzip', 'identity']) {
      expect((await get('/assets/index-AbC123.js', accept)).headers['cache-control']).toBe(
        'public, max-age=31536000, immutable',
      );
    }
  });

  it('revalidates the pages and the service worker every time', async () => {
    for (const url of ['/', '/index.html', '/tra-cuu', '/quan-tri/nguoi-dan', '/sw.js']) {
      const res = await get(url, 'br, gzip');
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('no-cache');
    }
  });
});

describe('pages', () => {
  it('finds the pre-rendered pages of a build', () => {
    expect(prerenderedPages(dist)).toEqual(
      new Map([
        ['/phan-anh/tra-cuu', 'phan-anh/tra-cuu.html'],
        ['/tra-cuu', 'tra-cuu.html'],
      ]),
    );
  });

  it('serves the landing page at / (brotli when taken)', async () => {
    const res = await get('/', 'br');
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(res.rawPayload).toString('utf8')).toContain('landing');
  });

  it('serves a pre-rendered page at its path, with or without a trailing slash or a query', async () => {
    for (const url of ['/tra-cuu', '/tra-cuu/', '/tra-cuu?ma=1']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type'], url).toMatch(/^text\/html/);
      expect(res.body, url).toContain('lookup');
    }
    const gz = await get('/tra-cuu', 'gzip');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.rawPayload).toString('utf8')).toContain('lookup');
    expect((await get('/phan-anh/tra-cuu')).body).toContain('report status');
  });

  it('serves the bare app shell for other client-side routes', async () => {
    for (const url of ['/quan-tri', '/quan-tri/nguoi-dan/123', '/trang-khong-ton-tai']) {
      const res = await get(url, 'br, gzip');
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('shell');
    }
  });

  it('keeps the JSON 404 for the API and for missing files', async () => {
    for (const url of ['/api/khong-co', '/assets/missing-000.js']) {
      const res = await get(url, 'br');
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: 'route_not_found' } });
    }
  });
});

describe('paths with repeated slashes', () => {
  it('redirects a page or file path with // to the same path with single slashes, query kept', async () => {
    for (const [url, target] of [
      ['//', '/'],
      ['/tra-cuu//', '/tra-cuu/'],
      ['//tra-cuu', '/tra-cuu'],
      ['/so-suc-khoe//phan-anh', '/so-suc-khoe/phan-anh'],
      ['/phan-anh///tra-cuu?ma=PA-1', '/phan-anh/tra-cuu?ma=PA-1'],
      ['/assets//index-AbC123.js', '/assets/index-AbC123.js'],
    ] as const) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(308);
      expect(res.headers.location, url).toBe(target);
      const head = await app.inject({ method: 'HEAD', url });
      expect(head.statusCode, `HEAD ${url}`).toBe(308);
    }
    // Where they lead: the page, the file (or the JSON 404 of a missing one).
    expect((await get('/tra-cuu/')).body).toContain('lookup');
    expect((await get('/phan-anh/tra-cuu?ma=PA-1')).body).toContain('report status');
    expect((await get('/assets/index-AbC123.js')).body).toBe(JS);
    const missing = await get('/assets//x.js');
    expect(missing.statusCode).toBe(308);
    expect((await get(missing.headers.location as string)).statusCode).toBe(404);
  });

  it('never redirects to another site, and an API path stays the JSON 404', async () => {
    for (const url of ['//evil.example/x', '///evil.example', '//\\evil.example', '/\\/evil.example//']) {
      const res = await get(url);
      expect(res.statusCode, url).not.toBe(403);
      if (res.statusCode === 308) expect(res.headers.location, url).toMatch(/^\/([^/\\]|$)/);
    }
    for (const url of ['//api/people', '/api//people', '//api//x']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(404);
      expect(res.json(), url).toMatchObject({ error: { code: 'route_not_found' } });
    }
  });

  it('leaves a path without repeated slashes alone', () => {
    expect(singleSlashed('/tra-cuu')).toBeUndefined();
    expect(singleSlashed('/tra-cuu?next=//x')).toBeUndefined();
    expect(singleSlashed('//\\evil.example?a=1')).toBe('/evil.example?a=1');
  });
});
