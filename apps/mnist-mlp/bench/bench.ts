// Seconds per training epoch of the presets and of the two networks of the MNIST reference table (root README, Reference figures): a timed slice of an epoch through the real training loop, scaled to 55,000 images.
import { cpus, loadavg } from 'node:os';
import { sliceMnist } from '@tinygpt/datasets/mnist';
import { defaults, parseArch, presets } from '../src/config.js';
import type { MnistConfig } from '../src/config.js';
import { loadSplits } from '../src/data.js';
import { train } from '../src/train.js';

const full = process.argv.includes('--full'); // time one whole epoch instead of a slice
const TRAIN_IMAGES = 55_000; // a full epoch: 60,000 minus the 5,000 validation images

/** What is timed: the two presets, then the reference table's networks (batch 64, Adam) for comparison with PyTorch and TensorFlow.js. */
const runs: { name: string; config: Partial<MnistConfig>; images: number }[] = [
  { name: 'classic preset', config: presets.classic, images: 10_000 },
  { name: 'modern preset', config: presets.modern, images: 6_400 },
  { name: 'reference small', config: { ...presets.modern, arch: '784-16-16-10', activation: 'sigmoid', learningRate: 1e-3 }, images: 12_800 },
  { name: 'reference large', config: { ...presets.modern, arch: '784-128-64-10', learningRate: 1e-3 }, images: 6_400 },
];

const data = loadSplits({ ...defaults, trainImages: 0, testImages: 1000 });
console.log(`CPU: ${cpus()[0]?.model ?? 'unknown'} (${cpus().length} logical cores), Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}`);
console.log(full ? 'timing one full epoch of 55,000 images each' : 'timing a slice of an epoch each, scaled to 55,000 images (--full: a whole epoch)');
console.log('');
console.log('| run | network | optimizer | batch | images timed | ms/step | s/epoch | GFLOP/s |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const run of runs) {
  const config: MnistConfig = { ...defaults, ...run.config, epochs: 1 };
  const images = full ? TRAIN_IMAGES : run.images;
  await train(config, { data: { ...data, train: sliceMnist(data.train, 0, 1000) }, save: false }); // let the JIT compile the hot paths first
  const { seconds } = (await train(config, { data: { ...data, train: sliceMnist(data.train, 0, images) }, save: false })).history[0]!;
  const steps = Math.ceil(images / config.batchSize);
  const sizes = parseArch(config.arch);
  const macs = sizes.slice(1).reduce((n, out, i) => n + out * sizes[i]!, 0); // multiply-adds per image, forward
  const flops = 6 * macs * images; // forward 2·macs, backward 4·macs (input and weight gradients)
  const row = [run.name, `${config.arch} ${config.activation}, ${config.loss}`, config.optimizer, config.batchSize, images.toLocaleString('en-US'),
    ((1000 * seconds) / steps).toFixed(2), ((seconds * TRAIN_IMAGES) / images).toFixed(1), (flops / seconds / 1e9).toFixed(2)];
  console.log(`| ${row.join(' | ')} |`);
}
