// The subcommands of `pnpm mnist`: train, eval, predict and visualize the digit network.
import { accessSync, constants } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { backendDefaults, backendSpec, closeBackend, selectBackend } from '@tinygpt/backend-wasm';
import {
  CliError,
  describeFsError,
  formatCommands,
  formatHelp,
  lockDir,
  makeDir,
  resolveConfig,
  selectCommand,
  shownPath,
  userCwd,
  userPath,
  USAGE_EXIT_CODE,
  writeFileAtomic,
} from '@tinygpt/cli-kit';
import { loadMnist } from '@tinygpt/datasets/mnist';
import { checkOutDir, loadCheckpoint, META_FILE, recoverCheckpointDir, WEIGHTS_FILE } from '../checkpoint.js';
import type { CheckpointState } from '../checkpoint.js';
import { applyPreset, choices, defaults, help, parseArch, presets, validateConfig } from '../config.js';
import type { MnistConfig } from '../config.js';
import { evaluate, formatConfusion } from '../eval.js';
import { readPng, writePng } from '../png.js';
import { formatDigit, formatPrediction, predictDigit, toMnistPixels } from '../predict.js';
import { train } from '../train.js';
import { curvesSvg, weightGrid } from '../visualize.js';

const commands = {
  train: 'train the digit network on MNIST, checkpointing every epoch',
  eval: 'test accuracy and confusion matrix of a checkpoint',
  predict: 'classify a PNG of a digit and show the ten output neurons',
  visualize: "draw the first layer's weights (PNG) and the training curves (SVG)",
};

/**
 * Runs `pnpm mnist <command> [options]`: prints results to stdout and progress to stderr; a bad
 * flag, a missing checkpoint or an unreadable image throws an Error with one readable line
 * ({@link CliError} with exit code 2 for usage errors).
 */
export async function main(argv: string[]): Promise<void> {
  const { command, argv: rest } = selectCommand(argv, commands);
  if (command === undefined) return print(formatCommands(commands, 'pnpm mnist <command> [options]'));
  try {
    await { train: trainCommand, eval: evalCommand, predict: predictCommand, visualize: visualizeCommand }[command](
      rest,
    );
  } finally {
    closeBackend();
  }
}

async function trainCommand(argv: string[]): Promise<void> {
  const { preset: _, ...flagChoices } = choices; // an unknown preset is reported by validateConfig, without the empty choice
  const trainDefaults = { ...defaults, overwrite: false, ...backendDefaults(process.env) };
  const spec = {
    help: {
      ...help,
      overwrite: 'replace the trained network already in --out-dir (without it, that is refused)',
      ...backendSpec.help,
    },
    choices: { ...flagChoices, ...backendSpec.choices },
    validate: backendSpec.validate,
    defaultFrom: backendSpec.defaultFrom,
    cwd: userCwd(),
    usage: 'pnpm mnist train [options]',
    description: `Trains the network by mini-batch gradient descent on real MNIST. Presets: ${presetSummary()}.`,
  };
  const resolved = resolveConfig(trainDefaults, argv, spec);
  if (resolved.help) return print(formatHelp(trainDefaults, spec));
  const { backend, threads, overwrite, ...flags } = resolved.config;
  let config: MnistConfig;
  try {
    validateConfig(flags as MnistConfig);
    config = applyPreset(flags as MnistConfig, resolved.sources);
    validateConfig(config);
  } catch (err) {
    throw new CliError((err as Error).message, { exitCode: USAGE_EXIT_CODE });
  }
  config.outDir = userPath(config.outDir);
  const release = lockDir(config.outDir, '--out-dir'); // one writer: a second run into it is refused, not interleaved
  try {
    // A save a crash interrupted is finished first; then a directory that cannot be made or written, or that
    // holds another program's files, is refused now, not after the training.
    recoverCheckpointDir(config.outDir);
    makeDir(config.outDir, '--out-dir');
    try {
      accessSync(config.outDir, constants.W_OK);
    } catch (err) {
      throw new CliError(`cannot write to --out-dir ${config.outDir}: ${describeFsError(err)}`, { cause: err });
    }
    checkOutDir(config.outDir, overwrite);
    const active = await selectBackend({ backend, threads }); // before the first tensor
    if (!config.json) print(`${describeRun(config)}\nbackend: ${active.describe()}`);
    await train(config, { out: process.stdout, progress: process.stderr, backend: active.describe() });
  } finally {
    release();
  }
  if (!config.json) print(`checkpoint: ${shownPath(config.outDir)}`);
}

async function evalCommand(argv: string[]): Promise<void> {
  const evalDefaults = { checkpoint: defaults.outDir, testImages: 0, json: false, ...backendDefaults(process.env) };
  const spec = {
    help: {
      checkpoint: 'checkpoint directory',
      testImages: 'test images to score, 0 = all 10,000',
      json: 'print one JSON object',
      ...backendSpec.help,
    },
    choices: backendSpec.choices,
    defaultFrom: backendSpec.defaultFrom,
    validate: {
      ...backendSpec.validate,
      testImages: (n: number) =>
        Number.isInteger(n) && n >= 0 && n <= 10000 ? undefined : 'an integer from 0 to 10000',
    },
    cwd: userCwd(),
    usage: 'pnpm mnist eval [--checkpoint DIR]',
  };
  const { config, help: wantsHelp } = resolveConfig(evalDefaults, argv, spec);
  if (wantsHelp) return print(formatHelp(evalDefaults, spec));
  const active = await selectBackend(config); // before the checkpoint's tensors
  const dir = userPath(config.checkpoint);
  const checkpoint = loadCheckpoint(dir);
  const test = loadMnist(config.testImages > 0 ? { split: 'test', limit: config.testImages } : { split: 'test' });
  const { accuracy, count, confusion } = evaluate(checkpoint.model, test);
  if (config.json) return print(JSON.stringify({ accuracy, count, confusion }));
  const correct = Math.round(accuracy * count);
  print(describeCheckpoint(dir, checkpoint));
  print(`backend: ${active.describe()}`);
  print(
    `test accuracy ${(100 * accuracy).toFixed(2)}% (${correct.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} correct)\n`,
  );
  print(formatConfusion(confusion));
}

async function predictCommand(argv: string[]): Promise<void> {
  const predictDefaults = { checkpoint: defaults.outDir, center: true, json: false, ...backendDefaults(process.env) };
  const spec = {
    help: {
      checkpoint: 'checkpoint directory',
      center: 'crop, scale into 20×20 and centre by mass as MNIST did (--no-center: just scale the whole image)',
      json: 'print {"prediction", "activations"}',
      ...backendSpec.help,
    },
    choices: backendSpec.choices,
    validate: backendSpec.validate,
    defaultFrom: backendSpec.defaultFrom,
    positionals: 1,
    cwd: userCwd(),
    usage: 'pnpm mnist predict [--checkpoint DIR] IMAGE.png',
    description: 'Reads a PNG (any size, colour or grayscale; a light background is inverted to MNIST white-on-black).',
  };
  const { config, positionals, help: wantsHelp } = resolveConfig(predictDefaults, argv, spec);
  if (wantsHelp) return print(formatHelp(predictDefaults, spec));
  const [image] = positionals;
  if (image === undefined) throw new CliError(`predict needs an image: ${spec.usage}`, { exitCode: USAGE_EXIT_CODE });
  const active = await selectBackend(config); // before the checkpoint's tensors
  const checkpoint = loadCheckpoint(userPath(config.checkpoint));
  const pixels = toMnistPixels(readPng(userPath(image)), { center: config.center });
  const result = predictDigit(checkpoint.model, checkpoint.config.loss, pixels);
  if (config.json) {
    const activations = result.activations.map((a) => Math.round(a * 1e6) / 1e6); // six decimals, as plain numbers
    return print(JSON.stringify({ prediction: result.prediction, activations }));
  }
  print(`backend: ${active.describe()}`);
  print(`what the network sees (28×28):\n${formatDigit(pixels)}\n`);
  const what = checkpoint.config.loss === 'cross-entropy' ? 'softmax of the output layer' : 'sigmoid output neurons';
  print(`output activations (${what}):\n${formatPrediction(result)}\n`);
  print(`prediction: ${result.prediction}`);
}

async function visualizeCommand(argv: string[]): Promise<void> {
  const vizDefaults = { checkpoint: defaults.outDir, out: 'weights.png', curves: '', scale: 0 };
  const spec = {
    help: {
      checkpoint: 'checkpoint directory',
      out: "PNG of the first layer's weights, one 28×28 tile per hidden neuron",
      curves: 'SVG of the training curves (default: curves.svg beside --out)',
      scale: 'screen pixels per weight, 0 = automatic',
    },
    validate: {
      scale: (n: number) => (Number.isInteger(n) && n >= 0 && n <= 32 ? undefined : 'an integer from 0 to 32'),
    },
    cwd: userCwd(),
    usage: 'pnpm mnist visualize [--checkpoint DIR] [--out weights.png] [--curves curves.svg]',
  };
  const { config, help: wantsHelp } = resolveConfig(vizDefaults, argv, spec);
  if (wantsHelp) return print(formatHelp(vizDefaults, spec));
  const dir = userPath(config.checkpoint);
  // Both outputs are checked before anything is read or written.
  const out = outputPath('--out', config.out, '.png', dir);
  const curves =
    config.curves === '' ? join(dirname(out), 'curves.svg') : outputPath('--curves', config.curves, '.svg', dir);
  const checkpoint = loadCheckpoint(dir);
  const first = checkpoint.model.layers[0]!.weight; // (H, 784)
  makeDir(dirname(out));
  makeDir(dirname(curves));
  const grid = weightGrid(first.data, first.shape, config.scale > 0 ? { scale: config.scale } : {});
  await writePng(out, grid);
  const title = `${checkpoint.config.arch} ${checkpoint.config.activation}, ${checkpoint.config.loss}, ${checkpoint.config.optimizer}`;
  await writeFileAtomic(curves, curvesSvg(checkpoint.history, title));
  print(describeCheckpoint(dir, checkpoint));
  const epochs = checkpoint.history.length;
  print(`weights: ${shownPath(out)} (${first.shape[0]} hidden neurons, ${grid.width}×${grid.height} px)`);
  print(`curves:  ${shownPath(curves)} (${epochs} epoch${epochs === 1 ? '' : 's'})`);
}

/**
 * The file an output flag names, made absolute: refused (usage error) unless it ends in `ext`, and
 * when it is one of the files of the checkpoint in `dir`, which the command reads and must leave whole.
 */
function outputPath(flag: string, given: string, ext: string, dir: string): string {
  const path = userPath(given);
  const own = [META_FILE, WEIGHTS_FILE].find((name) => path === join(dir, name));
  if (own !== undefined) {
    throw new CliError(`${flag} ${given} would write over the checkpoint's ${own}; name a ${ext} file`, {
      exitCode: USAGE_EXIT_CODE,
    });
  }
  if (extname(path).toLowerCase() !== ext)
    throw new CliError(`${flag} must name a ${ext} file (got '${given}')`, { exitCode: USAGE_EXIT_CODE });
  return path;
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

function presetSummary(): string {
  return Object.entries(presets)
    .map(([name, p]) => `${name} (${p.arch} ${p.activation}, ${p.loss}, ${p.optimizer})`)
    .join(', ');
}

/** One line saying what is about to be trained. */
function describeRun(c: MnistConfig): string {
  const sizes = parseArch(c.arch);
  const params = sizes.slice(1).reduce((n, out, i) => n + out * sizes[i]! + out, 0);
  const lr = c.lrSchedule === 'cosine' ? `η ${c.learningRate} → ${c.minLearningRate} (cosine)` : `η ${c.learningRate}`;
  return [
    `${c.preset ? `preset ${c.preset}: ` : ''}${c.arch} ${c.activation} (${params.toLocaleString('en-US')} ` +
      `parameters), ${c.loss}, ${c.optimizer} ${lr},`,
    `batch ${c.batchSize}, ${c.epochs} epoch${c.epochs === 1 ? '' : 's'}, seed ${c.seed}`,
  ].join(' ');
}

/** One line saying what a checkpoint holds, and on which kernels it was trained when it records that. */
function describeCheckpoint(dir: string, { config: c, epoch, backend }: CheckpointState): string {
  return (
    `checkpoint ${shownPath(dir)}: ${c.arch} ${c.activation}, ${c.loss}, ${c.optimizer}, epoch ` +
    `${epoch}${backend ? `, trained on ${backend}` : ''}`
  );
}
