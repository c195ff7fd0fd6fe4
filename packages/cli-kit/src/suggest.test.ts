// Tests the edit distance and the typo threshold behind "did you mean".
import { describe, expect, it } from 'vitest';
import { editDistance, suggest } from './suggest.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('n-layr', 'n-layer')).toBe(1);
    expect(editDistance('abc', '')).toBe(3);
  });
});

describe('suggest', () => {
  it('offers the closest candidate within the typo threshold, else nothing', () => {
    expect(suggest('n-layr', ['n-head', 'n-layer', 'n-embd'])).toBe('n-layer');
    expect(suggest('bais', ['bias', 'beta2'])).toBe('bias');
    expect(suggest('device', ['n-layer', 'bias'])).toBeUndefined();
    expect(suggest('learning-rat', ['learning-rate', 'lr-decay-iters'])).toBe('learning-rate');
  });
});
