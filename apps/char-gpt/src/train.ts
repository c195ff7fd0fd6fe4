// The pretraining loop, shaped like nanoGPT's train.py: evaluate and checkpoint every evalInterval, else one AdamW step.
import { Rng, clipGradNorm, constantLr, cosineLr, tidy } from '@tinygpt/autograd';
import type { AdamW, Tensor } from '@tinygpt/autograd';
import type { Corpus } from '@tinygpt/datasets/text';
import type { TrainConfig } from './config.js';
import { getBatch } from './data.js';
import { EvaluationStopped, estimateLoss } from './estimate-loss.js';
import type { EvalInfo, ParameterSplit, StartInfo, TrainEvents } from './events.js';
import { generate } from './generate.js';
import { LossLog } from './log-csv.js';
import type { Gpt } from './model/gpt.js';
import { SignalWindow } from './signals.js';
import { loadCorpus, openRun, saveRun } from './run.js';
import { openRunDir } from './checkpoint/checkpoint-files.js';
import { startIds } from './start-ids.js';
import type { Run } from './run.js';

/** What {@link train} is given besides the config: where its events go, the corpus if already loaded, when to stop. */
interface TrainOptions {
  events?: TrainEvents;
  corpus?: Corpus;
  shouldStop?: (iter: number) => boolean;
}

/** How a call to {@link train} ended. */
export interface TrainResult {
  /** The loss of every step this call took, in order. */
  losses: number[];
  evals: EvalInfo[];
  /** Iterations completed in total (including those before a resume). */
  iter: number;
  /** Whether `shouldStop` ended the run early (a checkpoint was written). */
  interrupted: boolean;
  bestValLoss: number | null;
}

/**
 * Pretrains (or, with `initFrom: 'resume'`, continues) a GPT as `config` says. `shouldStop`
 * is asked before every iteration (Ctrl-C sets it): the run then writes a checkpoint and
 * returns. Each step is {@link trainStep}, which frees everything it made; the loop lets the event
 * loop turn only every 200 ms or so, for Ctrl-C (see {@link SignalWindow}). With `evalOnly`, the
 * run's first evaluation only, and nothing written.
 * @throws Error when the loss stops being finite; the last checkpoint is left as it was.
 */
export async function train(config: TrainConfig, opts: TrainOptions = {}): Promise<TrainResult> {
  // The corpus first: a bad --data is reported as such, whoever is writing the out dir.
  const corpus = opts.corpus ?? (await loadCorpus(config.data, config.maxDataMb));
  if (config.evalOnly) return evaluateOnly(config, { ...opts, corpus });
  const release = openRunDir(config.outDir);
  try {
    return await trainLocked(config, { ...opts, corpus });
  } finally {
    release();
  }
}

/** {@link train} once this process is the run directory's one writer. */
async function trainLocked(config: TrainConfig, opts: TrainOptions): Promise<TrainResult> {
  const { events = {} } = opts;
  const run = await openRun(config, opts.corpus, events.encoding?.bind(events));
  const { model, rng, splits } = run;
  const { optimizer } = run.opt;
  const { gradAccum, evalInterval, maxIters } = config;
  const lrAt = config.decayLr ? cosineLr(config) : constantLr(config.learningRate);
  const params = model.parameters();
  const log = new LossLog(config.outDir);
  if (config.initFrom === 'resume') log.truncateTo(run.iter, run.evaluated);
  else log.reset();
  events.start?.(startInfo(run));
  const result = startResult(run);
  // Every evaluation writes a checkpoint, or, as nanoGPT with always_save_checkpoint=False, only one
  // that improves the val loss: the directory then always holds the best so far, and a stop keeps it.
  const keepBest = !config.alwaysSaveCheckpoint;
  let savedIter = config.initFrom === 'resume' ? run.iter : null;
  const checkpoint = (interrupted: boolean, improved = false): void => {
    if (keepBest && savedIter !== null && !improved) {
      const info = { iter: savedIter, dir: config.outDir, interrupted, kept: true, bestValLoss: run.bestValLoss };
      return events.checkpoint?.(info);
    }
    saveRun(run, savedIter);
    savedIter = run.iter;
    events.checkpoint?.({ iter: run.iter, dir: config.outDir, interrupted });
  };
  const signals = new SignalWindow();
  model.train();
  for (;;) {
    if (opts.shouldStop?.(run.iter)) {
      checkpoint(true);
      result.interrupted = true;
      break;
    }
    // Every evalInterval iterations (and at the end): losses on both splits, a sample, a checkpoint.
    if ((run.iter % evalInterval === 0 || run.iter === maxIters) && !run.evaluated) {
      const evaluation = await evaluate(run, opts.shouldStop);
      if (!evaluation) continue; // Ctrl-C mid-evaluation: the loop's top writes the checkpoint
      const { info } = evaluation;
      const both = info.trainLoss + info.valLoss;
      if (!Number.isFinite(both)) notFinite(both, run.iter, config.outDir);
      const improved = info.valLoss < (run.bestValLoss ?? Infinity);
      run.bestValLoss = Math.min(info.valLoss, run.bestValLoss ?? Infinity);
      result.evals.push(info);
      log.append(info);
      events.evaluation?.(info);
      if (config.sampleChars > 0) events.sample?.(await sample(run, evaluation.rng), run.iter);
      run.evaluated = true;
      checkpoint(false, improved);
    }
    if (run.iter >= maxIters) break;

    const t0 = performance.now();
    const lr = lrAt(run.iter);
    optimizer.lr = lr;
    // The micro-batches one by one, so that a long step (a large model, many micro-batches) still
    // answers Ctrl-C: a step stopped part-way is dropped, the generator rewound to its start, and
    // a resume runs it whole.
    const atStepStart = rng.state();
    let loss = 0;
    let stopped = false;
    for (let micro = 0; micro < gradAccum; micro++) {
      if (micro > 0) {
        if (signals.due()) await signals.letIn();
        stopped = opts.shouldStop?.(run.iter) ?? false;
        if (stopped) break;
      }
      loss += microStep(model, splits.train, { ...config, rng });
    }
    if (stopped) {
      optimizer.zeroGrad();
      rng.restore(atStepStart);
      continue; // the loop's top writes the checkpoint
    }
    finishStep(loss, optimizer, params, config.gradClip, (value) => notFinite(value, run.iter, config.outDir));
    const ms = performance.now() - t0;
    log.append({ iter: run.iter, loss, lr, ms });
    events.step?.({ iter: run.iter, loss, lr, ms });
    result.losses.push(loss);
    run.iter++;
    run.evaluated = false;
    if (signals.due()) await signals.letIn();
  }
  return { ...result, iter: run.iter, bestValLoss: run.bestValLoss };
}

/**
 * nanoGPT's eval_only: the evaluation the run would start with (the same batches and sample), of a
 * new model, the one `initFrom` names, or the checkpoint in `outDir` with `resume`, at the run's
 * iteration; nothing is trained or written, and the out dir is only read.
 */
async function evaluateOnly(config: TrainConfig, opts: TrainOptions): Promise<TrainResult> {
  const { events = {} } = opts;
  const run = await openRun(config, opts.corpus, events.encoding?.bind(events));
  events.start?.(startInfo(run));
  const result = startResult(run);
  const evaluation = await evaluate(run, opts.shouldStop);
  if (!evaluation) return { ...result, interrupted: true };
  result.evals.push(evaluation.info);
  events.evaluation?.(evaluation.info);
  if (config.sampleChars > 0) events.sample?.(await sample(run, evaluation.rng), run.iter);
  return result;
}

/**
 * The losses of `run`'s model on both splits at its iteration, and the generator its sample goes on
 * to draw from; null when `shouldStop` ended it. Evaluation and its sample draw from a stream of
 * their own, seeded by (seed, iter): the training stream is the same whether or not an evaluation
 * ran, so extending a finished run (whose last evaluation fell off the --eval-interval grid) stays
 * bit-exact, and an evaluation of a checkpoint draws the batches its run's evaluation there drew.
 */
async function evaluate(
  run: Run,
  shouldStop?: (iter: number) => boolean,
): Promise<{ info: EvalInfo; rng: Rng } | null> {
  const rng = evaluationRng(run.config.seed, run.iter);
  const stop = (): boolean => shouldStop?.(run.iter) ?? false;
  try {
    const losses = await estimateLoss(run.model, run.splits, { ...run.config, rng, stop });
    return { info: { iter: run.iter, trainLoss: losses.train, valLoss: losses.val }, rng };
  } catch (err) {
    if (err instanceof EvaluationStopped) return null;
    throw err;
  }
}

/** The result of a call that has done nothing yet: it stands at the run's iteration and best val loss. */
function startResult(run: Run): TrainResult {
  return { losses: [], evals: [], iter: run.iter, interrupted: false, bestValLoss: run.bestValLoss };
}

/** What a run reports as it starts: its parameters, corpus, splits and iterations. */
function startInfo(run: Run): StartInfo {
  const { config, model, splits } = run;
  return {
    params: model.numParams(),
    split: parameterSplit(run),
    tokenizer: run.tokenizer.toJSON().type,
    vocabSize: run.tokenizer.vocabSize,
    modelVocabSize: model.config.vocabSize,
    encodeMs: run.encodeMs,
    corpus: run.corpus,
    trainTokens: splits.train.length,
    valTokens: splits.val.length,
    tokensPerIter: config.batchSize * config.blockSize * config.gradAccum,
    startIter: run.iter,
    maxIters: config.maxIters,
    resumed: config.initFrom === 'resume',
    checkpointCorpus: run.checkpointCorpus,
  };
}

/** The generator of the evaluation at `iter`: a function of the run's seed and the iteration only. */
export function evaluationRng(seed: number, iter: number): Rng {
  return new Rng(`${seed}/eval/${iter}`);
}

/**
 * One optimizer step, synchronous and self-contained: `gradAccum` micro-batches of (batchSize,
 * blockSize) drawn from `data` with `rng`, forward and backward each inside a `tidy` scope (so
 * every activation and intermediate gradient is freed before the next), then clipping, the
 * optimizer's update and `zeroGrad`. Returns the mean loss; calls `onNotFinite` (which should
 * throw) before updating anything if it is not finite. After the first two steps it allocates
 * nothing new: every buffer comes from the backend's free lists.
 *
 * The micro-batch losses are scaled by 1/gradAccum, so the accumulated gradients are those of the
 * mean loss over all gradAccum·B sequences: one bigger batch.
 */
export function trainStep(
  model: Gpt,
  optimizer: AdamW,
  params: readonly Tensor[],
  data: Int32Array,
  opts: { batchSize: number; blockSize: number; gradAccum: number; gradClip: number; rng: Rng },
  onNotFinite: (loss: number) => never,
): number {
  let loss = 0;
  for (let micro = 0; micro < opts.gradAccum; micro++) loss += microStep(model, data, opts);
  finishStep(loss, optimizer, params, opts.gradClip, onNotFinite);
  return loss;
}

/**
 * One micro-batch of {@link trainStep}: forward and backward inside a `tidy` scope, the gradients
 * added to the parameters' own; returns its loss divided by `gradAccum`.
 */
function microStep(
  model: Gpt,
  data: Int32Array,
  opts: { batchSize: number; blockSize: number; gradAccum: number; rng: Rng },
): number {
  return tidy(() => {
    const { x, y, shape } = getBatch(data, opts.batchSize, opts.blockSize, opts.rng);
    const microLoss = model.forward(x, shape, { targets: y }).loss!;
    const value = microLoss.item() / opts.gradAccum;
    microLoss.div(opts.gradAccum).backward();
    return value;
  });
}

/** The end of {@link trainStep} after its micro-batches: the finiteness check, clipping, the update, `zeroGrad`. */
function finishStep(
  loss: number,
  optimizer: AdamW,
  params: readonly Tensor[],
  gradClip: number,
  onNotFinite: (loss: number) => never,
): void {
  if (!Number.isFinite(loss)) onNotFinite(loss);
  if (gradClip > 0) clipGradNorm(params, gradClip);
  optimizer.step();
  optimizer.zeroGrad();
}

/** Stops the run before a diverged model can overwrite the last checkpoint. */
function notFinite(loss: number, iter: number, outDir: string): never {
  throw new Error(
    `the loss became ${loss} at iteration ${iter}; training stopped and the last checkpoint in ${outDir} was kept ` +
      `(try a lower --learning-rate)`,
  );
}

/**
 * A short continuation of a newline, as the run's evaluations print it (temperature 0.8, top-k 200,
 * nanoGPT's sample.py defaults): `sampleChars` characters, from as many tokens (a GPT-2 token
 * decodes to one character or more).
 */
async function sample(run: Run, rng: Rng): Promise<string> {
  const ids = await generate(run.model, startIds(run.tokenizer), {
    maxNewTokens: run.config.sampleChars,
    temperature: 0.8,
    topK: 200,
    rng,
    sampleableIds: run.tokenizer.vocabSize,
  });
  return Array.from(run.tokenizer.decode(ids)).slice(0, run.config.sampleChars).join('');
}

/**
 * Where a run's parameters sit: the token embedding (which is also the lm head, tied), the
 * position embedding, and the blocks (with the final LayerNorm); and the share of a token's
 * forward multiply-adds spent in the lm head (C·V against the blocks' 12·C² per layer and the
 * attention's 2·T·C per layer at full context), which dominates a small model with GPT-2's vocabulary.
 */
export function parameterSplit(run: Pick<Run, 'model'>): ParameterSplit {
  const { model } = run;
  const { vocabSize: V, nEmbd: C, nLayer: L, blockSize: T } = model.config;
  const embedding = model.transformer.wte.weight.size;
  const position = model.transformer.wpe.weight.size;
  const blocks = model.numParams(false) - embedding - position;
  const head = C * V;
  const lmHeadShare = head / (head + L * (12 * C * C + 2 * T * C));
  return { embedding, position, blocks, lmHeadShare };
}
