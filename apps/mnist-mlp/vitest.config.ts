// TEMPORARY while @tinygpt/autograd's exports lack ./safetensors — remove.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';
export default defineConfig({
  resolve: { alias: { '@tinygpt/autograd/safetensors': fileURLToPath(new URL('../../packages/autograd/dist/io/safetensors.js', import.meta.url)) } },
});
