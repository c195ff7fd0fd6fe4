// Seconds per training epoch of the classic and modern presets: a timed slice of an epoch through the real training loop, scaled to 55,000 images.
import { cpus } from 'node:os';
import { sliceMnist } from '@tinygpt/datasets/mnist';
import { defaults, parseArch, presets } from '../src/config.js';
import type { MnistConfig, PresetName } from '../src/config.js';
import { loadSplits } from '../src/data.js';
import { train } from '../src/train.js';

const full = process.argv.includes('--full'); // time one whole epoch instead of a slice
const TRAIN_IMAGES = 55_000; // a full epoch: 60,000 minus the 5,000 validation images
const slice: Record<PresetName, number> = { classic: 10_000, modern: 6_400 }; // 1,000 and 100 steps

const data = loadSplits({ ...defaults, trainImages: 0, testImages: 1000 });
console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical cores), Node ${process.version}`);
console.log(full ? 'timing one full epoch of 55,000 images each' : 'timing a slice of an epoch each, scaled to 55,000 images (--full: a whole epoch)');
console.log('');
console.log('| preset | network | batch | images timed | ms/step | s/epoch | GFLOP/s |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const name of Object.keys(presets) as PresetName[]) {
  const config: MnistConfig = { ...defaults, ...presets[name], preset: name, epochs: 1, testImages: 1000 };
  const images = full ? TRAIN_IMAGES : slice[name];
  const subset = { ...data, train: sliceMnist(data.train, 0, images) };
  const warm = { ...data, train: sliceMnist(data.train, 0, 1000) };
  await train(config, { data: warm, save: false }); // let the JIT compile the hot paths first
  const { seconds } = (await train(config, { data: subset, save: false })).history[0]!;
  const steps = Math.ceil(images / config.batchSize);
  const sizes = parseArch(config.arch);
  const macs = sizes.slice(1).reduce((n, out, i) => n + out * sizes[i]!, 0); // multiply-adds per image, forward
  const flops = 6 * macs * images; // forward 2·macs, backward 4·macs (input and weight gradients)
  const epoch = (seconds * TRAIN_IMAGES) / images;
  const row = [name, `${config.arch} ${config.activation}`, config.batchSize, images.toLocaleString('en-US'),
    ((1000 * seconds) / steps).toFixed(2), epoch.toFixed(1), (flops / seconds / 1e9).toFixed(2)];
  console.log(`| ${row.join(' | ')} |`);
}
