// Seconds per training epoch of the presets and of the MNIST reference table's networks (root README, Reference
// figures) on every backend, side by side in one run: a timed slice of an epoch through the real training loop,
// scaled to a whole epoch.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { getBackend, setBackend } from '@tinygpt/autograd';
import type { Backend } from '@tinygpt/autograd';
import { selectBackend } from '@tinygpt/backend-wasm';
import { sliceMnist } from '@tinygpt/datasets/mnist';
import { defaults, parseArch, presets } from '../src/config.js';
import type { MnistConfig } from '../src/config.js';
import { loadSplits } from '../src/data.js';
import { train } from '../src/train.js';

const args = process.argv.slice(2);
const full = args.includes('--full'); // time whole epochs instead of slices
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : full ? 1 : 5; // the machine is shared: best of interleaved rounds
if (!Number.isInteger(rounds) || rounds < 1)
  throw new Error(`--rounds must be a whole number ≥ 1 (got '${args[roundsAt + 1]}')`);
const TRAIN_IMAGES = 55_000; // the app's epoch: 60,000 minus the 5,000 validation images

/** What is timed: the two presets, then the reference table's networks (batch 64, Adam 1e-3). */
const runs: { name: string; config: Partial<MnistConfig>; images: number }[] = [
  { name: 'classic preset', config: presets.classic, images: 10_000 },
  { name: 'modern preset', config: presets.modern, images: 6_400 },
  {
    name: 'reference small',
    config: { ...presets.modern, arch: '784-16-16-10', activation: 'sigmoid', learningRate: 1e-3 },
    images: 12_800,
  },
  { name: 'reference large', config: { ...presets.modern, arch: '784-128-64-10', learningRate: 1e-3 }, images: 6_400 },
];

/** The contenders, each installed once; `setBackend` switches between them (every run makes its own tensors). */
const backends: { label: string; backend: Backend }[] = [];
for (const choice of [
  { backend: 'js', threads: 1 },
  { backend: 'wasm', threads: 1 },
  { backend: 'wasm', threads: 2 },
]) {
  const active = await selectBackend(choice);
  backends.push({ label: active.name === 'js' ? 'js' : `wasm ${active.threads}T`, backend: getBackend() });
}

const data = loadSplits({ ...defaults, trainImages: 0, testImages: 100 });
const scoring = { val: sliceMnist(data.val, 0, 100), test: data.test }; // scored after each timed epoch, outside the timing: keep it small

/** Seconds of the gradient steps of one epoch over the first `images` training images. */
async function time(config: MnistConfig, images: number): Promise<number> {
  const { history } = await train(config, {
    data: { ...scoring, train: sliceMnist(data.train, 0, images) },
    save: false,
  });
  return history[0]!.seconds;
}

const cores = `${cpus().length} logical cores, ${availableParallelism()} available`;
console.log(
  `CPU: ${cpus()[0]?.model ?? 'unknown'} (${cores}), Node ${process.version}, load average ${loadavg()[0]!.toFixed(1)}`,
);
console.log(`backends: js = autograd's TypeScript kernels; wasm 1T / 2T = @tinygpt/backend-wasm on 1 / 2 threads`);
console.log(
  `${full ? 'one whole epoch' : 'a slice of an epoch'} per run and backend, best of ${rounds} interleaved round${rounds === 1 ? '' : 's'}` +
    `${full ? '' : ', scaled to 55,000 images (--full: whole epochs)'}`,
);
console.log('');
console.log('seconds per epoch of 55,000 images (ratios: how many times faster than js)');
console.log('');
console.log(
  `| run | network | optimizer | batch | images timed | ${backends.map((b) => `${b.label} s/epoch`).join(' | ')} | ${backends
    .slice(1)
    .map((b) => `js ÷ ${b.label}`)
    .join(' | ')} | wasm 2T GFLOP/s |`,
);
console.log(`| ${Array.from({ length: 5 + 2 * backends.length }, () => '---').join(' | ')} |`);

for (const run of runs) {
  const config: MnistConfig = { ...defaults, ...run.config, epochs: 1 };
  const images = full ? TRAIN_IMAGES : run.images;
  const seconds: Record<string, number> = {};
  for (const { label, backend } of backends) {
    setBackend(backend);
    await time(config, 1000); // let the JIT compile the hot paths first
    seconds[label] = Infinity;
  }
  for (let round = 0; round < rounds; round++) {
    for (const { label, backend } of backends) {
      setBackend(backend);
      seconds[label] = Math.min(seconds[label]!, await time(config, images));
    }
  }
  const sizes = parseArch(config.arch);
  const macs = sizes.slice(1).reduce((n, out, i) => n + out * sizes[i]!, 0); // multiply-adds per image, forward
  const flops = 6 * macs * images; // forward 2·macs, backward 4·macs (input and weight gradients)
  const perEpoch = backends.map((b) => ((seconds[b.label]! * TRAIN_IMAGES) / images).toFixed(2));
  const ratios = backends.slice(1).map((b) => `${(seconds.js! / seconds[b.label]!).toFixed(1)}×`);
  const row = [
    run.name,
    `${config.arch} ${config.activation}, ${config.loss}`,
    config.optimizer,
    config.batchSize,
    images.toLocaleString('en-US'),
    ...perEpoch,
    ...ratios,
    (flops / seconds['wasm 2T']! / 1e9).toFixed(2),
  ];
  console.log(`| ${row.join(' | ')} |`);
}

console.log('');
console.log(
  'PyTorch + OpenBLAS and TensorFlow.js on the same machine, in the same run: pnpm --filter @tinygpt/bench bench',
);

// Stop the worker threads.
for (const { backend } of backends) if ('close' in backend && typeof backend.close === 'function') backend.close();
