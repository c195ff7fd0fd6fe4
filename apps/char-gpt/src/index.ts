// The char-gpt app as a library: the GPT model, the training loop, sampling, evaluation and checkpoints, for scripts and notebooks.
export { Gpt, GptTransformer } from './model/gpt.js';
export type { GptOutput } from './model/gpt.js';
export { Block } from './model/block.js';
export { defaults, help, validate, checkConfig, modelArgs, modelVocabSize } from './config.js';
export type { GptConfig, TrainConfig } from './config.js';
export { splitIds, getBatch } from './data.js';
export type { Batch, Split, Splits } from './data.js';
export { configureOptimizer } from './optimizer.js';
export type { ConfiguredOptimizer } from './optimizer.js';
export { estimateLoss } from './estimate-loss.js';
export { train, parameterSplit } from './train.js';
export { encodeCorpus } from './encode-corpus.js';
export { startIds } from './start-ids.js';
export type { TrainResult } from './train.js';
export type { CheckpointInfo, EvalInfo, ParameterSplit, StartInfo, StepInfo, TrainEvents } from './events.js';
export { generate, generateSamples, sampleBatch, sampleTokens } from './generate.js';
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
export { loadModelDir, modelDirArgs, modelDirTokenizer } from './interop/model-dir.js';
export { fromHfGpt2State, loadHfGpt2, readHfGpt2Config } from './interop/hf-gpt2.js';
export { isHfGpt2Dir } from './checkpoint/foreign-dirs.js';
export type { HfGpt2Model } from './interop/hf-gpt2.js';
export { RunRng } from './run-rng.js';
export { SignalWindow } from './signals.js';
export { encodeCheckpoint } from './checkpoint/encode.js';
export type { CheckpointFiles } from './checkpoint/encode.js';
