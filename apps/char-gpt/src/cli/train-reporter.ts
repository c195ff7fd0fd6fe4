// Shows a training run: a progress bar on a terminal, nanoGPT-style log lines in a pipe, or one JSON object per line with --json.
import { createProgress, formatDuration, shownPath, stdoutClosed } from '@tinygpt/cli-kit';
import type { Progress } from '@tinygpt/cli-kit';
import type { TrainConfig } from '../config.js';
import type { TrainEvents } from '../events.js';
import type { TrainResult } from '../train.js';

/** Where the reporter writes; the real process's streams by default. */
export interface ReporterStreams {
  out: { write(text: string): unknown };
  err: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  /** Whether `out`'s reader has gone (`pnpm pretrain | head`). */
  outClosed?: () => boolean;
}

/**
 * The run's events as the user sees them:
 * - `--json`: on stdout `{"iter","loss","lr","ms"}` per step and `{"iter","trainLoss","valLoss"}`
 *   per evaluation, nothing else (not even the `backend: …` line); where Ctrl-C stopped the run goes to stderr;
 * - a terminal: a progress bar on stderr (iteration, loss, tokens/s, ms/iter, ETA) with
 *   evaluations, samples and checkpoints printed above it;
 * - otherwise: plain lines on stdout, a step every `logInterval` iterations, as nanoGPT prints them;
 *   where the run stopped goes to stderr once stdout's reader has gone (`| head`).
 */
export function trainReporter(
  config: TrainConfig,
  streams: ReporterStreams = { out: process.stdout, err: process.stderr, outClosed: stdoutClosed },
): TrainEvents & { backend(description: string): void; done(result: TrainResult): void } {
  const { out, err, outClosed } = streams;
  const json = config.json;
  const tty = !json && err.isTTY === true;
  const started = performance.now();
  let tokensPerIter = 0;
  let msAverage = 0; // a moving average, so the bar's figures do not flicker
  let progress: Progress | null = null;
  let encodeBar: Progress | null = null;
  let firstStep = true;
  const valLosses = new Map<number, number>(); // by iteration, this process's evaluations
  let savedIter: number | undefined; // the iteration the checkpoint holds
  let backendLine = ''; // printed when the run starts: a refusal before then is the only line
  const say = (line: string): void => {
    if (json) return;
    if (progress) progress.log(line);
    else out.write(`${line}\n`);
  };
  const emit = (object: Record<string, number>): void => {
    out.write(`${JSON.stringify(object)}\n`);
  };
  return {
    /** The kernels the run computes on, e.g. `wasm (2 threads)`, printed first once it starts; not in --json output. */
    backend(description) {
      backendLine = `backend: ${description}`;
    },
    encoding(done, total) {
      // A bar only on a terminal and for a corpus that takes a while (GPT-2's BPE: about 2 MB/s).
      if (!tty || total < 4e6) return;
      encodeBar ??= createProgress({ total, label: 'encode', stream: err });
      encodeBar.update(done);
      if (done === total) {
        encodeBar.done();
        encodeBar = null;
      }
    },
    start(info) {
      if (backendLine) say(backendLine);
      tokensPerIter = info.tokensPerIter;
      const { corpus, split } = info;
      const n = (v: number): string => v.toLocaleString('en-US');
      if (info.tokenizer === 'char') {
        say(
          `corpus ${corpus.name}: ${n(corpus.characters)} characters, vocabulary ${info.vocabSize} (${corpus.source})`,
        );
        say(`train ${n(info.trainTokens)} / val ${n(info.valTokens)} characters`);
      } else {
        say(
          `corpus ${corpus.name}: ${n(corpus.characters)} characters → ${n(corpus.tokens)} ${info.tokenizer} tokens ` +
            `(${(corpus.characters / corpus.tokens).toFixed(2)} characters/token, encoded in ` +
            `${(info.encodeMs / 1000).toFixed(1)} s) (${corpus.source})`,
        );
        say(
          `vocabulary ` +
            `${n(info.vocabSize)}${info.modelVocabSize > info.vocabSize ? ` padded to ${n(info.modelVocabSize)}` : ''}; ` +
            `train ${n(info.trainTokens)} / val ${n(info.valTokens)} tokens`,
        );
      }
      say(`number of parameters: ${(info.params / 1e6).toFixed(2)}M`);
      const total = split.embedding + split.position + split.blocks;
      const pct = (v: number): string => `${((100 * v) / total).toFixed(0)}%`;
      say(
        `parameters: token embedding = lm head (tied) ${(split.embedding / 1e6).toFixed(2)}M (${pct(split.embedding)}), ` +
          `position embedding ${(split.position / 1e6).toFixed(2)}M (${pct(split.position)}), blocks ` +
          `${(split.blocks / 1e6).toFixed(2)}M (${pct(split.blocks)}); ` +
          `the lm head is ${(100 * split.lmHeadShare).toFixed(0)}% of a token's matmul work`,
      );
      say(`tokens per iteration will be: ${info.tokensPerIter.toLocaleString('en-US')}`);
      if (config.evalOnly) {
        say(`--eval-only: evaluating the model at iteration ${info.startIter}; nothing is trained or written`);
      } else if (info.resumed && info.startIter >= info.maxIters) {
        say(
          `the checkpoint is at iteration ${info.startIter}, --max-iters is ${info.maxIters}: nothing to train ` +
            `(a larger --max-iters continues the run)`,
        );
      } else if (info.resumed) say(`resuming from iteration ${info.startIter} of ${info.maxIters}`);
      const was = info.checkpointCorpus;
      if (info.resumed && was && (was.name !== info.corpus.name || was.characters !== info.corpus.characters)) {
        const chars = (n: number): string => `${n.toLocaleString('en-US')} characters`;
        say(
          `note: the checkpoint was trained on ${was.name} (${chars(was.characters)}); this run continues on ` +
            `${info.corpus.name} (${chars(info.corpus.characters)}), so its val losses, the best so far included, ` +
            'come from two different texts',
        );
      }
      if (tty && !config.evalOnly)
        progress = createProgress({ total: info.maxIters, label: 'train', initial: info.startIter, stream: err });
    },
    step({ iter, loss, lr, ms }) {
      if (json) return emit({ iter, loss, lr, ms });
      const tokensPerSecond = Math.round((tokensPerIter * 1000) / ms);
      if (firstStep) {
        firstStep = false;
        say(`first step: ${ms.toFixed(0)} ms, ${tokensPerSecond.toLocaleString('en-US')} tokens/s`);
      }
      if (progress) {
        msAverage = msAverage === 0 ? ms : 0.9 * msAverage + 0.1 * ms;
        progress.update(iter + 1, {
          loss,
          'tok/s': Math.round((tokensPerIter * 1000) / msAverage),
          'ms/iter': Math.round(msAverage),
        });
      } else if (iter % config.logInterval === 0) {
        say(
          `iter ${iter}: loss ${loss.toFixed(4)}, lr ${lr.toExponential(2)}, time ${ms.toFixed(2)}ms, ${tokensPerSecond} tok/s`,
        );
      }
    },
    evaluation({ iter, trainLoss, valLoss }) {
      valLosses.set(iter, valLoss);
      if (json) return emit({ iter, trainLoss, valLoss });
      say(`step ${iter}: train loss ${trainLoss.toFixed(4)}, val loss ${valLoss.toFixed(4)}`);
    },
    sample(text) {
      say(`---- sample ----${text.startsWith('\n') ? '' : '\n'}${text}\n----------------`);
    },
    checkpoint({ iter, dir, interrupted, kept, bestValLoss }) {
      savedIter = iter;
      const best = `val loss ${bestValLoss?.toFixed(4)}`;
      const stopped = kept
        ? `stopped: ${shownPath(dir)} keeps the checkpoint of iteration ${iter}, the best so far (${best}); ` +
          'continue from it with --init-from resume'
        : `stopped: checkpoint of iteration ${iter} saved to ${shownPath(dir)}; continue with --init-from resume`;
      // stdout stays JSON, or its reader has gone; the person who stopped the run reads this
      if (interrupted && (json || outClosed?.())) err.write(`${stopped}\n`);
      else if (interrupted) say(stopped);
      else
        say(
          kept
            ? `no improvement: ${shownPath(dir)} keeps iteration ${iter} (${best})`
            : `saving checkpoint to ${shownPath(dir)}`,
        );
    },
    done(result) {
      progress?.done();
      progress = null;
      const took = formatDuration(performance.now() - started);
      if (config.evalOnly) {
        const stopped = 'stopped: the evaluation was cut short; nothing was written';
        if (!result.interrupted) say(`done: evaluated iteration ${result.iter} in ${took}; nothing written`);
        else if (json || outClosed?.()) err.write(`${stopped}\n`);
        else say(stopped);
      } else if (!result.interrupted) {
        const best = result.bestValLoss === null ? '' : `, best val loss ${result.bestValLoss.toFixed(4)}`;
        // A run that got worse after its best says so: its checkpoint is the last, not the best.
        const saved = savedIter === undefined ? undefined : valLosses.get(savedIter);
        const worse =
          saved !== undefined && result.bestValLoss !== null && saved > result.bestValLoss
            ? `; the checkpoint holds iteration ${savedIter} (val loss ${saved.toFixed(4)}; ` +
              '--no-always-save-checkpoint keeps the best instead)'
            : '';
        say(`done: ${result.iter} iterations${best}, in ${took}${worse}`);
      }
    },
  };
}
