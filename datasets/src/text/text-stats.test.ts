// Tests textStats' counts, including characters outside the Basic Multilingual Plane.
import { describe, expect, it } from 'vitest';
import { textStats } from './text-stats.js';

describe('textStats', () => {
  it('counts characters, bytes, lines and the sorted vocabulary', () => {
    expect(textStats('abca\n')).toEqual({
      characters: 5,
      bytes: 5,
      lines: 1,
      vocab: ['\n', 'a', 'b', 'c'],
      vocabSize: 4,
    });
  });

  it('counts code points, not UTF-16 units, and UTF-8 bytes', () => {
    const stats = textStats('🐋—a🐋');
    expect(stats.characters).toBe(4);
    expect(stats.bytes).toBe(4 + 3 + 1 + 4);
    expect(stats.vocab).toEqual(['a', '—', '🐋']);
  });

  it('counts lines as wc -l does: a last line without a newline is not counted', () => {
    expect(textStats('one\ntwo').lines).toBe(1);
    expect(textStats('one\ntwo\n').lines).toBe(2);
  });
});
