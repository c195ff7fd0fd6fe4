// @tinygpt/char-gpt/browser must stay free of Node built-ins: every module it reaches, transitively, is checked here.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { expect, test } from 'vitest';

const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;

/** Every relative module reachable from `entry` through value imports, and the bare specifiers they import. */
function walk(entry: string): { files: string[]; bare: Set<string> } {
  const seen = new Set<string>();
  const bare = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      if (spec!.startsWith('.')) stack.push(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')));
      else bare.add(spec!);
    }
  }
  return { files: [...seen], bare };
}

test('char-gpt/browser imports no Node built-in, directly or through its own modules', () => {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@tinygpt/char-gpt/browser');
  expect(entry).toMatch(/browser\.ts$/);
  const { files, bare } = walk(entry);
  expect(files.length).toBeGreaterThan(10);
  expect([...bare].filter((spec) => spec.startsWith('node:') || spec === '@tinygpt/cli-kit')).toEqual([]);
});
