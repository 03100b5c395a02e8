import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import react from '@vitejs/plugin-react';
import { build, defaultServerConditions, type Manifest, type Plugin, type ResolvedConfig } from 'vite';

/** A public page rendered at build time: its path and the modules (lazy chunks) it shows. */
export interface PrerenderRoute {
  readonly path: string;
  /** Source modules (relative to the web app's root) whose chunks, CSS and imports the page needs at once. */
  readonly modules: readonly string[];
  /** The page's own `<head>`: another web manifest (an app of its own, e.g. the e-health book), more tags. */
  readonly head?: PageHead;
}

export interface PageHead {
  /** The `href` of the page's `<link rel="manifest">` instead of the app's. */
  readonly manifest?: string;
  /** Elements added to `<head>` as written (`<meta name="…" content="…">`, `<link rel="…" href="…">`). */
  readonly tags?: readonly string[];
}

interface RenderModule {
  renderPage(url: string): Promise<{ html: string; title: string | null }>;
}

/** The chunks and style sheets `modules` need, in load order, from the build manifest. */
export function assetsOf(manifest: Manifest, modules: readonly string[]): { js: string[]; css: string[] } {
  const js = new Set<string>();
  const css = new Set<string>();
  const visit = (key: string) => {
    const chunk = manifest[key];
    if (!chunk) throw new Error(`pre-render: ${key} is not in the build manifest`);
    if (js.has(chunk.file)) return;
    js.add(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
    for (const sheet of chunk.css ?? []) css.add(sheet);
  };
  for (const module of modules) visit(module);
  return { js: [...js], css: [...css] };
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A style sheet as a `<style>` element (the CSP allows inline styles, not inline scripts). */
function styleElement(css: string, file: string): string {
  if (/<\/style/i.test(css)) throw new Error(`pre-render: ${file} cannot be inlined`);
  return `<style data-href="/${file}">${css.trim()}</style>`;
}

/**
 * The page's HTML: the built index.html with the rendered app in #root and the page's title; its
 * style sheets inline (the page paints without waiting for another request), and its chunks
 * preloaded. Each inlined sheet keeps a `disabled` link, which does not hold up the first paint
 * (Chromium still downloads it, at low priority) and which Vite's loader takes as already there,
 * so that it does not add the sheet again when a lazy chunk that lists it loads.
 */
export function pageHtml(
  template: string,
  route: string,
  rendered: { html: string; title: string | null },
  assets: { js: string[]; css: string[] },
  readCss: (file: string) => string,
  head: PageHead = {},
): string {
  if (!template.includes('<div id="root"></div>'))
    throw new Error('pre-render: no empty <div id="root"> in index.html');
  if (head.manifest !== undefined && !/<link rel="manifest" href="[^"]*">/.test(template))
    throw new Error('pre-render: no <link rel="manifest"> in index.html to replace');
  const already = (file: string) => template.includes(`/${file}"`);
  const links = [
    ...assets.css
      .filter((f) => !already(f))
      .flatMap((f) => [
        styleElement(readCss(f), f),
        `<link rel="stylesheet" crossorigin href="/${f}" media="not all" disabled>`,
      ]),
    ...assets.js.filter((f) => !already(f)).map((f) => `<link rel="modulepreload" crossorigin href="/${f}">`),
  ];
  // The entry's own sheets (links in index.html): inline in their place, with a disabled link too
  // (lazy chunks list the entry's sheet among theirs).
  let html = template.replace(
    /<link rel="stylesheet"([^>]*)href="\/([^"]+\.css)"([^>]*)>/g,
    (_, before: string, file: string, after: string) =>
      `${styleElement(readCss(file), file)}\n    <link rel="stylesheet"${before}href="/${file}"${after} media="not all" disabled>`,
  );
  html = html.replace(
    '<div id="root"></div>',
    () => `<div id="root" data-page="${escapeHtml(route)}">${rendered.html}</div>`,
  );
  if (rendered.title)
    html = html.replace(/<title>[^<]*<\/title>/, () => `<title>${escapeHtml(rendered.title!)}</title>`);
  if (head.manifest !== undefined) {
    const href = escapeHtml(head.manifest).replace(/"/g, '&quot;');
    html = html.replace(/<link rel="manifest" href="[^"]*">/, () => `<link rel="manifest" href="${href}">`);
  }
  return html.replace('</head>', () => `  ${[...(head.tags ?? []), ...links].join('\n    ')}\n  </head>`);
}

/** `/` → `index.html`, `/tra-cuu` → `tra-cuu.html`, `/phan-anh/tra-cuu` → `phan-anh/tra-cuu.html`. */
export function fileOf(route: string): string {
  return route === '/' ? 'index.html' : `${route.slice(1)}.html`;
}

/**
 * Build-time pre-rendering of the public pages: after the client build, `entry` (src/prerender.tsx)
 * is built for Node and renders each route; its HTML goes into a copy of index.html with the
 * page's title, its own head (see {@link PageHead}), its chunks as modulepreload and its style
 * sheets inline, written as the file the server
 * sends for that path (see {@link fileOf}). The untouched index.html is kept as `app.html`, the
 * shell for every other route (staff pages, 404) and the service worker's navigation fallback.
 * Runs before the service worker is generated, so that the pages are precached.
 */
export function prerenderPages(options: { entry: string; routes: readonly PrerenderRoute[] }): Plugin {
  let config: ResolvedConfig;
  return {
    name: 'tiemchung:prerender',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    closeBundle: {
      sequential: true,
      order: 'pre',
      async handler() {
        if (config.build.ssr) return;
        const outDir = path.resolve(config.root, config.build.outDir);
        const serverDir = await mkdtemp(path.join(tmpdir(), 'tiemchung-prerender-'));
        try {
          const conditions = ['source', ...defaultServerConditions];
          await build({
            configFile: false,
            root: config.root,
            mode: config.mode,
            logLevel: 'warn',
            plugins: [react()],
            resolve: { conditions },
            ssr: { noExternal: true, resolve: { conditions, externalConditions: conditions } },
            build: {
              ssr: options.entry,
              outDir: serverDir,
              emptyOutDir: true,
              sourcemap: false,
              minify: false,
              copyPublicDir: false,
              target: 'node22',
              rollupOptions: { output: { entryFileNames: 'prerender.mjs', format: 'es' } },
            },
          });
          const renderer = (await import(pathToFileURL(path.join(serverDir, 'prerender.mjs')).href)) as RenderModule;
          const template = await readFile(path.join(outDir, 'index.html'), 'utf8');
          const manifest = JSON.parse(await readFile(path.join(outDir, '.vite', 'manifest.json'), 'utf8')) as Manifest;
          await writeFile(path.join(outDir, 'app.html'), template);
          for (const route of options.routes) {
            const rendered = await renderer.renderPage(route.path);
            const file = path.join(outDir, fileOf(route.path));
            await mkdir(path.dirname(file), { recursive: true });
            const html = pageHtml(
              template,
              route.path,
              rendered,
              assetsOf(manifest, route.modules),
              (css) => readFileSync(path.join(outDir, css), 'utf8'),
              route.head,
            );
            await writeFile(file, html);
          }
          config.logger.info(`pre-rendered ${options.routes.map((r) => r.path).join(', ')}`);
        } finally {
          await rm(serverDir, { recursive: true, force: true });
        }
      },
    },
  };
}
