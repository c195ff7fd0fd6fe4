// Prints the figures the dataset READMEs quote (sizes, vocabularies, splits, label counts, checksums):
// `pnpm --filter @tinygpt/datasets run stats`.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadMnist, mnistDataDir } from '../src/mnist/index.js';
import { loadMobyDick } from '../src/moby-dick/index.js';
import { loadTinyShakespeare } from '../src/tinyshakespeare/index.js';
import { splitText, textStats } from '../src/text/index.js';

const n = (x: number): string => x.toLocaleString('en-US');

function describeText(name: string, text: string): void {
  const stats = textStats(text);
  const { train, val } = splitText(text);
  console.log(
    `${name}: ${n(stats.characters)} characters, ${n(stats.bytes)} bytes, ${n(stats.lines)} lines, vocabulary ${stats.vocabSize}`,
  );
  console.log(`  90/10 split: ${n(train.length)} train, ${n(val.length)} val`);
  console.log(`  vocabulary: ${JSON.stringify(stats.vocab.join(''))}`);
}

describeText('moby-dick', loadMobyDick());

try {
  describeText('tinyshakespeare', (await loadTinyShakespeare()).text);
} catch (err) {
  console.log(`tinyshakespeare: not available (${(err as Error).message})`);
}

for (const split of ['train', 'test'] as const) {
  const set = loadMnist({ split });
  const counts = new Array<number>(10).fill(0);
  for (const label of set.labels) counts[label]!++;
  console.log(`mnist ${split}: ${n(set.count)} images of ${set.rows}×${set.cols}; per digit 0–9: ${counts.join(' ')}`);
}
for (const file of [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
]) {
  const bytes = readFileSync(join(mnistDataDir(), file));
  console.log(`  ${file}: ${n(bytes.length)} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex')}`);
}
