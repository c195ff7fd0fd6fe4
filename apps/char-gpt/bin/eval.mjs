#!/usr/bin/env node
// `eval` of char-gpt without pnpm: runs the command from its bundled JavaScript (see launch.mjs).
import { launch } from './launch.mjs';

await launch('eval');
