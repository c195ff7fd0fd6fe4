// Runs the example a package's README shows and checks that it prints exactly the output shown beside it.
/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The first ```ts block of a README and the ```text block that follows it. */
export function readmeExample(readme: string): { code: string; output: string } {
  const match = /```ts\n([\s\S]*?)```[\s\S]*?```text\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README has no ```ts example followed by a ```text block of its output');
  return { code: match[1]!, output: match[2]! };
}

/** A workspace package and what its README example is, or why it has none. */
export interface ReadmeExamplePackage {
  /** The folder's name under `packages/`, e.g. `autograd`. */
  name: string;
  /** Absolute path of the package folder. */
  dir: string;
  /** Why the package has no runnable README example, or `null` when it has one. */
  missing: string | null;
}

/**
 * Every folder of `packages/` under `workspaceRoot` (a package.json beside it) that must run in a
 * browser, and whether its README has an example. Node-only packages (`"tinygpt": { "node": true }`
 * in their package.json, e.g. cli-kit) are left out: their README examples run in Node only.
 */
export function readmeExamplePackages(workspaceRoot: string | URL): ReadmeExamplePackage[] {
  const root = typeof workspaceRoot === 'string' ? workspaceRoot : fileURLToPath(workspaceRoot);
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(packagesDir, entry.name, 'package.json')))
    .filter((entry) => !isNodeOnly(join(packagesDir, entry.name)))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const dir = join(packagesDir, name);
      const readme = join(dir, 'README.md');
      if (!existsSync(readme)) return { name, dir, missing: 'no README.md' };
      try {
        readmeExample(readFileSync(readme, 'utf8'));
        return { name, dir, missing: null };
      } catch (error) {
        return { name, dir, missing: (error as Error).message };
      }
    });
}

/** Whether the package in `dir` says `"tinygpt": { "node": true }` in its package.json. */
export function isNodeOnly(dir: string): boolean {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { tinygpt?: { node?: unknown } };
  return manifest.tinygpt?.node === true;
}

/**
 * Runs `packageDir`'s README example as a script inside that package (so it imports the package by
 * name, straight from its sources) and returns what the README shows and what the example printed.
 */
export function runReadmeExample(packageDir: string | URL): { expected: string; actual: string } {
  const dir = typeof packageDir === 'string' ? packageDir : fileURLToPath(packageDir);
  const { code, output } = readmeExample(readFileSync(join(dir, 'README.md'), 'utf8'));
  const file = join(dir, `.readme-example-${process.pid}.ts`);
  writeFileSync(file, code);
  try {
    const tsx = createRequire(import.meta.url).resolve('tsx/cli');
    const actual = execFileSync(process.execPath, [tsx, '--conditions=@tinygpt/source', file], {
      cwd: dir,
      encoding: 'utf8',
    });
    return { expected: output.trimEnd(), actual: actual.trimEnd() };
  } finally {
    rmSync(file, { force: true });
  }
}
