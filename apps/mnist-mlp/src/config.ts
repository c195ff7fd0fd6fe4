// The knobs of a training run, their defaults (the network of the video), the presets and their checks.
import type { Activation } from '@tinygpt/mlp';

/** Everything that decides a training run; the resolved config is stored in every checkpoint. */
export type MnistConfig = {
  /** `''` or a key of {@link presets}; a preset replaces the defaults below, flags still override it. */
  preset: string;
  /** Layer sizes from input to output, dash-separated: 784 pixels in, 10 digits out. */
  arch: string;
  /** Nonlinearity of the hidden neurons. */
  activation: Activation;
  /**
   * `mse`: Σᵢ (aᵢ − yᵢ)² over the 10 sigmoid outputs against the one-hot label (the series' cost); `cross-entropy`:
   * softmax cross-entropy on the logits.
   */
  loss: 'mse' | 'cross-entropy';
  /** `sgd`: w ← w − η·∇C; `momentum`: SGD with a velocity (see `momentum`); `adam`: Adam (AdamW with `weightDecay`). */
  optimizer: 'sgd' | 'momentum' | 'adam';
  /** Step size η (the peak of the schedule). */
  learningRate: number;
  /** `constant`, or `cosine`: decays from `learningRate` to `minLearningRate` over the whole run. */
  lrSchedule: 'constant' | 'cosine';
  /** Where the cosine schedule ends. */
  minLearningRate: number;
  /** Velocity decay of the `momentum` optimizer. */
  momentum: number;
  /** Decoupled weight decay of `adam`, L2 decay of `sgd`/`momentum`; 0 = none. */
  weightDecay: number;
  /**
   * Weight init: `default` = weights and biases uniform ±1/√fanIn (PyTorch's Linear);
   * `normal` = weights N(0, 1/√fanIn), biases N(0, 1) (Nielsen's network2.py).
   */
  init: 'default' | 'normal';
  /** Images per gradient step. */
  batchSize: number;
  /** Passes over the training images. */
  epochs: number;
  /** Images held out from the end of the 60,000 training images to choose settings on (never trained on). */
  valImages: number;
  /** Training images used, from the start of the file; 0 = all that remain after the validation split. */
  trainImages: number;
  /** Test images scored after every epoch, from the start of the 10,000; 0 = all. */
  testImages: number;
  /** Seed of the one RNG behind init and shuffling: same seed, same bits. */
  seed: number;
  /** Checkpoint directory (model.safetensors + checkpoint.json), relative to where `pnpm` was run. */
  outDir: string;
  /** Print one JSON object per line instead of a progress bar and text. */
  json: boolean;
};

/** The defaults are the `classic` preset: 3Blue1Brown's 784-16-16-10 sigmoid network with the quadratic cost and plain SGD. */
export const defaults: MnistConfig = {
  preset: '',
  arch: '784-16-16-10',
  activation: 'sigmoid',
  loss: 'mse',
  optimizer: 'sgd',
  learningRate: 0.5, // steps like Nielsen's η = 1.0: his cost carries a ½, the series' (ours) does not
  lrSchedule: 'cosine',
  minLearningRate: 0,
  momentum: 0.9,
  weightDecay: 0,
  init: 'default',
  batchSize: 10,
  epochs: 30,
  valImages: 5000,
  trainImages: 0,
  testImages: 0,
  seed: 1337,
  outDir: 'runs/mnist',
  json: false,
};

/** One line of `--help` per knob. */
export const help: Record<keyof MnistConfig, string> = {
  preset: 'start from a named preset instead of the defaults; flags still win',
  arch: "layer sizes from 784 pixels to 10 digits, joined by '-'",
  activation: 'hidden-neuron nonlinearity',
  loss: "cost: mse = Σ (a − y)² over the 10 outputs (the series'), or softmax cross-entropy",
  optimizer: 'plain mini-batch SGD, SGD with momentum, or Adam',
  learningRate: 'step size η (peak of the schedule)',
  lrSchedule: 'constant η, or cosine decay to --min-learning-rate over the run',
  minLearningRate: 'η at the end of a cosine schedule',
  momentum: 'velocity decay of --optimizer momentum',
  weightDecay: 'weight decay (decoupled for adam, L2 for sgd/momentum)',
  init: 'default: uniform ±1/√fanIn; normal: N(0, 1/√fanIn) weights, N(0, 1) biases',
  batchSize: 'images per gradient step',
  epochs: 'passes over the training images',
  valImages: 'images held out from the end of the 60,000 to validate on',
  trainImages: 'training images to use, 0 = all the rest',
  testImages: 'test images scored each epoch, 0 = all 10,000',
  seed: 'seed of the one RNG (init and shuffling)',
  outDir: 'checkpoint directory',
  json: 'print one JSON object per epoch instead of text',
};

/** Named starting points; `--preset NAME` applies one over the defaults, explicit flags override it. */
export const presets = {
  /** The network of the video: 784-16-16-10, sigmoid, sum of squared differences, plain mini-batch SGD. */
  classic: {
    arch: '784-16-16-10',
    activation: 'sigmoid',
    loss: 'mse',
    optimizer: 'sgd',
    learningRate: 0.5,
    lrSchedule: 'cosine',
    minLearningRate: 0,
    init: 'default',
    batchSize: 10,
    epochs: 30,
  },
  /** What a practitioner would use today: wider ReLU layers, softmax cross-entropy, Adam. */
  modern: {
    arch: '784-256-128-10',
    activation: 'relu',
    loss: 'cross-entropy',
    optimizer: 'adam',
    learningRate: 2e-3,
    lrSchedule: 'cosine',
    minLearningRate: 0,
    init: 'default',
    batchSize: 64,
    epochs: 10,
  },
} satisfies Record<string, Partial<MnistConfig>>;

/** `'classic' | 'modern'`. */
export type PresetName = keyof typeof presets;

/** The values each string knob accepts (checked by the CLI with one clear error). */
export const choices = {
  activation: ['sigmoid', 'relu', 'tanh'],
  loss: ['mse', 'cross-entropy'],
  optimizer: ['sgd', 'momentum', 'adam'],
  lrSchedule: ['constant', 'cosine'],
  init: ['default', 'normal'],
  preset: ['', ...Object.keys(presets)],
} satisfies Partial<Record<keyof MnistConfig, readonly string[]>>;

/**
 * Applies `config.preset`: the preset's values replace the defaults, while every key a config file
 * or a flag set (`sources[key] !== 'default'`, as cli-kit's resolveConfig reports) keeps its value.
 * So `--preset modern --epochs 3` is the modern network trained for 3 epochs.
 */
export function applyPreset(config: MnistConfig, sources: Readonly<Record<keyof MnistConfig, string>>): MnistConfig {
  const out = { ...config };
  if (config.preset === '') return out;
  const preset: Partial<MnistConfig> | undefined = presets[config.preset as PresetName];
  if (!preset) throw new Error(`--preset must be one of ${Object.keys(presets).join(', ')} (got '${config.preset}')`);
  for (const key of Object.keys(preset) as (keyof MnistConfig)[]) {
    if (sources[key] === 'default') Object.assign(out, { [key]: preset[key] });
  }
  return out;
}

/** Neurons of the input layer every architecture starts with: one per pixel of a 28×28 image. */
export const INPUT_SIZE = 784;
/** Neurons of the output layer every architecture ends with: one per digit. */
export const OUTPUT_SIZE = 10;

/**
 * Parses `--arch` into layer sizes, e.g. `'784-16-16-10'` → `[784, 16, 16, 10]`.
 * Throws an Error with one readable line when it is not positive integers from 784 to 10.
 */
export function parseArch(arch: string): number[] {
  const parts = arch.split('-');
  const sizes = parts.map((p) => (/^\d+$/.test(p.trim()) ? Number(p.trim()) : NaN));
  if (parts.length < 2 || sizes.some((s) => !Number.isSafeInteger(s) || s < 1)) {
    throw new Error(`--arch must be layer sizes joined by '-', like 784-16-16-10 (got '${arch}')`);
  }
  if (sizes[0] !== INPUT_SIZE || sizes.at(-1) !== OUTPUT_SIZE) {
    throw new Error(
      `--arch must start with ${INPUT_SIZE} (28×28 pixels) and end with ${OUTPUT_SIZE} (digits), got '${arch}'`,
    );
  }
  return sizes;
}

/** Checks what types alone cannot; throws an Error with one readable line naming the flag. */
export function validateConfig(c: MnistConfig): void {
  parseArch(c.arch);
  for (const key of Object.keys(choices) as (keyof typeof choices)[]) {
    const allowed: readonly string[] = choices[key];
    if (!allowed.includes(c[key])) {
      const shown = allowed.filter((a) => a !== '').join(', ');
      throw new Error(`--${kebab(key)} must be one of ${shown} (got '${c[key]}')`);
    }
  }
  const positive = (key: keyof MnistConfig, v: number): void => {
    if (!(v > 0) || !Number.isFinite(v)) throw new Error(`--${kebab(key)} must be a number > 0 (got ${v})`);
  };
  const count = (key: keyof MnistConfig, v: number, min: number): void => {
    if (!Number.isSafeInteger(v) || v < min) throw new Error(`--${kebab(key)} must be an integer ≥ ${min} (got ${v})`);
  };
  positive('learningRate', c.learningRate);
  if (!(c.minLearningRate >= 0 && c.minLearningRate <= c.learningRate)) {
    throw new Error(`--min-learning-rate must be between 0 and --learning-rate (got ${c.minLearningRate})`);
  }
  if (!(c.momentum >= 0 && c.momentum < 1)) throw new Error(`--momentum must be in [0, 1) (got ${c.momentum})`);
  if (!(c.weightDecay >= 0 && Number.isFinite(c.weightDecay)))
    throw new Error(`--weight-decay must be ≥ 0 (got ${c.weightDecay})`);
  count('batchSize', c.batchSize, 1);
  count('epochs', c.epochs, 1);
  count('valImages', c.valImages, 1);
  count('trainImages', c.trainImages, 0);
  count('testImages', c.testImages, 0);
  count('seed', c.seed, 0);
  if (c.valImages >= 60000)
    throw new Error(`--val-images must leave training images: at most 59999 of 60000 (got ${c.valImages})`);
  if (c.trainImages > 60000 - c.valImages) {
    throw new Error(
      `--train-images is at most ${60000 - c.valImages} with --val-images ${c.valImages} (got ${c.trainImages})`,
    );
  }
  if (c.testImages > 10000) throw new Error(`--test-images is at most 10000 (got ${c.testImages})`);
  if (c.outDir === '') throw new Error('--out-dir must not be empty');
}

/** `learningRate` → `learning-rate`, the spelling flags use. */
export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);
}
