#!/usr/bin/env node
// `pnpm mnist` without pnpm: runs src/cli/mnist.ts in this process, compiled by tsx, with the workspace packages
// resolved to their TypeScript sources (the @tinygpt/source condition, see source-condition.mjs). One process, so
// Ctrl-C, a SIGTERM or the end of the pnpm that started it reach the training loop, which saves before it exits.
import { register } from 'node:module';
import { fileURLToPath } from 'node:url';
import { register as registerTsx } from 'tsx/esm/api';

register('./source-condition.mjs', import.meta.url);
// The app's own compiler options, wherever the command is started from (tsx would look for a tsconfig.json there).
registerTsx({ tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)) });
await import('../src/cli/mnist.ts');
