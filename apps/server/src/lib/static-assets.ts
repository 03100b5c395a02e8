import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from './errors.js';

/**
 * Serving the built web app (apps/web/dist):
 * - every file as built, or its `.br` / `.gz` twin written at build time (the web build's
 *   compression step) when the browser accepts that encoding — brotli first, then gzip, else the
 *   file itself — with `Vary: Accept-Encoding`, the file's own Content-Type and the sent file's
 *   Content-Length (`@fastify/static`'s `preCompressed`);
 * - hashed assets (`/assets/…`) cached for a year, immutable; everything else (the pages, the
 *   service worker, the manifest) revalidated on every use (`no-cache`);
 * - client-side routes: the page pre-rendered for that path at build time (`/tra-cuu` →
 *   `tra-cuu.html`, `/phan-anh/tra-cuu` → `phan-anh/tra-cuu.html`), else the bare app shell
 *   (`app.html`, or `index.html` in a build without one); `/api/*` misses get the JSON 404;
 * - a path with repeated slashes (`//`, `/tra-cuu//`, a link built by concatenation): a permanent
 *   redirect to the same path with single slashes (the file server would refuse it with a 403).
 */

/** Where an asset's file lives: content-hashed names, cacheable for good. */
function isHashedAsset(filePath: string): boolean {
  return filePath.includes(`${path.sep}assets${path.sep}`);
}

/** The pre-rendered pages of a build: URL path → file under `webDist` (`/tra-cuu` → `tra-cuu.html`). */
export function prerenderedPages(webDist: string): Map<string, string> {
  const pages = new Map<string, string>();
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (entry.name !== 'assets' && !entry.name.startsWith('.'))
          walk(path.join(dir, entry.name), `${prefix}${entry.name}/`);
        continue;
      }
      if (!entry.name.endsWith('.html')) continue;
      const file = `${prefix}${entry.name}`;
      if (file === 'index.html' || file === 'app.html') continue;
      pages.set(`/${file.slice(0, -'.html'.length)}`, file);
    }
  };
  walk(webDist, '');
  return pages;
}

/** Whether a request's path is the API's: never a file or a page of the web app. */
const isApiPath = (url: string) => url.startsWith('/api');

/** The file server's `onRequest` hook: an /api path is not found (JSON, from the catalogue). */
function refuseApiPaths(request: FastifyRequest, _reply: FastifyReply, done: (err?: Error) => void): void {
  done(isApiPath(request.url) ? new AppError('route_not_found') : undefined);
}

/**
 * Where a path with repeated slashes belongs: the same path with each run of slashes made one (and
 * its query kept), or undefined when it has none. Backslashes count as slashes (browsers read `/\`
 * as `//`), so the target is always a path on this site, never a `//host` elsewhere.
 */
export function singleSlashed(url: string): string | undefined {
  const q = url.indexOf('?');
  const pathname = q === -1 ? url : url.slice(0, q);
  if (!pathname.includes('//')) return undefined;
  return pathname.replace(/[\\/]+/g, '/') + (q === -1 ? '' : url.slice(q));
}

/** The file server's `onRequest` hook: a path with repeated slashes is redirected to its single-slash form. */
function redirectRepeatedSlashes(request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void): void {
  const target = singleSlashed(request.url);
  if (target === undefined) done();
  else if (isApiPath(target)) done(new AppError('route_not_found'));
  // Answered here: the hook chain stops (no `done`).
  else void reply.redirect(target, 308);
}

/** Registers the web app on `app`: static files, compressed twins, page fallbacks and the API's JSON 404. */
export async function registerWebApp(app: FastifyInstance, webDist: string): Promise<void> {
  const pages = prerenderedPages(webDist);
  const shell = existsSync(path.join(webDist, 'app.html')) ? 'app.html' : 'index.html';
  // An /api path that no API route took (an unknown endpoint, a path with an empty segment such as
  // /api/people//x) is the API's JSON 404 before the file server looks at it: @fastify/static
  // answers some paths itself (403 for a name too long for the file system, or a non-canonical path).
  // A page or file path with an empty segment (`//`, `/tra-cuu//`) is redirected to its single-slash
  // form rather than refused as forbidden.
  app.addHook('onRoute', (route) => {
    if (route.url !== '/*') return;
    const own = route.onRequest ? [route.onRequest].flat() : [];
    route.onRequest = [refuseApiPaths, redirectRepeatedSlashes, ...own] as typeof route.onRequest;
  });
  await app.register(fastifyStatic, {
    root: webDist,
    wildcard: true,
    index: ['index.html'],
    preCompressed: true,
    setHeaders(res, filePath) {
      // Built assets have content hashes in their names; the pages and the service worker must
      // always be revalidated (a new deployment is then picked up at once).
      if (isHashedAsset(filePath)) res.header('cache-control', 'public, max-age=31536000, immutable');
      else res.header('cache-control', 'no-cache');
    },
  });
  app.setNotFoundHandler((request, reply) => {
    const url = request.url.split('?')[0] ?? '/';
    const isPage = (request.method === 'GET' || request.method === 'HEAD') && !isApiPath(url) && !path.extname(url);
    if (!isPage) throw new AppError('route_not_found');
    const route = url.length > 1 && url.endsWith('/') ? url.slice(0, -1) : url;
    return reply.sendFile(pages.get(route) ?? shell);
  });
}
