// PyTorch parity (llm.c's test_gpt2 idea): our Gpt reproduces nanoGPT's logits, loss, every gradient and 10 AdamW
// steps, from the fixtures of tools/parity/make_fixture.py.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Rng, clipGradNorm } from '@tinygpt/autograd';
import { decodeSafetensors } from '@tinygpt/autograd/safetensors';
import type { NamedTensor } from '../src/checkpoint/checkpoint-files.js';
import { loadModelTensors } from '../src/checkpoint/model-state.js';
import { toNanoGptName } from '../src/checkpoint/names.js';
import type { GptConfig } from '../src/config.js';
import { Gpt } from '../src/model/gpt.js';
import { configureOptimizer } from '../src/optimizer.js';

/** parity.json, as make_fixture.py writes it. */
interface Fixture {
  config: {
    n_layer: number;
    n_head: number;
    n_embd: number;
    block_size: number;
    vocab_size: number;
    bias: boolean;
    dropout: number;
  };
  optim: {
    learning_rate: number;
    weight_decay: number;
    beta1: number;
    beta2: number;
    grad_clip: number;
    steps: number;
  };
  idx: number[][];
  targets: number[][];
  loss: number;
  adamw_losses: number[];
  grad_norms: number[];
}

const dir = new URL('./fixtures/parity/', import.meta.url);

/** One fixture of make_fixture.py, ready to run: its JSON, tensors, our config and batch. */
function loadFixture(name: string) {
  const fixture = JSON.parse(readFileSync(new URL(`${name}.json`, dir), 'utf8')) as Fixture;
  const stored = decodeSafetensors(new Uint8Array(readFileSync(new URL(`${name}.safetensors`, dir)))).tensors;
  // The model's weights by nanoGPT name (both `transformer.wte.weight` and the tied `lm_head.weight`).
  const weights: Record<string, NamedTensor> = Object.fromEntries(
    Object.entries(stored).filter(([key]) => !key.startsWith('grad.') && key !== 'logits'),
  );
  const c = fixture.config;
  const config: GptConfig = {
    vocabSize: c.vocab_size,
    blockSize: c.block_size,
    nLayer: c.n_layer,
    nHead: c.n_head,
    nEmbd: c.n_embd,
    dropout: c.dropout,
    bias: c.bias,
  };
  return {
    fixture,
    stored,
    bytes: readFileSync(new URL(`${name}.safetensors`, dir)).length + readFileSync(new URL(`${name}.json`, dir)).length,
    shape: [fixture.idx.length, fixture.idx[0]!.length] as [number, number],
    idx: Int32Array.from(fixture.idx.flat()),
    targets: Int32Array.from(fixture.targets.flat()),
    /** A Gpt holding the fixture's weights, loaded by the app's own checkpoint code. */
    model(): Gpt {
      const model = new Gpt(config, { rng: new Rng(0) });
      loadModelTensors(model, weights, `${name}.safetensors`);
      return model;
    },
  };
}

/** The relative tolerance of every comparison. */
const RTOL = 1e-4;

/**
 * '' when every element satisfies |a − b| ≤ RTOL · max(|b|, rms(b)), else a description of the
 * worst one. `b` is PyTorch's; rms(b) is the root-mean-square of the whole reference tensor, so an
 * element is held to its own size but never to less than the tensor's typical size (a gradient
 * entry of 1e-9 beside entries of 0.1 is noise in any float32 computation, not a value to match).
 */
function mismatch(actual: ArrayLike<number>, expected: ArrayLike<number>): string {
  if (actual.length !== expected.length) return `${actual.length} values, expected ${expected.length}`;
  let sq = 0;
  for (let i = 0; i < expected.length; i++) sq += expected[i]! ** 2;
  const rms = Math.sqrt(sq / expected.length);
  let worst = -1;
  let worstRatio = 1;
  for (let i = 0; i < expected.length; i++) {
    const ratio = Math.abs(actual[i]! - expected[i]!) / (RTOL * Math.max(Math.abs(expected[i]!), rms));
    if (!(ratio <= worstRatio)) [worst, worstRatio] = [i, ratio];
  }
  return worst < 0
    ? ''
    : `element ${worst}: ${actual[worst]} vs PyTorch ${expected[worst]} (${worstRatio.toFixed(1)}× the tolerance)`;
}

/** |a − b| ≤ RTOL · |b| for scalars. */
function close(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= RTOL * Math.abs(expected);
}

describe.each([
  ['parity', 'biases, T = block_size'],
  ['parity-nobias', 'no biases, 4 heads, T < block_size'],
])('PyTorch parity: %s (%s)', (name) => {
  const { fixture, stored, bytes, shape, idx, targets, model: fixtureModel } = loadFixture(name);
  const [B, T] = shape;
  const c = fixture.config;

  it('the fixture is a small nanoGPT model with dropout off, under 1 MB', () => {
    expect(bytes).toBeLessThan(1 << 20);
    expect(c.dropout).toBe(0);
    expect(fixture.adamw_losses).toHaveLength(fixture.optim.steps);
    expect(fixture.targets.flat()).toContain(-1); // one ignored position
  });

  it('logits and loss of one batch match to 1e-4 relative', () => {
    const { logits, loss } = fixtureModel().forward(idx, [B, T], { targets });
    expect(logits.shape).toEqual([B, T, c.vocab_size]);
    expect(mismatch(logits.data, stored.logits!.data)).toBe('');
    expect(close(loss!.item(), fixture.loss), `loss ${loss!.item()} vs PyTorch ${fixture.loss}`).toBe(true);
  });

  it("every parameter's gradient matches to 1e-4 relative (the tied embedding gets both uses)", () => {
    const model = fixtureModel();
    model.forward(idx, [B, T], { targets }).loss!.backward();
    const named = model.namedParameters().map(([key, p]) => [toNanoGptName(key), p] as const);
    const fixtureGrads = Object.keys(stored)
      .filter((key) => key.startsWith('grad.'))
      .map((key) => key.slice(5));
    // PyTorch lists the tied weight once, under whichever name it met first.
    expect(fixtureGrads.filter((key) => key !== 'lm_head.weight').sort()).toEqual(named.map(([key]) => key).sort());
    for (const [key, p] of named) {
      expect(p.grad, key).toBeTruthy();
      expect(`${key}: ${mismatch(p.grad!, stored[`grad.${key}`]!.data)}`).toBe(`${key}: `);
    }
  });

  it("10 steps of the app's AdamW (nanoGPT's groups, clipping at 1.0) give PyTorch's losses and gradient norms to 1e-4", () => {
    const model = fixtureModel();
    const {
      learning_rate: learningRate,
      weight_decay: weightDecay,
      beta1,
      beta2,
      grad_clip: gradClip,
      steps,
    } = fixture.optim;
    const { optimizer } = configureOptimizer(model, { learningRate, weightDecay, beta1, beta2 });
    const params = model.parameters();
    const losses: number[] = [];
    const norms: number[] = [];
    for (let step = 0; step < steps; step++) {
      // As train.ts: forward, backward, clip the global norm, step at a constant learning rate, zero.
      const loss = model.forward(idx, [B, T], { targets }).loss!;
      loss.backward();
      norms.push(clipGradNorm(params, gradClip));
      optimizer.step();
      optimizer.zeroGrad();
      losses.push(loss.item());
    }
    losses.forEach((loss, i) =>
      expect(
        close(loss, fixture.adamw_losses[i]!),
        `step ${i}: loss ${loss} vs PyTorch ${fixture.adamw_losses[i]}`,
      ).toBe(true),
    );
    norms.forEach((norm, i) =>
      expect(
        close(norm, fixture.grad_norms[i]!),
        `step ${i}: grad norm ${norm} vs PyTorch ${fixture.grad_norms[i]}`,
      ).toBe(true),
    );
    expect(losses[steps - 1]).toBeLessThan(losses[0]! / 4); // the run really trains, so the steps are compared where it matters
  });

  it('the tolerance is sharp: a 0.1% change of one LayerNorm gain is caught', () => {
    const model = fixtureModel();
    model.transformer.lnF.weight.data[0]! *= 1.001;
    const { logits } = model.forward(idx, [B, T]);
    expect(mismatch(logits.data, stored.logits!.data)).not.toBe('');
  });
});
