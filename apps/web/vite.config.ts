import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig, type ProxyOptions } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The API server (apps/server) in development; `npm run dev` at the root starts it on port 3000. */
const apiProxy: Record<string, ProxyOptions> = {
  '/api': { target: process.env.TIEMCHUNG_API_URL ?? 'http://localhost:3000', changeOrigin: false },
};

export default defineConfig({
  root,
  plugins: [react()],
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
