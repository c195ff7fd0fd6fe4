// Full training runs of the presets (all 55,000 training images, every epoch scored on the 10,000 test images) on the
// default backend ($TINYGPT_BACKEND or wasm), and the results table the README shows.
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { getBackend } from '@tinygpt/autograd';
import { backendDefaults, selectBackend } from '@tinygpt/backend-wasm';
import { defaults, presets } from '../src/config.js';
import type { MnistConfig, PresetName } from '../src/config.js';
import { train } from '../src/train.js';

const names = Object.keys(presets) as PresetName[];
const asked = process.argv.slice(2);
const unknown = asked.find((a) => !names.includes(a as PresetName));
if (unknown !== undefined) throw new Error(`unknown preset '${unknown}'; presets: ${names.join(', ')}`);
const chosen = asked.length > 0 ? (asked as PresetName[]) : names;
const base = process.env.INIT_CWD ?? process.cwd();
const cpu = `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} logical cores), Node ${process.version}`;

// The kernels `pnpm mnist train` runs on by default, so the numbers match it bit for bit.
const backend = (await selectBackend(backendDefaults(process.env))).describe();

const rows: string[] = [];
for (const name of chosen) {
  const config: MnistConfig = {
    ...defaults,
    ...presets[name],
    preset: name,
    outDir: resolve(base, `runs/mnist-${name}`),
  };
  console.log(
    `== ${name} on ${backend}: ${config.arch} ${config.activation}, ${config.loss}, ${config.optimizer} η ` +
      `${config.learningRate} (${config.lrSchedule}), batch ${config.batchSize}, ${config.epochs} epochs, seed ` +
      `${config.seed}`,
  );
  const { history } = await train(config, { out: process.stdout, backend });
  const last = history.at(-1)!;
  const secondsPerEpoch = history.reduce((s, m) => s + m.seconds, 0) / history.length;
  const pct = (a: number): string => `${(100 * a).toFixed(2)} %`;
  rows.push(
    `| ${name} | ${config.arch} ${config.activation}, ${config.loss}, ${config.optimizer} | ${config.epochs} | ` +
      `${pct(last.valAccuracy)} | **${pct(last.testAccuracy)}** | ${secondsPerEpoch.toFixed(1)} | ${backend} |`,
  );
}
console.log(`\n${cpu}\n`);
console.log('| preset | network | epochs | validation accuracy | test accuracy | s/epoch | backend |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
const active = getBackend();
if ('close' in active && typeof active.close === 'function') active.close(); // stop the worker threads, so the process can end
