// The sampling bench's targets table: each goal judged met, NOT met or skipped from one run's figures.
import { describe, expect, it } from 'vitest';
import { formatTargets, generationTargets } from '../bench/generation-targets.js';
import type { PresetFigures } from '../bench/generation-targets.js';

const baby: PresetFigures = { name: 'baby', ours1: 180, ours2: 250, nanoGpt: 100, identical: true };

describe('generationTargets', () => {
  it('meets every goal at 1.5× nanoGPT on one thread, identical text, 0.3 s and 0.9 s to the first token', () => {
    const rows = generationTargets([{ ...baby, ours1: 150 }], { bin: 300, pnpm: 900 });
    expect(rows.map((r) => [r.measured, r.verdict])).toEqual([
      ['1.50×', 'met'],
      ['identical', 'met'],
      ['0.30 s', 'met'],
      ['0.90 s', 'met'],
    ]);
  });

  it('judges one thread against nanoGPT (two threads do not count), text that differs, and slow starts NOT met', () => {
    const rows = generationTargets([{ ...baby, ours1: 149, ours2: 400, identical: false }], { bin: 301, pnpm: 901 });
    expect(rows.map((r) => r.verdict)).toEqual(['NOT met', 'NOT met', 'NOT met', 'NOT met']);
    expect(rows[0]!.measured).toBe('1.49×');
  });

  it('skips the rows that need PyTorch without it, one pair per preset', () => {
    const rows = generationTargets(
      [
        { ...baby, nanoGpt: null, identical: null },
        { ...baby, name: 'quick' },
      ],
      { bin: 200, pnpm: 800 },
    );
    expect(rows.map((r) => `${r.target.split(':')[0]} ${r.verdict}`)).toEqual([
      'baby skipped',
      'baby skipped',
      'quick met',
      'quick met',
      'time to first token, node apps/char-gpt/bin/generate.mjs met',
      'time to first token, pnpm generate met',
    ]);
    const table = formatTargets(rows).split('\n');
    expect(table[0]).toMatch(/^target +measured +goal/);
    expect(table[1]).toMatch(/^baby: ours 1 thread ÷ nanoGPT 1 thread, tokens\/s +no PyTorch +≥ 1\.50× +skipped$/);
  });
});
