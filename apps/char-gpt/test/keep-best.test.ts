// --no-always-save-checkpoint (nanoGPT's always_save_checkpoint=False): the run directory holds the best model; a stop
// keeps it, a resume starts from it. By default every evaluation writes, and the done line says when that left the
// checkpoint worse than the best.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCheckpointMeta } from '../src/checkpoint/checkpoint-files.js';
import { trainReporter } from '../src/cli/train-reporter.js';
import { train } from '../src/train.js';
import { tinyRun } from './helpers.js';

/** A tiny run that evaluates every iteration and diverges at once: its best val loss is iteration 0's. */
const diverging = (overrides = {}) =>
  tinyRun({ maxIters: 4, evalInterval: 1, learningRate: 50, minLr: 0, warmupIters: 0, gradClip: 0, ...overrides });

describe('--no-always-save-checkpoint', () => {
  it('keeps the best checkpoint when the val loss gets worse, and a resume starts from it', async () => {
    const config = diverging({ alwaysSaveCheckpoint: false });
    const kept: number[] = [];
    const result = await train(config, { events: { checkpoint: (info) => info.kept && kept.push(info.iter) } });
    expect(result.evals.map((e) => e.valLoss).every((v, i, all) => i === 0 || v > all[0]!)).toBe(true);
    expect(kept).toEqual([0, 0, 0, 0]);
    const meta = readCheckpointMeta(config.outDir);
    expect([meta.iter, meta.bestValLoss]).toEqual([0, result.evals[0]!.valLoss]);
    const resumed = await train({ ...config, initFrom: 'resume', maxIters: 1 });
    expect(resumed.losses).toHaveLength(1); // iteration 0 again, from the best checkpoint
  });

  it('a stop keeps the best checkpoint as it is', async () => {
    const config = diverging({ alwaysSaveCheckpoint: false });
    await train({ ...config, maxIters: 2 });
    const before = readFileSync(join(config.outDir, 'checkpoint.json'), 'utf8');
    const stops: { iter: number; kept?: boolean }[] = [];
    const result = await train(
      { ...config, initFrom: 'resume', maxIters: 4 },
      { shouldStop: (iter) => iter === 2, events: { checkpoint: (info) => info.interrupted && stops.push(info) } },
    );
    expect(result.interrupted).toBe(true);
    expect(stops).toMatchObject([{ iter: 0, kept: true }]);
    expect(readFileSync(join(config.outDir, 'checkpoint.json'), 'utf8')).toBe(before);
  });

  it('by default every evaluation writes, and the done line says the checkpoint is not the best', async () => {
    const config = diverging();
    const lines: string[] = [];
    const out = { write: (text: string) => lines.push(text) };
    const reporter = trainReporter(config, { out, err: out });
    const result = await train(config, { events: reporter });
    reporter.done(result);
    expect(readCheckpointMeta(config.outDir).iter).toBe(4);
    const last = result.evals.at(-1)!.valLoss.toFixed(4);
    expect(lines.at(-1)).toMatch(
      new RegExp(
        `^done: 4 iterations, best val loss [\\d.]+, in .*; the checkpoint holds iteration 4 \\(val loss ${last}; `,
      ),
    );
  });
});
