// The char-gpt app as a library: the GPT model, the training loop, sampling, evaluation and checkpoints, for scripts and notebooks.
export { Gpt, GptTransformer } from './model/gpt.js';
export type { GptOutput } from './model/gpt.js';
export { Block } from './model/block.js';
export { defaults, help, validate, checkConfig, modelArgs } from './config.js';
export type { GptConfig, TrainConfig } from './config.js';
export { splitIds, getBatch } from './data.js';
export type { Batch, Split, Splits } from './data.js';
export { configureOptimizer } from './optimizer.js';
export type { ConfiguredOptimizer } from './optimizer.js';
export { estimateLoss } from './estimate-loss.js';
export { train } from './train.js';
export type { TrainResult } from './train.js';
export type { EvalInfo, StartInfo, StepInfo, TrainEvents } from './events.js';
export { generate } from './generate.js';
export type { SamplingOptions } from './generate.js';
export { evaluateIds, evalWindows } from './eval.js';
export type { EvalResult } from './eval.js';
export { loadModel } from './checkpoint/load-model.js';
export type { LoadedModel } from './checkpoint/load-model.js';
export { openRunDir, readCheckpoint, readCheckpointMeta, writeCheckpoint } from './checkpoint/checkpoint-files.js';
export { checkMemory, estimateMemory, parameterCount } from './memory.js';
export type { MemoryEstimate } from './memory.js';
export type { CheckpointContents, NamedTensor } from './checkpoint/checkpoint-files.js';
export { CheckpointError, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint/format.js';
export type { CheckpointMeta } from './checkpoint/format.js';
export { modelTensors, loadModelTensors } from './checkpoint/model-state.js';
export { toNanoGptName, fromNanoGptName } from './checkpoint/names.js';
export { exportNanoGpt } from './interop/export-nanogpt.js';
export type { ExportSummary } from './interop/export-nanogpt.js';
export {
  isExchangeDir,
  loadExchangeModel,
  readExchangeConfig,
  readExchangeDir,
  writeExchangeDir,
} from './interop/exchange-dir.js';
export type { ExchangeContents, ExchangeModel } from './interop/exchange-dir.js';
export { EXCHANGE_FILES, parseExchangeConfig, toExchangeConfig } from './interop/exchange-config.js';
export type { ExchangeConfig, ExchangeConfigJson } from './interop/exchange-config.js';
export { fromNanoGptState } from './interop/nanogpt-state.js';
export { loadModelDir, modelDirArgs } from './interop/model-dir.js';
export { RunRng } from './run-rng.js';
export { nextTurn } from './next-turn.js';
