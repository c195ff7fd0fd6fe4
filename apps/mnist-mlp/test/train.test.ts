// A short seeded run on 2,000 real MNIST images: it learns, and the same seed gives the same bits.
import { describe, expect, it } from 'vitest';
import { defaults, presets } from '../src/config.js';
import type { MnistConfig } from '../src/config.js';
import { loadSplits } from '../src/data.js';
import { train } from '../src/train.js';
import type { EpochMetrics } from '../src/train.js';

// The classic network, with a larger step so that 1,000 steps get past the sigmoid plateau.
const config: MnistConfig = { ...defaults, ...presets.classic, learningRate: 3, trainImages: 2000, valImages: 1000, testImages: 1000, epochs: 5, seed: 42 };
/** This seed reaches 84.4% test and 89.6% validation accuracy after 5 epochs; the floor leaves room for kernels that round differently. */
const FLOOR = 0.8;
const data = loadSplits(config);
const withoutTime = (history: EpochMetrics[]): Omit<EpochMetrics, 'seconds'>[] => history.map(({ seconds: _, ...rest }) => rest);

describe('training the classic network on 2,000 images', () => {
  it('uses the sets it was asked for', () => {
    expect([data.train.count, data.val.count, data.test.count]).toEqual([2000, 1000, 1000]);
    expect(data.val.labels).toEqual(loadSplits({ valImages: 1000, trainImages: 0, testImages: 1 }).val.labels);
  });

  it('reaches a fixed accuracy floor, and a second run with the same seed is bit-for-bit identical', async () => {
    const first = await train(config, { data, save: false });
    const second = await train(config, { data, save: false });
    expect(first.history).toHaveLength(5);
    const last = first.history.at(-1)!;
    expect(last.testAccuracy).toBeGreaterThanOrEqual(FLOOR);
    expect(last.valAccuracy).toBeGreaterThanOrEqual(FLOOR);
    expect(last.trainLoss).toBeLessThan(first.history[0]!.trainLoss);
    expect(withoutTime(second.history)).toEqual(withoutTime(first.history));
    const a = first.model.stateDict();
    const b = second.model.stateDict();
    for (const name of Object.keys(a)) expect(Buffer.from(b[name]!.data.buffer)).toEqual(Buffer.from(a[name]!.data.buffer));
  }, 60_000);

  it('a different seed gives a different network', async () => {
    const one = await train({ ...config, epochs: 1 }, { data, save: false });
    const other = await train({ ...config, epochs: 1, seed: 43 }, { data, save: false });
    expect(other.model.stateDict()['layers.0.weight']!.data).not.toEqual(one.model.stateDict()['layers.0.weight']!.data);
  }, 30_000);
});
