// Vite serves and builds the playground from the workspace packages' TypeScript sources, cross-origin isolated so the wasm backend can use every core.
import { defineConfig } from 'vite';

/** COOP + COEP make the page cross-origin isolated: SharedArrayBuffer, hence wasm worker threads. */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  base: './',
  resolve: { conditions: ['@tinygpt/source', 'module', 'browser', 'development|production'] },
  server: { headers: isolation, host: '127.0.0.1' },
  preview: { headers: isolation, host: '127.0.0.1' },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 1500 },
});
