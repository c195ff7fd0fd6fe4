// The browser-safe part of the char-gpt library (no `node:` imports anywhere below): the model, batches, optimizer,
// sampling and the checkpoint formats.
export { Gpt, GptTransformer } from './model/gpt.js';
export type { GptOutput } from './model/gpt.js';
export { Block } from './model/block.js';
export type { GptConfig, TrainConfig } from './config.js';
export { splitIds, getBatch } from './data.js';
export type { Batch, Split, Splits } from './data.js';
export { configureOptimizer } from './optimizer.js';
export type { ConfiguredOptimizer } from './optimizer.js';
export { estimateLoss } from './estimate-loss.js';
export type { CheckpointInfo, EvalInfo, StartInfo, StepInfo, TrainEvents } from './events.js';
export { generate } from './generate.js';
export type { SamplingOptions } from './generate.js';
export type { CheckpointContents, NamedTensor } from './checkpoint/checkpoint-files.js';
export {
  CheckpointError,
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  WEIGHT_FILES,
  parseCheckpointMeta,
  sha256Hex,
} from './checkpoint/format.js';
export { encodeCheckpoint, runCheckpoint } from './checkpoint/encode.js';
export type { CheckpointFiles, CheckpointParts, RunState } from './checkpoint/encode.js';
export type { CheckpointMeta } from './checkpoint/format.js';
export { modelTensors, loadModelTensors } from './checkpoint/model-state.js';
export { optimizerTensors, loadOptimizerTensors } from './checkpoint/optimizer-state.js';
export { toNanoGptName, fromNanoGptName } from './checkpoint/names.js';
export { EXCHANGE_FILES, parseExchangeConfig, toExchangeConfig } from './interop/exchange-config.js';
export type { ExchangeConfig, ExchangeConfigJson } from './interop/exchange-config.js';
export { fromNanoGptState } from './interop/nanogpt-state.js';
export { RunRng } from './run-rng.js';
