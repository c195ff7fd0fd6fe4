// Memory under long synchronous loops: the storage high-water mark after the first two steps (or tokens) and after
// all of them, with no event-loop turn.
import { getBackend, Rng } from '@tinygpt/autograd';
import type { MemoryStats } from '@tinygpt/autograd';
import type { GptConfig } from '../src/config.js';
import { sampleTokens } from '../src/generate.js';
import { Gpt } from '../src/model/gpt.js';
import { configureOptimizer } from '../src/optimizer.js';
import { trainStep } from '../src/train.js';

/** The active backend's storage figures at one moment (bytes). */
export interface MemoryMark {
  /** The backend's high-water mark: storage ever created (`memoryStats().highWaterBytes`). */
  highWater: number;
  /** Bytes in buffers handed out and not yet freed. */
  live: number;
  /** Size of the WebAssembly memory, on the wasm backend. */
  memory?: number;
}

/** What a loop did to memory: before it, after its first two steps, at its end, and after disposing the model. */
export interface LoopMemory {
  before: MemoryMark;
  afterTwo: MemoryMark;
  atEnd: MemoryMark;
  /** After the model and optimizer are disposed: `live` should be back to `before.live`. */
  disposed: MemoryMark;
  /** Steps (or tokens) run. */
  count: number;
  /** Wall-clock milliseconds of the loop. */
  ms: number;
}

/** A training shape: the model and the batch. */
export interface LoopShape {
  model: GptConfig;
  batchSize: number;
}

/** nanoGPT's baby config as configs/baby.json has it: 4 layers, 4 heads, 128 wide, block 64, batch 12. */
export const babyShape: LoopShape = {
  model: { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0, bias: false },
  batchSize: 12,
};

/**
 * The same code path (Gpt, trainStep, AdamW, clipping, dropout, the KV cache, sampleTokens), small
 * enough for a test: 1 layer, 2 heads, 8 wide, block 4, batch 2, dropout on.
 */
export const smallShape: LoopShape = {
  model: { vocabSize: 65, blockSize: 4, nLayer: 1, nHead: 2, nEmbd: 8, dropout: 0.1, bias: true },
  batchSize: 2,
};

function mark(): MemoryMark {
  const stats: MemoryStats & { memoryBytes?: number } = getBackend().memoryStats();
  return { highWater: stats.highWaterBytes, live: stats.liveBytes, memory: stats.memoryBytes };
}

/** Random token ids: the memory of a step does not depend on the text. */
function corpus(vocabSize: number, rng: Rng): Int32Array {
  return Int32Array.from({ length: 20_000 }, () => rng.int(vocabSize));
}

/**
 * `steps` training steps of char-gpt's own `trainStep` (AdamW as `configureOptimizer` sets it up,
 * clipping at 1), in one synchronous loop on the active backend: no event-loop turn at all.
 */
export function trainingMemory(shape: LoopShape, steps: number): LoopMemory {
  const before = mark();
  const rng = new Rng(1337);
  const model = new Gpt(shape.model, { rng });
  const { optimizer } = configureOptimizer(model, { learningRate: 1e-3, weightDecay: 0.1, beta1: 0.9, beta2: 0.99 });
  const params = model.parameters();
  const data = corpus(shape.model.vocabSize, rng);
  const opts = { batchSize: shape.batchSize, blockSize: shape.model.blockSize, gradAccum: 1, gradClip: 1, rng };
  const fail = (loss: number): never => {
    throw new Error(`loss ${loss}`);
  };
  let afterTwo = before;
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) {
    trainStep(model, optimizer, params, data, opts, fail);
    if (i === 1) afterTwo = mark();
  }
  const ms = performance.now() - t0;
  const atEnd = mark();
  optimizer.dispose();
  model.dispose();
  return { before, afterTwo, atEnd, disposed: mark(), count: steps, ms };
}

/**
 * `tokens` tokens sampled by char-gpt's own `sampleTokens` from an untrained model, in one
 * synchronous loop: no event-loop turn at all. The prompt fills the context (`blockSize` tokens),
 * so every step is the same work from the first; with a shorter prompt the mark rises until the
 * context is full, then stays.
 */
export function generationMemory(shape: LoopShape, tokens: number, promptLength = shape.model.blockSize): LoopMemory {
  const before = mark();
  const rng = new Rng(7);
  const model = new Gpt(shape.model, { rng });
  const prompt = Int32Array.from({ length: promptLength }, () => rng.int(shape.model.vocabSize));
  let afterTwo = before;
  let n = 0;
  const t0 = performance.now();
  for (const _ of sampleTokens(model, prompt, { maxNewTokens: tokens, temperature: 1, rng })) {
    if (++n === 2) afterTwo = mark();
  }
  const ms = performance.now() - t0;
  const atEnd = mark();
  model.dispose();
  return { before, afterTwo, atEnd, disposed: mark(), count: n, ms };
}
