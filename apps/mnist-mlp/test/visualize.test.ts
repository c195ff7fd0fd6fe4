// `pnpm mnist visualize` writes only where its flags say: --out a .png, --curves a .svg, neither of them a file of the
// checkpoint it reads, which stays byte for byte as it was.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { quietly, rejects, TINY_TRAIN } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'mnist-visualize-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const checkpointFiles = ['checkpoint.json', 'model.safetensors'];
/** The checkpoint's files as they were trained. */
let trained: Buffer[];
const current = (): Buffer[] => checkpointFiles.map((name) => readFileSync(join(work, 'run', name)));

beforeAll(async () => {
  await quietly(work, ['train', ...TINY_TRAIN, '--json', '--out-dir', 'run']);
  trained = current();
}, 60_000);

it('an output naming a file of the checkpoint it reads is refused (exit 2), and nothing is written', async () => {
  const cases: [string, string, string][] = [
    ['--curves', 'run/checkpoint.json', '.svg'],
    ['--curves', 'run/model.safetensors', '.svg'],
    ['--curves', join(work, 'run', 'checkpoint.json'), '.svg'], // absolute
    ['--curves', 'run/./pics/../model.safetensors', '.svg'], // the same file, spelled otherwise
    ['--out', 'run/model.safetensors', '.png'],
    ['--out', 'run/checkpoint.json', '.png'],
  ];
  for (const checkpoint of ['run', 'run/', join(work, 'run')]) {
    for (const [flag, path, ext] of cases) {
      const other = flag === '--out' ? ['--curves', 'pics/c.svg'] : ['--out', 'pics/w.png'];
      await rejects(
        work,
        ['visualize', '--checkpoint', checkpoint, flag, path, ...other],
        new RegExp(`^${flag} .+ would write over the checkpoint's ${path.split('/').pop()}; name a \\${ext} file$`),
      );
    }
  }
  expect(current()).toEqual(trained);
  expect(readdirSync(join(work, 'run')).sort()).toEqual(checkpointFiles);
  expect(existsSync(join(work, 'pics'))).toBe(false); // the other output was not written either
});

it('--curves must name a .svg file and --out a .png file, checked before anything is written', async () => {
  await rejects(
    work,
    ['visualize', '--checkpoint', 'run', '--curves', 'pics/curves.png'],
    /^--curves must name a \.svg file \(got 'pics\/curves\.png'\)$/,
  );
  await rejects(
    work,
    ['visualize', '--checkpoint', 'run', '--curves', 'run/checkpoint.json.bak'],
    /^--curves must name a \.svg file/,
  );
  await rejects(work, ['visualize', '--checkpoint', 'run', '--out', 'pics/w.svg'], /^--out must name a \.png file/);
  await rejects(
    work,
    ['visualize', '--checkpoint', 'nowhere', '--out', 'w.png', '--curves', 'c.txt'],
    /^--curves must name a \.svg file/, // a usage error comes before the missing checkpoint
  );
  expect(existsSync(join(work, 'pics'))).toBe(false);
  expect(current()).toEqual(trained);
});

it('writes the PNG and the SVG where they are named, over earlier ones, and leaves the checkpoint alone', async () => {
  writeFileSync(join(work, 'old.svg'), 'an earlier drawing');
  for (let run = 0; run < 2; run++) {
    await quietly(work, ['visualize', '--checkpoint', 'run', '--out', 'run/weights.png', '--curves', 'old.svg']);
  }
  expect(
    readFileSync(join(work, 'run', 'weights.png'))
      .subarray(1, 4)
      .toString(),
  ).toBe('PNG');
  expect(readFileSync(join(work, 'old.svg'), 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\n$/);
  await quietly(work, ['visualize', '--checkpoint', 'run', '--out', 'pics/w.png', '--curves', 'pics/CURVES.SVG']);
  expect(existsSync(join(work, 'pics', 'CURVES.SVG'))).toBe(true);
  expect(current()).toEqual(trained);
});
