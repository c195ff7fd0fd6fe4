// Lint rules for the whole workspace; every package runs `eslint .` against this file.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const root = import.meta.dirname;
const workspaceDirs = ['packages', 'apps', 'tools']
  .flatMap((group) => (existsSync(join(root, group)) ? readdirSync(join(root, group)).map((d) => `${group}/${d}`) : []))
  .concat(['datasets', 'scripts'])
  .filter((dir) => existsSync(join(root, dir, 'package.json')));

/** Reaching into another package's files bypasses its `exports`, its only public surface. */
const deepImports = {
  group: ['@tinygpt/*/src', '@tinygpt/*/src/**', '@tinygpt/*/dist', '@tinygpt/*/dist/**'],
  message: "Import another package only through its exports ('@tinygpt/x'), never its files.",
};
/**
 * Packages run in browsers too: files, processes and the terminal belong to apps/, datasets/ and the
 * packages whose package.json says `"tinygpt": { "node": true }` (Node-only libraries such as cli-kit).
 */
const nodeOnly = {
  group: ['node:*', ...builtinModules],
  message:
    'Packages must run in a browser: no Node built-ins under packages/ (unless marked "tinygpt": { "node": true }).',
};
/** The dependency direction of CONTRIBUTING.md's package template: tokenizer and sampler hold no tensor code. */
const tensorFree = new Set(['@tinygpt/tokenizer', '@tinygpt/sampler']);
const layer = new Set(['@tinygpt/embedding', '@tinygpt/attention', '@tinygpt/mlp', '@tinygpt/backend-wasm']);
/** Node-only plumbing: no tensor code, so command-line helpers never load kernels. */
const plumbing = new Set(['@tinygpt/cli-kit']);

function rulesFor(dir) {
  const { name, tinygpt } = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const patterns = [deepImports];
  const paths = [{ name, message: 'A package must not import itself by name; use a relative import.' }];
  if (dir.startsWith('packages/') && tinygpt?.node !== true) patterns.push(nodeOnly);
  const allowed =
    name === '@tinygpt/autograd' || tensorFree.has(name) || plumbing.has(name)
      ? []
      : layer.has(name)
        ? ['@tinygpt/autograd']
        : null; // apps and datasets may use any package
  const dependencies = (extra) => ({
    group: ['@tinygpt/*', ...[...allowed, ...extra].map((a) => `!${a}`)],
    message: `${name} may depend only on ${allowed.length ? allowed.join(', ') : 'no other @tinygpt package'} (see CONTRIBUTING.md).`,
  });
  const block = (files, pats, ignores = []) => ({
    files,
    ignores,
    rules: { 'no-restricted-imports': ['error', { paths, patterns: pats }] },
  });
  // Tests run only in Node, so they may read fixtures from disk, and run README examples with @tinygpt/scripts.
  const tests = [`${dir}/**/*.test.ts`, `${dir}/bench/**`];
  const forTests = ['@tinygpt/scripts', '@tinygpt/scripts/*'];
  return [
    block([`${dir}/**/*.ts`], allowed ? [...patterns, dependencies([])] : patterns, tests),
    block(tests, [...patterns.filter((p) => p !== nodeOnly), ...(allowed ? [dependencies(forTests)] : [])]),
  ];
}

export default tseslint.config(
  {
    ignores: [
      '**/.readme-example-*',
      '**/dist/**',
      '**/node_modules/**',
      '**/*.js',
      '**/*.mjs',
      '**/build/**',
      'packages/backend-wasm/assembly/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Prettier wraps code at 120 columns but leaves strings, comments and templates as written: hold those to 140.
      'max-len': ['error', { code: 140, ignoreUrls: true, ignorePattern: String.raw`^\s*import\b` }],
      'no-restricted-imports': ['error', { patterns: [deepImports] }],
    },
  },
  // Generated files embed the kernels' bytes as long base64 lines.
  { files: ['**/generated/**'], rules: { 'max-len': 'off' } },
  ...workspaceDirs.flatMap(rulesFor),
);
