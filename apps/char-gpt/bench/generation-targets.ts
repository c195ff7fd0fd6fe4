// The sampling speed targets: bench/generation.ts's figures of one run against their goals, each met or not.

/** One preset's greedy rows: tokens/s of ours on 1 and 2 threads and of nanoGPT, in the same run. */
export interface PresetFigures {
  /** The preset's name (`baby`, `quick`). */
  name: string;
  ours1: number;
  ours2: number;
  /** nanoGPT's generate() on the same weights; null without PyTorch. */
  nanoGpt: number | null;
  /** Whether both of our rows printed nanoGPT's tokens; null without PyTorch. */
  identical: boolean | null;
}

/** Whole-command times to the first token, ms (best of the rounds). */
export interface FirstTokenFigures {
  /** `node apps/char-gpt/bin/generate.mjs`. */
  bin: number;
  /** `pnpm generate`. */
  pnpm: number;
}

/** One line of the targets table. */
export interface TargetRow {
  target: string;
  measured: string;
  goal: string;
  verdict: 'met' | 'NOT met' | 'skipped';
}

/** Ours on one thread ÷ nanoGPT (PyTorch on one thread): at least this. */
export const MIN_RATIO = 1.5;
/** Time to first token through the direct entry (bin/generate.mjs): at most this, ms. */
export const MAX_FIRST_TOKEN_BIN_MS = 300;
/** Time to first token through `pnpm generate`: at most this, ms. */
export const MAX_FIRST_TOKEN_PNPM_MS = 900;

/**
 * The targets of the sampling bench: for each preset, ours on one thread ÷ nanoGPT's tokens/s
 * ≥ {@link MIN_RATIO} with the greedy text identical on one and two threads; the whole command's
 * time to the first token ≤ 0.3 s through bin/generate.mjs and ≤ 0.9 s through `pnpm generate`.
 * Rows that need PyTorch are `skipped` without it.
 * @example
 * generationTargets([{ name: 'baby', ours1: 180, ours2: 250, nanoGpt: 100, identical: true }], { bin: 180, pnpm: 820 });
 * // [{ target: 'baby: ours 1 thread ÷ nanoGPT 1 thread, tokens/s', measured: '1.80×', goal: '≥ 1.50×', verdict: 'met' }, …]
 */
export function generationTargets(presets: readonly PresetFigures[], firstToken: FirstTokenFigures): TargetRow[] {
  const rows: TargetRow[] = [];
  for (const p of presets) {
    const ratio = p.nanoGpt === null ? null : p.ours1 / p.nanoGpt;
    rows.push({
      target: `${p.name}: ours 1 thread ÷ nanoGPT 1 thread, tokens/s`,
      measured: ratio === null ? 'no PyTorch' : `${ratio.toFixed(2)}×`,
      goal: `≥ ${MIN_RATIO.toFixed(2)}×`,
      verdict: ratio === null ? 'skipped' : ratio >= MIN_RATIO ? 'met' : 'NOT met',
    });
    rows.push({
      target: `${p.name}: greedy text of ours (1 and 2 threads) = nanoGPT's`,
      measured: p.identical === null ? 'no PyTorch' : p.identical ? 'identical' : 'differs',
      goal: 'identical',
      verdict: p.identical === null ? 'skipped' : p.identical ? 'met' : 'NOT met',
    });
  }
  const firstTokenRow = (what: string, ms: number, max: number): TargetRow => ({
    target: `time to first token, ${what}`,
    measured: `${(ms / 1000).toFixed(2)} s`,
    goal: `≤ ${(max / 1000).toFixed(2)} s`,
    verdict: ms <= max ? 'met' : 'NOT met',
  });
  rows.push(firstTokenRow('node apps/char-gpt/bin/generate.mjs', firstToken.bin, MAX_FIRST_TOKEN_BIN_MS));
  rows.push(firstTokenRow('pnpm generate', firstToken.pnpm, MAX_FIRST_TOKEN_PNPM_MS));
  return rows;
}

/** The rows as an aligned plain-text table. */
export function formatTargets(rows: readonly TargetRow[]): string {
  const width = Math.max(...rows.map((r) => r.target.length)) + 2;
  const header = `${'target'.padEnd(width)}${'measured'.padStart(12)}${'goal'.padStart(12)}  verdict`;
  return [
    header,
    ...rows.map((r) => `${r.target.padEnd(width)}${r.measured.padStart(12)}${r.goal.padStart(12)}  ${r.verdict}`),
  ].join('\n');
}
