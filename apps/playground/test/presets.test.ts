// The playground's training configs: every preset is a valid char-gpt config, and the knobs the page sets carry the
// schedule with them.
import { checkConfig } from '@tinygpt/char-gpt';
import { describe, expect, it } from 'vitest';
import { PRESETS, presetConfig } from '../src/gpt/presets.js';
import type { PresetName } from '../src/gpt/presets.js';

describe('presetConfig', () => {
  it.each(Object.keys(PRESETS) as PresetName[])(
    '%s is a valid char-gpt config, decaying to a tenth of its rate',
    (name) => {
      const config = presetConfig(name);
      expect(() => checkConfig(config)).not.toThrow();
      expect(config.minLr).toBeCloseTo(config.learningRate / 10, 12);
    },
  );

  it('moves the end of the decay with maxIters and its floor with learningRate, unless those are set too', () => {
    expect(presetConfig('baby', { maxIters: 300 })).toMatchObject({ maxIters: 300, lrDecayIters: 300 });
    expect(presetConfig('baby', { maxIters: 300, lrDecayIters: 200 })).toMatchObject({ lrDecayIters: 200 });
    const low = presetConfig('small', { learningRate: 1e-4 });
    expect(low.minLr).toBeCloseTo(1e-5, 15);
    expect(() => checkConfig(low)).not.toThrow();
    expect(presetConfig('small', { learningRate: 1e-4, minLr: 0 }).minLr).toBe(0);
  });
});
