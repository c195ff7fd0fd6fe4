// The speed targets judged from one run's measurements, and the two markdown tables `pnpm bench` prints: the figures
// beside their references, and each target met or not.
import type { Generation, Matmul } from './runs.js';

/** Everything one run measured; a PyTorch figure is null where torch is absent. */
export interface Measurements {
  /**
   * ms of each timed baby-config step, and of each chunk of the fixed-work probes on 1 and 2
   * threads (src/probe.ts): the same kind of window, the host's steadiness without the engine.
   */
  baby: { ours1: number[]; ours2: number[]; torch: number[] | null; probe1: number[]; probe2: number[] };
  /**
   * Seconds of the first epoch of a fresh process, which the targets judge (the JIT's warm-up
   * included), and of its second, printed beside them.
   */
  mnist: {
    ours1: number;
    ours2: number;
    torch: number | null;
    second: { ours1: number; ours2: number; torch: number | null };
  };
  matmul: Matmul;
  generation: Generation;
}

/** One target: the measured value (null: its reference is missing), the goal, and whether it was met. */
export interface Target {
  name: string;
  value: number | null;
  /** `≤` or `≥` the goal. */
  op: '≤' | '≥';
  goal: number;
  /** How the value and goal print: a ratio (1.23×) or a percentage (87 %). */
  unit: '×' | '%';
  met: boolean | null;
  /** The same figure of references measured in the same run, printed beside it (not part of the goal). */
  beside?: string;
}

const f = (x: number, digits: number): string => x.toFixed(digits);

/** The `q`-quantile of `xs` by nearest rank (q = 0.5: the median, the upper one of an even count). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new RangeError('quantile of no values');
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** Median and 90th percentile of step times, and their ratio (steadiness). */
export function steps(ms: readonly number[]): { median: number; p90: number; steadiness: number } {
  const median = quantile(ms, 0.5);
  const p90 = quantile(ms, 0.9);
  return { median, p90, steadiness: p90 / median };
}

/** `value op goal`, or null when the value is missing. */
function judge(
  name: string,
  value: number | null,
  op: '≤' | '≥',
  goal: number,
  unit: '×' | '%',
  beside?: string,
): Target {
  const met = value === null ? null : op === '≤' ? value <= goal : value >= goal;
  return beside === undefined ? { name, value, op, goal, unit, met } : { name, value, op, goal, unit, met, beside };
}

/**
 * The p90 ÷ median of the references over the same kind of window in the same run: PyTorch's own
 * steps (when torch ran) and the fixed-work probe on `threads` threads.
 */
export function steadinessReferences(m: Measurements, threads: 1 | 2): string {
  const probe = steps(threads === 1 ? m.baby.probe1 : m.baby.probe2).steadiness;
  const torch = m.baby.torch ? `PyTorch 1 thread ${f(steps(m.baby.torch).steadiness, 2)}×; ` : '';
  return `${torch}fixed work, ${threads} thread${threads === 1 ? '' : 's'} ${f(probe, 2)}×`;
}

/** The same ratio over the second epoch, printed beside an MNIST target (absent where its reference is). */
function secondEpoch(ratio: number | null): string | undefined {
  return ratio === null ? undefined : `second epoch ${f(ratio, 2)}×`;
}

/** The speed targets, in its order. */
export function targets(m: Measurements): Target[] {
  const [b1, b2] = [steps(m.baby.ours1), steps(m.baby.ours2)];
  const torch = m.baby.torch ? steps(m.baby.torch).median : null;
  const per = (x: number, ref: number | null): number | null => (ref === null ? null : x / ref);
  const { matmul: mm, mnist } = m;
  const { second } = mnist;
  const later = {
    twoTorch: secondEpoch(per(second.ours2, second.torch)),
    oneTorch: secondEpoch(per(second.ours1, second.torch)),
    twoOne: secondEpoch(second.ours2 / second.ours1),
  };
  return [
    judge('baby step: ours 2 threads ÷ PyTorch 1 thread (medians)', per(b2.median, torch), '≤', 1.0, '×'),
    judge('baby step: ours 1 thread ÷ PyTorch 1 thread (medians)', per(b1.median, torch), '≤', 1.5, '×'),
    // prettier-ignore
    judge('baby step steadiness, ours 2 threads: p90 ÷ median', b2.steadiness, '≤', 1.15, '×', steadinessReferences(m, 2)),
    // prettier-ignore
    judge('baby step steadiness, ours 1 thread: p90 ÷ median', b1.steadiness, '≤', 1.15, '×', steadinessReferences(m, 1)),
    judge(
      'MNIST epoch: ours 2 threads ÷ PyTorch 1 thread',
      per(mnist.ours2, mnist.torch),
      '≤',
      1.0,
      '×',
      later.twoTorch,
    ),
    judge(
      'MNIST epoch: ours 1 thread ÷ PyTorch 1 thread',
      per(mnist.ours1, mnist.torch),
      '≤',
      1.0,
      '×',
      later.oneTorch,
    ),
    judge('MNIST epoch: ours 2 threads ÷ ours 1 thread', mnist.ours2 / mnist.ours1, '≤', 1.0, '×', later.twoOne),
    judge(`matmul ${mm.size}²: ours 1 thread ÷ tfjs-wasm 1 thread`, mm.ours1 / mm.tfjs1, '≥', 1.5, '×'),
    judge(`matmul ${mm.size}²: ours 2 threads ÷ 2-core peak`, (100 * mm.ours2) / mm.peak2, '≥', 90, '%'),
    generationTarget(m.generation, 'ours1'),
    generationTarget(m.generation, 'ours2'),
  ];
}

/**
 * Tokens per second of the baby model beside nanoGPT's `generate()` on the same weights: met only
 * when the greedy tokens are also identical to nanoGPT's.
 */
function generationTarget(g: Generation, ours: 'ours1' | 'ours2'): Target {
  const threads = ours === 'ours1' ? '1 thread' : '2 threads';
  const name = `generation, baby model: ours ${threads} ÷ nanoGPT generate() 1 thread, tokens/s`;
  const target = judge(name, g.nanoGpt === null ? null : g[ours] / g.nanoGpt, '≥', 1.5, '×');
  if (target.met === null) return target;
  const identical = g.identical[ours] === true;
  return {
    ...target,
    met: target.met && identical,
    beside: identical ? 'greedy tokens identical' : 'greedy tokens DIFFER',
  };
}

const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

/** The measurements beside their references, as a markdown table. */
export function figuresTable(m: Measurements, torchNote: string): string {
  const [b1, b2] = [steps(m.baby.ours1), steps(m.baby.ours2)];
  const t = m.baby.torch ? steps(m.baby.torch) : null;
  const [p1, p2] = [steps(m.baby.probe1), steps(m.baby.probe2)];
  const ms = (s: { median: number; p90: number }): string => `${f(s.median, 1)} (p90 ${f(s.p90, 1)})`;
  const chunk = (s: { median: number; p90: number }): string => `chunks of ${f(s.median, 1)} ms, p90 ${f(s.p90, 1)}`;
  const torch = (text: string | null): string => (text === null ? `PyTorch: ${torchNote}` : text);
  const { matmul: mm, generation: g, mnist } = m;
  const simd = mm.relaxedSimd ? 'relaxed-simd' : 'simd';
  return [
    row(['work', 'ours, 1 thread', 'ours, 2 threads', 'reference, same run']),
    row(['---', '---', '---', '---']),
    row([
      `baby config training step, ms: median (p90) of ${m.baby.ours1.length}`,
      ms(b1),
      ms(b2),
      torch(t && `PyTorch + OpenBLAS, 1 thread: ${ms(t)}`),
    ]),
    row([
      `baby step steadiness: p90 ÷ median of ${m.baby.ours1.length}`,
      f(b1.steadiness, 2),
      f(b2.steadiness, 2),
      `${t ? `PyTorch + OpenBLAS, 1 thread: ${f(t.steadiness, 2)}; ` : ''}fixed-work probe, same windows: ` +
        `1 thread ${f(p1.steadiness, 2)} (${chunk(p1)}), 2 threads ${f(p2.steadiness, 2)} (${chunk(p2)})`,
    ]),
    row([
      '`pnpm mnist train` 784-128-64-10, batch 64, Adam: s/epoch, first (second) epoch',
      `${f(mnist.ours1, 2)} (${f(mnist.second.ours1, 2)})`,
      `${f(mnist.ours2, 2)} (${f(mnist.second.ours2, 2)})`,
      torch(
        mnist.torch === null || mnist.second.torch === null
          ? null
          : `PyTorch + OpenBLAS, 1 thread: ${f(mnist.torch, 2)} (${f(mnist.second.torch, 2)})`,
      ),
    ]),
    row([
      `matmul ${mm.size}² float32 (${simd}), GFLOP/s`,
      f(mm.ours1, 1),
      f(mm.ours2, 1),
      `tfjs-backend-wasm ${mm.tfjs.version}, 1 thread${mm.tfjs.simd ? ', SIMD' : ''}: ${f(mm.tfjs1, 1)}; ` +
        `peak ${f(mm.peak1, 1)} on 1 core, ${f(mm.peak2, 1)} on 2 at once`,
    ]),
    row([
      `generation, baby model, ${g.tokens} greedy tokens: tokens/s`,
      f(g.ours1, 0),
      f(g.ours2, 0),
      torch(
        g.nanoGpt === null
          ? null
          : `nanoGPT generate(), PyTorch + OpenBLAS, 1 thread: ${f(g.nanoGpt, 0)} ` +
              `(ours ${f(g.ours1 / g.nanoGpt, 2)}× and ${f(g.ours2 / g.nanoGpt, 2)}×; ` +
              `${g.identical.ours1 && g.identical.ours2 ? 'identical tokens' : 'tokens DIFFER'})`,
      ),
    ]),
  ].join('\n');
}

/** The targets, each with its value, goal and mark, as a markdown table. */
export function targetsTable(list: readonly Target[], torchNote: string): string {
  const show = (x: number, unit: '×' | '%'): string => (unit === '%' ? `${f(x, 0)} %` : `${f(x, 2)}×`);
  const lines = list.map((t) =>
    row([
      t.name,
      t.value === null ? '—' : show(t.value, t.unit),
      `${t.op} ${show(t.goal, t.unit)}`,
      t.met === null ? `skipped: ${torchNote}` : t.met ? 'met' : 'NOT met',
      t.beside ?? '',
    ]),
  );
  const head = row(['target', 'measured', 'goal', '', 'beside it, same run']);
  return [head, row(['---', '---', '---', '---', '---']), ...lines].join('\n');
}
