// Writes the data the page fetches into public/generated/: a slice of Moby Dick to train on, and a few thousand MNIST digits.
//
// Run by `pnpm dev` / `pnpm build` before Vite starts; the files are generated, not committed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadMnist } from '@tinygpt/datasets/mnist';
import { loadMobyDick } from '@tinygpt/datasets/moby-dick';

/** Characters of Moby Dick bundled as the default corpus (≈ 200 KB: small enough to load at once). */
export const CORPUS_CHARS = 200_000;
/** Training digits shipped for in-page training (784 bytes each), and test digits for checking. */
export const MNIST_TRAIN = 4000;
export const MNIST_TEST = 500;

const out = new URL('../public/generated/', import.meta.url);
mkdirSync(out, { recursive: true });
writeFileSync(new URL('moby-dick.txt', out), loadMobyDick().slice(0, CORPUS_CHARS));
for (const [split, limit] of [
  ['train', MNIST_TRAIN],
  ['test', MNIST_TEST],
] as const) {
  const set = loadMnist({ split, limit });
  // One byte per label, then 784 bytes per image (pixel · 255, rounded), so the page decodes it with no parser.
  const bytes = new Uint8Array(set.count * 785);
  bytes.set(set.labels.subarray(0, set.count));
  for (let i = 0; i < set.count * 784; i++) bytes[set.count + i] = Math.round(set.images[i]! * 255);
  writeFileSync(new URL(`mnist-${split}.bin`, out), bytes);
}
