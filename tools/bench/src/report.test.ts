// The targets table's arithmetic: nearest-rank quantiles, each target's ratio and mark, and skipped references.
import { describe, expect, it } from 'vitest';
import { figuresTable, quantile, steadinessReferences, steps, targets, targetsTable } from './report.js';
import type { Measurements, Target } from './report.js';

/**
 * A run whose figures are known: ours 2T 60 ms (p90 66), 1T 90 ms (p90 99), PyTorch 60 ms (p90 72),
 * fixed-work probes 90 ms (p90 108) on 1 thread and 60 ms (p90 63) on 2; MNIST epochs (ours 1T / 2T / PyTorch)
 * 0.9 / 0.8 / 0.8 s, then 0.8 / 0.6 / 0.75 s.
 */
function run(overrides: Partial<Measurements> = {}): Measurements {
  const series = (median: number, p90: number): number[] => [
    ...Array.from({ length: 10 }, () => median - 1),
    ...Array.from({ length: 70 }, () => median),
    ...Array.from({ length: 19 }, () => p90),
    p90 * 2,
  ];
  return {
    baby: {
      ours1: series(90, 99),
      ours2: series(60, 66),
      torch: series(60, 72),
      probe1: series(90, 108),
      probe2: series(60, 63),
    },
    mnist: { ours1: 0.9, ours2: 0.8, torch: 0.8, second: { ours1: 0.8, ours2: 0.6, torch: 0.75 } },
    matmul: {
      size: 512,
      relaxedSimd: true,
      tfjs: { version: '4.22.0', simd: true, threads: 1 },
      peak1: 50,
      peak2: 100,
      ours1: 45,
      ours2: 89,
      tfjs1: 30,
    },
    generation: { tokens: 1000, ours1: 200, ours2: 250, nanoGpt: 100, identical: { ours1: true, ours2: true } },
    ...overrides,
  };
}

describe('quantile', () => {
  it('takes the nearest rank', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(quantile(xs, 0.5)).toBe(5);
    expect(quantile(xs, 0.9)).toBe(9);
    expect(quantile(xs, 1)).toBe(10);
    expect(quantile([7], 0.9)).toBe(7);
  });

  it('refuses an empty list', () => {
    expect(() => quantile([], 0.5)).toThrow(RangeError);
  });

  it('gives the p90 ÷ median steadiness of 100 steps', () => {
    expect(steps(run().baby.ours2)).toEqual({ median: 60, p90: 66, steadiness: 1.1 });
  });
});

describe('targets', () => {
  it('judges each against its goal, equality included', () => {
    const byName = Object.fromEntries(targets(run()).map((t) => [t.name, t]));
    const get = (start: string) => Object.entries(byName).find(([name]) => name.startsWith(start))![1];
    expect(get('baby step: ours 2 threads')).toMatchObject({ value: 1, met: true });
    expect(get('baby step: ours 1 thread')).toMatchObject({ value: 1.5, met: true });
    expect(get('baby step steadiness, ours 2')).toMatchObject({ met: true });
    expect(get('MNIST epoch: ours 1 thread ÷ PyTorch').met).toBe(false);
    expect(get('MNIST epoch: ours 2 threads ÷ ours 1')).toMatchObject({ met: true });
    expect(get('matmul 512²: ours 1 thread ÷ tfjs')).toMatchObject({ value: 1.5, met: true });
    expect(get('matmul 512²: ours 2 threads ÷ 2-core')).toMatchObject({ value: 89, met: false });
  });

  it("judges MNIST on a fresh process's first epoch, with the second epoch's ratio beside it", () => {
    const m = run();
    const mnist = (list: Target[]) => list.filter((t) => t.name.startsWith('MNIST'));
    expect(mnist(targets(m)).map((t) => [t.value?.toFixed(3), t.met, t.beside])).toEqual([
      ['1.000', true, 'second epoch 0.80×'],
      ['1.125', false, 'second epoch 1.07×'],
      ['0.889', true, 'second epoch 0.75×'],
    ]);
    const noTorch = { ...m, mnist: { ...m.mnist, torch: null, second: { ...m.mnist.second, torch: null } } };
    expect(mnist(targets(noTorch)).map((t) => t.beside)).toEqual([undefined, undefined, 'second epoch 0.75×']);
    expect(figuresTable(m, '')).toContain(
      '| `pnpm mnist train` 784-128-64-10, batch 64, Adam: s/epoch, first (second) epoch | 0.90 (0.80) | 0.80 (0.60) | ' +
        'PyTorch + OpenBLAS, 1 thread: 0.80 (0.75) |',
    );
  });

  it("judges generation against nanoGPT's tokens/s, and only with identical greedy tokens", () => {
    const m = run();
    const gen = (list: Target[]) => list.filter((t) => t.name.startsWith('generation'));
    expect(gen(targets(m)).map((t) => [t.value, t.met, t.beside])).toEqual([
      [2, true, 'greedy tokens identical'],
      [2.5, true, 'greedy tokens identical'],
    ]);
    const slow = { ...m, generation: { ...m.generation, ours1: 149, identical: { ours1: true, ours2: false } } };
    expect(gen(targets(slow)).map((t) => [t.value, t.met, t.beside])).toEqual([
      [1.49, false, 'greedy tokens identical'],
      [2.5, false, 'greedy tokens DIFFER'],
    ]);
  });

  it('skips what needs PyTorch when torch is absent, and still judges the rest', () => {
    const m = run();
    const list = targets({
      ...m,
      baby: { ...m.baby, torch: null },
      mnist: { ...m.mnist, torch: null, second: { ...m.mnist.second, torch: null } },
      generation: { ...m.generation, nanoGpt: null, identical: { ours1: null, ours2: null } },
    });
    const skipped = list.filter((t) => t.met === null).map((t) => t.name);
    expect(skipped).toHaveLength(6);
    expect(skipped.every((name) => name.includes('PyTorch') || name.includes('nanoGPT'))).toBe(true);
    const table = targetsTable(list, 'no torch');
    expect(table).toContain('| — | ≤ 1.00× | skipped: no torch |');
    expect(table).toContain('| 89 % | ≥ 90 % | NOT met |');
  });
});

describe('steadiness references', () => {
  it("prints PyTorch's and the fixed-work probe's p90 ÷ median beside the absolute goal, which they do not change", () => {
    const list = targets(run());
    const steady = list.filter((t) => t.name.startsWith('baby step steadiness'));
    expect(steady.map((t) => [t.value, t.goal, t.met])).toEqual([
      [1.1, 1.15, true],
      [1.1, 1.15, true],
    ]);
    expect(steady[0]!.beside).toBe('PyTorch 1 thread 1.20×; fixed work, 2 threads 1.05×');
    expect(steady[1]!.beside).toBe('PyTorch 1 thread 1.20×; fixed work, 1 thread 1.20×');
    expect(list.filter((t) => t.beside !== undefined && t.name.startsWith('baby'))).toHaveLength(2);
    const table = targetsTable(list, '');
    expect(table).toContain(
      '| baby step steadiness, ours 1 thread: p90 ÷ median | 1.10× | ≤ 1.15× | met | PyTorch 1 thread 1.20×;',
    );
    expect(table).toContain('| ≥ 90 % | NOT met |  |');
  });

  it('judges a steadiness over the goal NOT met even when the host is as unsteady', () => {
    const m = run();
    const shaky = [...m.baby.probe1.slice(0, 80), ...Array.from({ length: 20 }, () => 110)];
    const list = targets({ ...m, baby: { ...m.baby, ours1: shaky, probe1: shaky } });
    const one = list.find((t) => t.name.startsWith('baby step steadiness, ours 1'))!;
    expect(one).toMatchObject({ met: false, beside: 'PyTorch 1 thread 1.20×; fixed work, 1 thread 1.22×' });
  });

  it('names only the probe when torch is absent, and puts both in the figures table', () => {
    const m = run();
    expect(steadinessReferences({ ...m, baby: { ...m.baby, torch: null } }, 2)).toBe('fixed work, 2 threads 1.05×');
    const figures = figuresTable(m, '');
    expect(figures).toContain(
      '| baby step steadiness: p90 ÷ median of 100 | 1.10 | 1.10 | PyTorch + OpenBLAS, 1 thread: 1.20; fixed-work probe, same windows: ' +
        '1 thread 1.20 (chunks of 90.0 ms, p90 108.0), 2 threads 1.05 (chunks of 60.0 ms, p90 63.0) |',
    );
  });
});
