import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { regionMap } from './region-map.ts';
import { offlineWorker } from './offline-worker.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

// The operations web app, built into web/dist/ and served by `custos serve` from the same origin as the API.
export default defineConfig({
  root,
  base: '/',
  plugins: [react(), regionMap(), offlineWorker()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
    reportCompressedSize: false,
  },
  server: {
    // `npm run serve` on :8080, then `npx vite --config web/vite.config.ts` for a dev server with the API proxied.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
