// Trains the digit network on MNIST by mini-batch gradient descent, scoring and checkpointing it after every epoch.
import { AdamW, cosineLr, constantLr, getBackend, Rng, SGD, tidy } from '@tinygpt/autograd';
import type { Tensor } from '@tinygpt/autograd';
import { createProgress, notSavedError, onInterrupt } from '@tinygpt/cli-kit';
import type { Progress, ProgressStream } from '@tinygpt/cli-kit';
import type { Mlp } from '@tinygpt/mlp';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { META_FILE, saveCheckpoint } from './checkpoint.js';
import { parseArch } from './config.js';
import type { MnistConfig } from './config.js';
import { getBatch, loadSplits } from './data.js';
import { checkTrainingMemory } from './memory.js';
import type { MnistSplits } from './data.js';
import { accuracy, cost, createModel } from './model.js';

/** What one epoch reached; `--json` prints exactly these fields, one object per line. */
export interface EpochMetrics {
  epoch: number;
  /** Mean cost over the epoch's mini-batches. */
  trainLoss: number;
  valAccuracy: number;
  testAccuracy: number;
  /** Wall time of the epoch's gradient steps (scoring excluded). */
  seconds: number;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** Where each epoch's line goes (text, or with `config.json` its JSON object); nothing when omitted. */
  out?: ProgressStream;
  /** Where the per-epoch progress bar (not drawn with `config.json`) and the Ctrl-C note go; none when omitted. */
  progress?: ProgressStream;
  /** Write a checkpoint to `config.outDir` after every epoch (default true). */
  save?: boolean;
  /** Preloaded data (tests and benchmarks share one load); else loaded as `config` says. */
  data?: MnistSplits;
  /** What the checkpoint records as the kernels it ran on, e.g. `wasm (2 threads)`; default the active backend's name. */
  backend?: string;
}

/**
 * Trains a network as `config` says and returns it with its per-epoch history. One seeded RNG
 * draws the initial weights and then every epoch's shuffle, so a seed fixes every bit.
 *
 * @example
 * const { history } = await train({ ...defaults, epochs: 1, trainImages: 2000 }, { save: false });
 */
export async function train(
  config: MnistConfig,
  opts: TrainOptions = {},
): Promise<{ model: Mlp; history: EpochMetrics[] }> {
  const sizes = parseArch(config.arch);
  checkTrainingMemory(sizes, config); // before the data is read or a weight allocated
  const rng = new Rng(config.seed);
  const data = opts.data ?? loadSplits(config);
  const model = createModel(sizes, config, rng);
  const optimizer = createOptimizer(config, model.parameters());
  const N = data.train.count;
  const stepsPerEpoch = Math.ceil(N / config.batchSize);
  const totalSteps = config.epochs * stepsPerEpoch;
  const lrAt =
    config.lrSchedule === 'cosine'
      ? cosineLr({
          learningRate: config.learningRate,
          minLr: config.minLearningRate,
          warmupIters: 0,
          lrDecayIters: totalSteps,
        })
      : constantLr(config.learningRate);
  const history: EpochMetrics[] = [];
  const backend = opts.backend ?? getBackend().name;
  const order = Int32Array.from({ length: N }, (_, i) => i);
  // A save is one directory swap, done before Ctrl-C's handler can run: the checkpoint is whole either way.
  const stopListening = onInterrupt(() => {
    const saved = history.length > 0 && (opts.save ?? true);
    opts.progress?.write(
      `stopped: ${saved ? `${config.outDir} holds epoch ${history.length}` : 'no checkpoint written'}\n`,
    );
  });

  try {
    for (let epoch = 1; epoch <= config.epochs; epoch++) {
      const progress = createProgressBar(
        `epoch ${epoch}/${config.epochs}`,
        stepsPerEpoch,
        config.json ? undefined : opts.progress,
      );
      shuffle(order, rng); // a fresh order every epoch, drawn from the one RNG
      const started = performance.now();
      let lossSum = 0;
      for (let step = 0; step < stepsPerEpoch; step++) {
        const indices = order.subarray(step * config.batchSize, (step + 1) * config.batchSize);
        // One step in a tidy() scope: the batch, activations and the loss are freed at its end
        // (backward frees most of them already), so memory stays put with or without event-loop turns.
        lossSum += tidy(() => {
          const { x, labels } = getBatch(data.train, indices);
          const loss = cost(model.forward(x), labels, config.loss); // (B, 784) → (B, 10) → scalar
          optimizer.zeroGrad();
          loss.backward(); // backpropagation: ∂C/∂w for every weight and bias
          optimizer.lr = lrAt((epoch - 1) * stepsPerEpoch + step);
          optimizer.step(); // w ← w − η·∂C/∂w (or its momentum / Adam version)
          return loss.item();
        });
        if (!Number.isFinite(lossSum)) {
          // Stop before a diverged network can be saved over the last good checkpoint.
          const kept = existsSync(join(config.outDir, META_FILE))
            ? `the last checkpoint in ${config.outDir} was kept`
            : 'nothing was saved';
          throw new Error(
            `the loss became ${lossSum} at epoch ${epoch}, step ${step + 1}; training stopped and ${kept} (try a lower --learning-rate)`,
          );
        }
        if (step % 50 === 0 || step === stepsPerEpoch - 1) {
          progress.update(step + 1, { loss: lossSum / (step + 1) });
          await new Promise(setImmediate); // show progress and let a Ctrl-C in (memory does not depend on it)
        }
      }
      const seconds = (performance.now() - started) / 1000;
      progress.done();
      const metrics: EpochMetrics = {
        epoch,
        trainLoss: lossSum / stepsPerEpoch,
        valAccuracy: accuracy(model, data.val),
        testAccuracy: accuracy(model, data.test),
        seconds,
      };
      history.push(metrics);
      if (opts.save ?? true)
        await saveEpoch(config.outDir, { model, config, epoch, history, rng: rng.state(), backend });
      opts.out?.write(config.json ? `${JSON.stringify(metrics)}\n` : `${formatEpoch(metrics)}\n`);
    }
  } finally {
    stopListening();
  }
  return { model, history };
}

/** {@link saveCheckpoint}, a failure (a full disk, say) saying which checkpoint the directory still holds. */
async function saveEpoch(dir: string, state: Parameters<typeof saveCheckpoint>[1]): Promise<void> {
  try {
    await saveCheckpoint(dir, state);
  } catch (err) {
    const { epoch } = state;
    throw notSavedError(err, `epoch ${epoch}`, epoch === 1 ? null : `epoch ${epoch - 1}`);
  }
}

/** The optimizer `config.optimizer` names, over `params`. */
export function createOptimizer(config: MnistConfig, params: Tensor[]): SGD | AdamW {
  const { learningRate: lr, weightDecay } = config;
  if (config.optimizer === 'adam') return new AdamW(params, { lr, weightDecay });
  return new SGD(params, { lr, weightDecay, momentum: config.optimizer === 'momentum' ? config.momentum : 0 });
}

/** A progress bar on `stream`, or one that shows nothing. */
function createProgressBar(label: string, total: number, stream: ProgressStream | undefined): Progress {
  return stream ? createProgress({ total, label, stream }) : { update() {}, log() {}, done() {} };
}

/** Fisher–Yates shuffle in place, every swap drawn from `rng`. */
export function shuffle(order: Int32Array, rng: Rng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}

/** One readable line per epoch: `epoch 3  loss 0.1234  val 95.12%  test 94.87%  12.3 s`. */
export function formatEpoch(m: EpochMetrics): string {
  const pct = (a: number): string => `${(100 * a).toFixed(2)}%`;
  return (
    `epoch ${m.epoch}  loss ${m.trainLoss.toFixed(4)}  val ${pct(m.valAccuracy)}  test ` +
    `${pct(m.testAccuracy)}  ${m.seconds.toFixed(1)} s`
  );
}
