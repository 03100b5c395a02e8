import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type ProxyOptions } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { precompress } from './build/compress.ts';
import { type PrerenderRoute, prerenderPages } from './build/prerender.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The API server (apps/server) in development; `npm run dev` at the root starts it on port 3000. */
const apiProxy: Record<string, ProxyOptions> = {
  '/api': { target: process.env.TIEMCHUNG_API_URL ?? 'http://localhost:3000', changeOrigin: false },
};

/**
 * The public pages, rendered at build time (src/prerender.tsx) so that a phone paints them before
 * any JavaScript runs; each with the lazy chunks it shows, which its HTML preloads.
 */
const PUBLIC_AREA = 'src/public/PublicArea.tsx';
/**
 * The e-health book (/so-suc-khoe) is an app of its own on the home screen: its page links its
 * own manifest (public/so-suc-khoe.webmanifest) and carries the iOS home-screen tags. The same
 * tags are put in place in the browser when the book is reached otherwise (src/health-book/head.ts).
 */
const HEALTH_BOOK_HEAD = {
  manifest: '/so-suc-khoe.webmanifest',
  tags: [
    '<link rel="apple-touch-icon" href="/icons/so-suc-khoe-apple-touch-180.png">',
    '<meta name="apple-mobile-web-app-capable" content="yes">',
    '<meta name="mobile-web-app-capable" content="yes">',
    '<meta name="apple-mobile-web-app-title" content="Sổ sức khỏe">',
  ],
};
const prerenderRoutes: PrerenderRoute[] = [
  { path: '/', modules: [PUBLIC_AREA] },
  { path: '/dang-nhap', modules: [PUBLIC_AREA] },
  { path: '/tra-cuu', modules: [PUBLIC_AREA, 'src/portal/LookupPage.tsx'] },
  { path: '/phan-anh', modules: [PUBLIC_AREA, 'src/portal/ReportPage.tsx'] },
  { path: '/phan-anh/tra-cuu', modules: [PUBLIC_AREA, 'src/portal/ReportStatusPage.tsx'] },
  { path: '/dang-ky', modules: [PUBLIC_AREA, 'src/portal/RegisterPage.tsx'] },
  { path: '/xac-thuc', modules: [PUBLIC_AREA, 'src/verify/VerifyPage.tsx'] },
  { path: '/thong-ke', modules: [PUBLIC_AREA, 'src/stats/StatsPage.tsx'] },
  { path: '/so-suc-khoe', modules: ['src/health-book/HealthBookArea.tsx'], head: HEALTH_BOOK_HEAD },
];

/**
 * The service worker (production builds only; registered in main.tsx): precaches the built app
 * so that a vaccination site — or a citizen's e-health book (/so-suc-khoe, within its scope '/')
 * — can reload it without network after one online visit. A pre-rendered
 * page is served for its own path; other navigations fall back to the bare shell app.html
 * (client-side routes), never the API: `/api/*` always goes to the network, where the site's own
 * offline queue (src/staff/session/offline) takes over.
 */
const pwa = VitePWA({
  strategies: 'generateSW',
  injectRegister: false,
  registerType: 'autoUpdate',
  manifest: {
    name: 'Tiêm chủng COVID-19',
    short_name: 'Tiêm chủng',
    description: 'Nền tảng tiêm chủng COVID-19 quốc gia',
    lang: 'vi',
    start_url: '/quan-tri',
    scope: '/',
    display: 'standalone',
    background_color: '#f4f8f9',
    theme_color: '#0b5366',
    icons: [{ src: '/favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
  },
  workbox: {
    // The e-health book's manifest and icons too: installed, it starts offline from the cache.
    globPatterns: ['**/*.{js,css,html,svg,webmanifest,png}'],
    navigateFallback: '/app.html',
    navigateFallbackDenylist: [/^\/api(\/|$)/],
    cleanupOutdatedCaches: true,
    clientsClaim: true,
    skipWaiting: true,
    // Source maps are for debugging, not for the field.
    globIgnores: ['**/*.map'],
    // The QR reader's WebAssembly (≈ 0.9 MB) is not precached for every visitor: it is kept the
    // first time the camera or a picture is read, so the desk's check-in camera and the verifier
    // then work offline (its name is content-hashed: never stale).
    runtimeCaching: [
      {
        urlPattern: ({ url }) => url.pathname.startsWith('/assets/') && url.pathname.endsWith('.wasm'),
        handler: 'CacheFirst',
        options: { cacheName: 'tiemchung-wasm', expiration: { maxEntries: 4 } },
      },
    ],
  },
});

export default defineConfig({
  root,
  // Order of the build's last steps: pages pre-rendered, then the service worker (which precaches
  // them), then every file compressed (.br, .gz) for the server to send by content negotiation.
  plugins: [react(), prerenderPages({ entry: 'src/prerender.tsx', routes: prerenderRoutes }), pwa, precompress()],
  resolve: {
    // Workspace packages (@tiemchung/core) expose their TypeScript sources under the `source`
    // condition, so the web app bundles them directly without a prior `tsc -b`.
    conditions: ['source', ...defaultClientConditions],
  },
  server: { proxy: apiProxy },
  preview: { proxy: apiProxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    // dist/.vite/manifest.json: which chunks and styles each page needs (for its pre-rendered HTML).
    manifest: true,
  },
});
