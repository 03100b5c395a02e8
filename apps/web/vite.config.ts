import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type ProxyOptions } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The API server (apps/server) in development; `npm run dev` at the root starts it on port 3000. */
const apiProxy: Record<string, ProxyOptions> = {
  '/api': { target: process.env.TIEMCHUNG_API_URL ?? 'http://localhost:3000', changeOrigin: false },
};

/**
 * The service worker (production builds only; registered in main.tsx): precaches the built app
 * so that a vaccination site can reload it without network after one online visit. Navigations
 * fall back to index.html (client-side routes), never the API: `/api/*` always goes to the
 * network, where the site's own offline queue (src/staff/session/offline) takes over.
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
    globPatterns: ['**/*.{js,css,html,svg,webmanifest}'],
    navigateFallback: '/index.html',
    navigateFallbackDenylist: [/^\/api(\/|$)/],
    cleanupOutdatedCaches: true,
    clientsClaim: true,
    skipWaiting: true,
    // Source maps are for debugging, not for the field.
    globIgnores: ['**/*.map'],
  },
});

export default defineConfig({
  root,
  plugins: [react(), pwa],
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
  },
});
