// `pnpm mnist train --out-dir` over another program's files, or over an earlier network without --overwrite, is refused
// before training, with every file left as it was.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { quietly, rejects, TINY_TRAIN } from './helpers.js';

const work = mkdtempSync(join(tmpdir(), 'mnist-out-dir-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const tiny = [...TINY_TRAIN, '--json'];

it("an --out-dir holding another program's files (a char-gpt run, a GPT-2 download) is refused, untouched", async () => {
  const charGpt = '{"format":"tinygpt-char-gpt/2","iter":20}';
  const dirs: Record<string, Record<string, string>> = {
    'char-run': {
      'checkpoint.json': charGpt,
      'model.safetensors': 'w',
      'optimizer.safetensors': 'm',
      'log.csv': 'i',
    },
    'gpt2-download': { 'config.json': '{"n_layer":12}', 'model.safetensors': 'w' },
    'char-pair': { 'checkpoint.json': charGpt, 'model.safetensors': 'w' },
    'damaged-pair': { 'checkpoint.json': '{"format":', 'model.safetensors': 'w' },
    'weights-alone': { 'model.safetensors': 'w' },
  };
  for (const [dir, files] of Object.entries(dirs)) {
    mkdirSync(join(work, dir));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(work, dir, name), text);
  }
  const refused = (dir: string, what: string) =>
    rejects(
      work,
      ['train', ...tiny, '--out-dir', dir],
      new RegExp(`^--out-dir \\S*${dir} ${what}; choose a new or empty directory$`),
    );
  await refused(
    'char-run',
    'holds files that are not part of an MNIST checkpoint \\(log\\.csv, optimizer\\.safetensors\\)',
  );
  await refused('gpt2-download', 'holds files that are not part of an MNIST checkpoint \\(config\\.json\\)');
  await refused('char-pair', `holds another program's checkpoint\\.json \\(format "tinygpt-char-gpt/2"\\)`);
  await refused('damaged-pair', "holds a checkpoint\\.json that is not an MNIST checkpoint's \\(not readable JSON\\)");
  await refused('weights-alone', 'holds a model\\.safetensors without the checkpoint\\.json of an MNIST checkpoint');
  for (const [dir, files] of Object.entries(dirs)) {
    for (const [name, text] of Object.entries(files)) expect(readFileSync(join(work, dir, name), 'utf8')).toBe(text);
  }
});

it('an earlier network is replaced only with --overwrite', async () => {
  await quietly(work, ['train', ...tiny, '--out-dir', 'mine', '--seed', '1']);
  const files = ['checkpoint.json', 'model.safetensors'].map((name) => readFileSync(join(work, 'mine', name)));
  await rejects(
    work,
    ['train', ...tiny, '--out-dir', 'mine', '--seed', '2'],
    /^--out-dir \S*mine already holds a trained network \(784-16-16-10, 1 epoch\); choose another --out-dir, or pass --overwrite/,
  );
  expect(['checkpoint.json', 'model.safetensors'].map((name) => readFileSync(join(work, 'mine', name)))).toEqual(files);
  await quietly(work, ['train', ...tiny, '--out-dir', 'mine', '--seed', '2', '--overwrite']);
  expect(readFileSync(join(work, 'mine', 'model.safetensors'))).not.toEqual(files[1]);
});

it("pictures visualize wrote beside a network do not block --overwrite, and stay; elsewhere they are another program's files", async () => {
  await quietly(work, ['train', ...tiny, '--out-dir', 'pictured', '--seed', '1']);
  await quietly(work, ['visualize', '--checkpoint', 'pictured', '--out', join('pictured', 'weights.png')]);
  const weights = readFileSync(join(work, 'pictured', 'weights.png'));
  const curves = readFileSync(join(work, 'pictured', 'curves.svg'));
  await rejects(work, ['train', ...tiny, '--out-dir', 'pictured', '--seed', '2'], /already holds a trained network/);
  await quietly(work, ['train', ...tiny, '--out-dir', 'pictured', '--seed', '2', '--overwrite']);
  expect(readFileSync(join(work, 'pictured', 'weights.png'))).toEqual(weights);
  expect(readFileSync(join(work, 'pictured', 'curves.svg'))).toEqual(curves);
  mkdirSync(join(work, 'album'));
  writeFileSync(join(work, 'album', 'holiday.png'), 'p');
  await rejects(
    work,
    ['train', ...tiny, '--out-dir', 'album', '--overwrite'],
    /^--out-dir \S*album holds files that are not part of an MNIST checkpoint \(holiday\.png\); choose a new or empty directory$/,
  );
  expect(readFileSync(join(work, 'album', 'holiday.png'), 'utf8')).toBe('p');
});
