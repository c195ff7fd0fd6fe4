// The training loop: exact resume, gradient accumulation as a bigger batch, checkpoints, the loss log, non-finite losses.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliError } from '@tinygpt/cli-kit';
import { readCheckpoint } from '../src/checkpoint/checkpoint-files.js';
import type { TrainConfig } from '../src/config.js';
import { LossLog } from '../src/log-csv.js';
import { train } from '../src/train.js';
import { tinyRun } from './helpers.js';

/** Rows of log.csv without the ms column (wall time differs between runs). */
function logRows(outDir: string): string[] {
  return readFileSync(join(outDir, 'log.csv'), 'utf8')
    .trim()
    .split('\n')
    .map((line) =>
      line
        .split(',')
        .filter((_, i) => i !== 3)
        .join(','),
    );
}

describe('train', () => {
  it('evaluates every evalInterval and at the end, and writes a checkpoint and log.csv', async () => {
    const config = tinyRun();
    const result = await train(config);
    expect(result.losses).toHaveLength(12);
    expect(result.evals.map((e) => e.iter)).toEqual([0, 5, 10, 12]);
    expect(result.losses.every(Number.isFinite)).toBe(true);
    for (const file of ['checkpoint.json', 'model.safetensors', 'optimizer.safetensors', 'log.csv']) {
      expect(existsSync(join(config.outDir, file))).toBe(true);
    }
    const log = logRows(config.outDir);
    expect(log[0]).toBe('iter,loss,lr,trainLoss,valLoss');
    expect(log).toHaveLength(1 + 12 + 4);
    const { meta } = readCheckpoint(config.outDir);
    expect(meta.iter).toBe(12);
    expect(meta.bestValLoss).toBe(Math.min(...result.evals.map((e) => e.valLoss)));
  });

  describe('resume equals a run that never stopped, bit for bit', () => {
    // Dropout on, so the generator's restored state is exercised by every forward pass.
    const base = (): TrainConfig => tinyRun({ dropout: 0.1, maxIters: 12, evalInterval: 5 });
    let full: Awaited<ReturnType<typeof train>>;
    let fullConfig: TrainConfig;

    it('uninterrupted reference run', async () => {
      fullConfig = base();
      full = await train(fullConfig);
    });

    it('stopped at iteration 7 (as Ctrl-C does) and resumed', async () => {
      const config = { ...base(), data: fullConfig.data };
      const first = await train(config, { shouldStop: (iter) => iter === 7 });
      expect(first.interrupted).toBe(true);
      expect(first.iter).toBe(7);
      const second = await train({ ...config, initFrom: 'resume' });
      const losses = [...first.losses, ...second.losses];
      expect(losses).toEqual(full.losses);
      expect(losses.every((loss, i) => loss === full.losses[i])).toBe(true);
      expect([...first.evals, ...second.evals]).toEqual(full.evals);
      expect(logRows(config.outDir)).toEqual(logRows(fullConfig.outDir));
    });

    it('stopped part-way through the micro-batches of iteration 7 and resumed: the step is run again whole', async () => {
      const accumulated = (): TrainConfig => ({ ...base(), data: fullConfig.data, gradAccum: 3 });
      const whole = await train(accumulated());
      const config = accumulated();
      let asked = 0;
      // Asked at the top of iteration 7 (no), then between its micro-batches (yes, from then on).
      const first = await train(config, { shouldStop: (iter) => iter === 7 && ++asked >= 2 });
      expect([first.interrupted, first.iter, first.losses.length, asked]).toEqual([true, 7, 7, 3]);
      const second = await train({ ...config, initFrom: 'resume' });
      const losses = [...first.losses, ...second.losses];
      expect(losses.every((loss, i) => loss === whole.losses[i])).toBe(true);
      expect(losses).toHaveLength(whole.losses.length);
    });

    it('crashed right after the checkpoint at iteration 10 and resumed', async () => {
      const config = { ...base(), data: fullConfig.data };
      const crash = new Error('simulated crash');
      const events = {
        checkpoint: ({ iter }: { iter: number }) => {
          if (iter === 10) throw crash;
        },
      };
      await expect(train(config, { events })).rejects.toBe(crash);
      const resumed = await train({ ...config, initFrom: 'resume' });
      expect(resumed.losses).toEqual(full.losses.slice(10));
      expect(resumed.losses.every((loss, i) => loss === full.losses[10 + i])).toBe(true);
      expect(logRows(config.outDir)).toEqual(logRows(fullConfig.outDir));
    });
  });

  it('gradient accumulation 2 × batch 4 takes the same steps as batch 8', async () => {
    // Both runs must draw the same batches from the one generator: the evaluation at iteration 0
    // draws evalIters · batchSize windows per split, 2 · 4 = 1 · 8, and then the training batches
    // are 4 + 4 windows against 8 — the same windows, in the same order.
    const common = { dropout: 0, maxIters: 3, evalInterval: 100, sampleChars: 0, gradClip: 0 };
    const accumulated = tinyRun({ ...common, batchSize: 4, gradAccum: 2, evalIters: 2 });
    const big = { ...tinyRun({ ...common, batchSize: 8, gradAccum: 1, evalIters: 1 }), data: accumulated.data };
    const a = await train(accumulated);
    const b = await train(big);
    a.losses.forEach((loss, i) => expect(loss).toBeCloseTo(b.losses[i]!, 6));
    // Not bit-exact: a weight gradient sums over the batch's rows, and (rows 1–4) + (rows 5–8)
    // rounds differently from rows 1–8 in one sum. The moments are the gradients' running
    // averages, so comparing them checks the accumulated gradients' scale, which AdamW's update
    // itself would hide.
    const ca = readCheckpoint(accumulated.outDir);
    const cb = readCheckpoint(big.outDir);
    for (const part of ['model', 'optimizer'] as const) {
      for (const [name, t] of Object.entries(ca[part])) {
        const other = cb[part][name]!.data;
        t.data.forEach((v, i) =>
          expect(Math.abs(v - other[i]!)).toBeLessThanOrEqual(1e-6 + 1e-4 * Math.abs(other[i]!)),
        );
      }
    }
  });

  it('stops with a clear error when the loss stops being finite, keeping the last checkpoint', async () => {
    const config = tinyRun({ learningRate: 1e30, warmupIters: 0, gradClip: 0, maxIters: 50, lrDecayIters: 50 });
    await expect(train(config)).rejects.toThrow(
      /the loss became (NaN|Infinity|-Infinity) at iteration \d+; training stopped and the last checkpoint/,
    );
    expect(readCheckpoint(config.outDir).meta.iter).toBe(0);
  });

  it('a loss log that cannot be written is one sentence', () => {
    const log = new LossLog(join(tinyRun().outDir, 'gone'));
    expect(() => log.reset()).toThrow(CliError);
    expect(() => log.append({ iter: 0, loss: 4.2, lr: 1e-3, ms: 9 })).toThrow(
      /^cannot write the loss log .*gone\/log\.csv: no such file or directory$/,
    );
  });
});
