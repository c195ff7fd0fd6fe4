// The pretraining loop, shaped like nanoGPT's train.py: evaluate and checkpoint every evalInterval, else one AdamW step.
import { Rng, clipGradNorm, constantLr, cosineLr } from '@tinygpt/autograd';
import type { Corpus } from '@tinygpt/datasets/text';
import type { TrainConfig } from './config.js';
import { getBatch } from './data.js';
import { estimateLoss } from './estimate-loss.js';
import type { EvalInfo, TrainEvents } from './events.js';
import { generate } from './generate.js';
import { LossLog } from './log-csv.js';
import { nextTurn } from './next-turn.js';
import { loadCorpus, openRun, saveRun } from './run.js';
import { openRunDir } from './checkpoint/checkpoint-files.js';
import type { Run } from './run.js';

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
 * returns. The loop yields to the event loop after each step (see nextTurn).
 * @throws Error when the loss stops being finite; the last checkpoint is left as it was.
 */
export async function train(
  config: TrainConfig,
  opts: { events?: TrainEvents; corpus?: Corpus; shouldStop?: (iter: number) => boolean } = {},
): Promise<TrainResult> {
  // The corpus first: a bad --data is reported as such, whoever is writing the out dir.
  const corpus = opts.corpus ?? (await loadCorpus(config.data, config.maxDataMb));
  const release = openRunDir(config.outDir);
  try {
    return await trainLocked(config, { ...opts, corpus });
  } finally {
    release();
  }
}

/** {@link train} once this process is the run directory's one writer. */
async function trainLocked(
  config: TrainConfig,
  opts: { events?: TrainEvents; corpus?: Corpus; shouldStop?: (iter: number) => boolean },
): Promise<TrainResult> {
  const { events = {} } = opts;
  const run = await openRun(config, opts.corpus);
  const { model, rng, splits } = run;
  const { optimizer } = run.opt;
  const { batchSize: B, blockSize: T, gradAccum, evalInterval, maxIters } = config;
  const lrAt = config.decayLr ? cosineLr(config) : constantLr(config.learningRate);
  const params = model.parameters();
  const log = new LossLog(config.outDir);
  if (config.initFrom === 'resume') log.truncateTo(run.iter, run.evaluated);
  else log.reset();
  events.start?.({
    params: model.numParams(),
    vocabSize: run.tokenizer.vocabSize,
    corpus: run.corpus,
    trainTokens: splits.train.length,
    valTokens: splits.val.length,
    tokensPerIter: B * T * gradAccum,
    startIter: run.iter,
    maxIters,
    resumed: config.initFrom === 'resume',
  });
  const result: TrainResult = {
    losses: [],
    evals: [],
    iter: run.iter,
    interrupted: false,
    bestValLoss: run.bestValLoss,
  };
  const checkpoint = (interrupted: boolean): void => {
    saveRun(run);
    events.checkpoint?.({ iter: run.iter, dir: config.outDir, interrupted });
  };
  model.train();
  for (;;) {
    if (opts.shouldStop?.(run.iter)) {
      checkpoint(true);
      result.interrupted = true;
      break;
    }
    // Every evalInterval iterations (and at the end): losses on both splits, a sample, a checkpoint.
    if ((run.iter % evalInterval === 0 || run.iter === maxIters) && !run.evaluated) {
      // Evaluation and its sample draw from a stream of their own, seeded by (seed, iter): the
      // training stream is the same whether or not an evaluation ran, so extending a finished
      // run (whose last evaluation fell off the --eval-interval grid) stays bit-exact.
      const evalRng = evaluationRng(config.seed, run.iter);
      const losses = await estimateLoss(model, splits, { ...config, rng: evalRng });
      if (!Number.isFinite(losses.train + losses.val)) notFinite(losses.train + losses.val, run.iter, config.outDir);
      const info = { iter: run.iter, trainLoss: losses.train, valLoss: losses.val };
      run.bestValLoss = Math.min(losses.val, run.bestValLoss ?? Infinity);
      result.evals.push(info);
      log.append(info);
      events.evaluation?.(info);
      if (config.sampleChars > 0) events.sample?.(await sample(run, evalRng), run.iter);
      run.evaluated = true;
      checkpoint(false);
    }
    if (run.iter >= maxIters) break;

    // One optimizer step. The micro-batch losses are scaled by 1/gradAccum, so the accumulated
    // gradients are those of the mean loss over all gradAccum·B sequences: one bigger batch.
    const t0 = performance.now();
    const lr = lrAt(run.iter);
    optimizer.lr = lr;
    let loss = 0;
    for (let micro = 0; micro < gradAccum; micro++) {
      const { x, y, shape } = getBatch(splits.train, B, T, rng);
      const microLoss = model.forward(x, shape, { targets: y }).loss!;
      loss += microLoss.item() / gradAccum;
      microLoss.div(gradAccum).backward();
    }
    if (!Number.isFinite(loss)) notFinite(loss, run.iter, config.outDir);
    if (config.gradClip > 0) clipGradNorm(params, config.gradClip);
    optimizer.step();
    optimizer.zeroGrad();
    const ms = performance.now() - t0;
    log.append({ iter: run.iter, loss, lr, ms });
    events.step?.({ iter: run.iter, loss, lr, ms });
    result.losses.push(loss);
    run.iter++;
    run.evaluated = false;
    await nextTurn();
  }
  return { ...result, iter: run.iter, bestValLoss: run.bestValLoss };
}

/** The generator of the evaluation at `iter`: a function of the run's seed and the iteration only. */
export function evaluationRng(seed: number, iter: number): Rng {
  return new Rng(`${seed}/eval/${iter}`);
}

/** Stops the run before a diverged model can overwrite the last checkpoint. */
function notFinite(loss: number, iter: number, outDir: string): never {
  throw new Error(
    `the loss became ${loss} at iteration ${iter}; training stopped and the last checkpoint in ${outDir} was kept (try a lower --learning-rate)`,
  );
}

/** A short continuation of a newline, as the run's evaluations print it (temperature 0.8, top-k 200, nanoGPT's sample.py defaults). */
async function sample(run: Run, rng: Rng): Promise<string> {
  const start = run.tokenizer.chars.includes('\n') ? '\n' : run.tokenizer.chars[0]!;
  const ids = await generate(run.model, run.tokenizer.encode(start), {
    maxNewTokens: run.config.sampleChars,
    temperature: 0.8,
    topK: 200,
    rng,
  });
  return run.tokenizer.decode(ids);
}
