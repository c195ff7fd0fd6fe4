// Tests splitText against nanoGPT's data[:int(n*0.9)] and its care with astral characters.
import { describe, expect, it } from 'vitest';
import { splitText } from './split-text.js';

describe('splitText', () => {
  it('keeps the first floor(n × fraction) characters for training, the rest for validation', () => {
    expect(splitText('abcdefghij')).toEqual({ train: 'abcdefghi', val: 'j' });
    expect(splitText('abcdefghijk', 0.5)).toEqual({ train: 'abcde', val: 'fghijk' });
  });

  it("matches nanoGPT's figures for tinyshakespeare's length: 1,003,854 train and 111,540 val", () => {
    const { train, val } = splitText('x'.repeat(1_115_394));
    expect([train.length, val.length]).toEqual([1_003_854, 111_540]);
  });

  it('counts code points and never cuts a surrogate pair', () => {
    const { train, val } = splitText('🐋🐋🐋🐋🐋🐋🐋🐋🐋a');
    expect(train).toBe('🐋'.repeat(9));
    expect(val).toBe('a');
  });

  it('rejects a fraction outside (0, 1)', () => {
    expect(() => splitText('abc', 1)).toThrow('trainFraction must be between 0 and 1 (exclusive), got 1');
    expect(() => splitText('abc', Number.NaN)).toThrow(RangeError);
  });
});
