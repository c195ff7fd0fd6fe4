// The training configs the page offers: char-gpt's full set of knobs at small values, and named presets over them.
import type { TrainConfig } from '@tinygpt/char-gpt/browser';

/** Every knob of a char-gpt run, at the values the playground starts from (a small model that learns in a minute). */
export const BASE_CONFIG: TrainConfig = {
  data: 'moby-dick',
  outDir: 'runs/playground',
  initFrom: 'scratch',
  overwrite: false,
  maxDataMb: 256,
  evalInterval: 50,
  evalIters: 10,
  logInterval: 10,
  sampleChars: 120,
  json: false,
  profile: false,
  tokenizer: 'char',
  nLayer: 2,
  nHead: 2,
  nEmbd: 64,
  blockSize: 32,
  dropout: 0,
  bias: false,
  batchSize: 16,
  gradAccum: 1,
  maxIters: 500,
  learningRate: 3e-3,
  decayLr: true,
  warmupIters: 20,
  lrDecayIters: 500,
  minLr: 3e-4,
  weightDecay: 0.1,
  beta1: 0.9,
  beta2: 0.99,
  gradClip: 1,
  seed: 1337,
  device: 'cpu',
  compile: false,
  dtype: 'float32',
  wandbLog: false,
  wandbProject: '',
  wandbRunName: '',
  evalOnly: false,
  alwaysSaveCheckpoint: true,
};

/** Named starting points; each overrides BASE_CONFIG. `baby` is char-gpt's configs/baby.json shape (the bench model). */
export const PRESETS = {
  tiny: { nLayer: 2, nHead: 2, nEmbd: 32, blockSize: 32, batchSize: 16, maxIters: 300, lrDecayIters: 300 },
  small: {},
  baby: {
    nLayer: 4,
    nHead: 4,
    nEmbd: 128,
    blockSize: 64,
    batchSize: 12,
    maxIters: 2000,
    lrDecayIters: 2000,
    learningRate: 1e-3,
    minLr: 1e-4,
    warmupIters: 100,
    evalInterval: 250,
    evalIters: 20,
  },
} satisfies Record<string, Partial<TrainConfig>>;

/** A preset's name. */
export type PresetName = keyof typeof PRESETS;

/** The knobs the page lets a user set, with their input ranges. */
export const KNOBS = [
  ['nLayer', 1, 8, 1],
  ['nHead', 1, 8, 1],
  ['nEmbd', 8, 256, 8],
  ['blockSize', 8, 256, 8],
  ['batchSize', 1, 64, 1],
  ['maxIters', 10, 20000, 10],
  ['learningRate', 1e-5, 1e-1, 1e-5],
  ['evalInterval', 5, 1000, 5],
  ['dropout', 0, 0.5, 0.05],
  ['seed', 0, 1e9, 1],
] as const satisfies readonly (readonly [keyof TrainConfig, number, number, number])[];

/**
 * The config of `preset` with `overrides` on top. Unless set, the decay follows maxIters and ends at a
 * tenth of the learning rate (as every preset here and nanoGPT's configs have it).
 */
export function presetConfig(preset: PresetName, overrides: Partial<TrainConfig> = {}): TrainConfig {
  const merged: TrainConfig = { ...BASE_CONFIG, ...PRESETS[preset], ...overrides };
  if (overrides.maxIters !== undefined && overrides.lrDecayIters === undefined) merged.lrDecayIters = merged.maxIters;
  if (overrides.learningRate !== undefined && overrides.minLr === undefined) merged.minLr = merged.learningRate / 10;
  return merged;
}
