// The speed targets judged from one run's measurements, and the two markdown tables `pnpm bench` prints: the figures
// beside their references, and each target met or not.
import type { Generation, Matmul } from './runs.js';

/** Everything one run measured; a PyTorch figure is null where torch is absent. */
export interface Measurements {
  /** ms of each timed baby-config step. */
  baby: { ours1: number[]; ours2: number[]; torch: number[] | null };
  /** Seconds of one epoch. */
  mnist: { ours1: number; ours2: number; torch: number | null };
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
}

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
function judge(name: string, value: number | null, op: '≤' | '≥', goal: number, unit: '×' | '%'): Target {
  const met = value === null ? null : op === '≤' ? value <= goal : value >= goal;
  return { name, value, op, goal, unit, met };
}

/** The speed targets, in its order. */
export function targets(m: Measurements): Target[] {
  const [b1, b2] = [steps(m.baby.ours1), steps(m.baby.ours2)];
  const torch = m.baby.torch ? steps(m.baby.torch).median : null;
  const per = (x: number, ref: number | null): number | null => (ref === null ? null : x / ref);
  const { matmul: mm, mnist } = m;
  return [
    judge('baby step: ours 2 threads ÷ PyTorch 1 thread (medians)', per(b2.median, torch), '≤', 1.0, '×'),
    judge('baby step: ours 1 thread ÷ PyTorch 1 thread (medians)', per(b1.median, torch), '≤', 1.5, '×'),
    judge('baby step steadiness, ours 2 threads: p90 ÷ median', b2.steadiness, '≤', 1.15, '×'),
    judge('baby step steadiness, ours 1 thread: p90 ÷ median', b1.steadiness, '≤', 1.15, '×'),
    judge('MNIST epoch: ours 2 threads ÷ PyTorch 1 thread', per(mnist.ours2, mnist.torch), '≤', 1.0, '×'),
    judge('MNIST epoch: ours 1 thread ÷ PyTorch 1 thread', per(mnist.ours1, mnist.torch), '≤', 1.0, '×'),
    judge('MNIST epoch: ours 2 threads ÷ ours 1 thread', mnist.ours2 / mnist.ours1, '≤', 1.0, '×'),
    judge(`matmul ${mm.size}²: ours 1 thread ÷ tfjs-wasm 1 thread`, mm.ours1 / mm.tfjs1, '≥', 1.5, '×'),
    judge(`matmul ${mm.size}²: ours 2 threads ÷ 2-core peak`, (100 * mm.ours2) / mm.peak2, '≥', 90, '%'),
  ];
}

const f = (x: number, digits: number): string => x.toFixed(digits);
const row = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;

/** The measurements beside their references, as a markdown table. */
export function figuresTable(m: Measurements, torchNote: string): string {
  const [b1, b2] = [steps(m.baby.ours1), steps(m.baby.ours2)];
  const t = m.baby.torch ? steps(m.baby.torch) : null;
  const ms = (s: { median: number; p90: number }): string => `${f(s.median, 1)} (p90 ${f(s.p90, 1)})`;
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
      torch(t && `PyTorch + OpenBLAS, 1 thread: ${ms(t)}, p90 ÷ median ${f(t.steadiness, 2)}`),
    ]),
    row([
      '`pnpm mnist train` 784-128-64-10, batch 64, Adam: s/epoch',
      f(mnist.ours1, 2),
      f(mnist.ours2, 2),
      torch(mnist.torch === null ? null : `PyTorch + OpenBLAS, 1 thread: ${f(mnist.torch, 2)}`),
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
    ]),
  );
  return [row(['target', 'measured', 'goal', '']), row(['---', '---', '---', '---']), ...lines].join('\n');
}
