// Vite serves and builds the playground from the workspace packages' TypeScript sources, cross-origin isolated so the
// wasm backend can use every core.
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
  // Found up front, so the first visit in dev does not reload when the worker's imports are discovered.
  optimizeDeps: {
    include: [
      'uplot',
      'fflate',
      '@tinygpt/autograd > seedrandom',
      '@tinygpt/tokenizer > gpt-tokenizer/encoding/r50k_base',
      '@tinygpt/tokenizer > gpt-tokenizer/bpeRanks/r50k_base',
    ],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 1500 },
});
