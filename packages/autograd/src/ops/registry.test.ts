// The meta-test: every registered op has a test file that drives it through the testOp harness.

import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ops } from './registry.js';

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

describe('op registry', () => {
  for (const [key, def] of Object.entries(ops)) {
    it(`${key} is registered under its own name and has a testOp test`, () => {
      expect(def.name).toBe(key);
      const file = new URL(`./${kebab(key)}.test.ts`, import.meta.url);
      expect(existsSync(file), `missing ${kebab(key)}.test.ts`).toBe(true);
      const source = readFileSync(file, 'utf8');
      expect(source).toMatch(/\btestOp\(/);
      expect(source).toContain(`op: '${key}'`);
    });
  }

  it('has an op file with forward and backward for every entry', () => {
    for (const key of Object.keys(ops)) {
      const source = readFileSync(new URL(`./${kebab(key)}.ts`, import.meta.url), 'utf8');
      expect(source, key).toMatch(new RegExp(`record\\(\\s*out,\\s*'${key}'`));
    }
  });
});
