// The distribution the Sample tab draws is the one @tinygpt/sampler draws from: same entropy and candidates under
// every temperature, top-k and top-p; its bars are the 20 most probable tokens and the rest.
import { Rng } from '@tinygpt/autograd';
import { sampleNextWithProbs, seededRandom } from '@tinygpt/sampler';
import { CharTokenizer } from '@tinygpt/tokenizer';
import { describe, expect, test } from 'vitest';
import { describeDistribution } from '../src/gpt/distribution.js';
import { filteredProbs } from '../src/gpt/model-views.js';

const V = 65;
const rng = new Rng(7);
const logits = Float32Array.from({ length: V }, () => rng.normal() * 3);

describe('filteredProbs', () => {
  const cases = [
    { temperature: 0.2, topK: 0, topP: 1 },
    { temperature: 1, topK: 0, topP: 1 },
    { temperature: 1.5, topK: 10, topP: 1 },
    { temperature: 0.8, topK: 0, topP: 0.9 },
    { temperature: 2, topK: 20, topP: 0.5 },
  ];
  test.each(cases)('is what the sampler draws from: %o', (knobs) => {
    const probs = filteredProbs(logits, knobs);
    const drawn = sampleNextWithProbs(logits, {
      rng: seededRandom(1),
      temperature: knobs.temperature,
      topK: knobs.topK > 0 ? knobs.topK : undefined,
      topP: knobs.topP < 1 ? knobs.topP : undefined,
    });
    expect(probs.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 5);
    expect(probs.filter((p) => p > 0)).toHaveLength(drawn.candidates);
    expect(probs[drawn.token]).toBeCloseTo(drawn.prob, 5);
    const entropy = -probs.reduce((s, p) => (p > 0 ? s + p * Math.log(p) : s), 0);
    expect(entropy).toBeCloseTo(drawn.entropy, 5);
  });

  test('temperature 0 puts all the mass on the argmax', () => {
    const probs = filteredProbs(logits, { temperature: 0, topK: 0, topP: 1 });
    const best = logits.indexOf(Math.max(...logits));
    expect(probs[best]).toBe(1);
    expect(probs.filter((p) => p > 0)).toHaveLength(1);
  });
});

test('describeDistribution: the 20 most probable tokens, most probable first, and the rest', () => {
  const tokenizer = CharTokenizer.fromText(Array.from({ length: V }, (_, i) => String.fromCharCode(48 + i)).join(''));
  const probs = filteredProbs(logits, { temperature: 1, topK: 0, topP: 1 });
  const dist = describeDistribution(probs, tokenizer);
  expect(dist.bars).toHaveLength(20);
  expect(dist.bars.every((bar, i) => i === 0 || bar.p <= dist.bars[i - 1]!.p)).toBe(true);
  expect(dist.bars[0]!.id).toBe(logits.indexOf(Math.max(...logits)));
  expect(dist.bars[0]!.label).toBe(tokenizer.decode([dist.bars[0]!.id]));
  expect(dist.rest + dist.bars.reduce((s, bar) => s + bar.p, 0)).toBeCloseTo(1, 5);
});
