// The parameter-name mapping between our Gpt and nanoGPT's state dict, in both directions.
import { describe, expect, it } from 'vitest';
import { fromNanoGptName, toNanoGptName } from '../src/checkpoint/names.js';

/** Every parameter name of nanoGPT's GPT with bias=True, beside ours. */
const pairs: [ours: string, nanoGpt: string][] = [
  ['transformer.wte.weight', 'transformer.wte.weight'],
  ['transformer.wpe.weight', 'transformer.wpe.weight'],
  ['transformer.h.0.ln1.weight', 'transformer.h.0.ln_1.weight'],
  ['transformer.h.0.ln1.bias', 'transformer.h.0.ln_1.bias'],
  ['transformer.h.0.attn.cAttn.weight', 'transformer.h.0.attn.c_attn.weight'],
  ['transformer.h.0.attn.cAttn.bias', 'transformer.h.0.attn.c_attn.bias'],
  ['transformer.h.0.attn.cProj.weight', 'transformer.h.0.attn.c_proj.weight'],
  ['transformer.h.11.ln2.weight', 'transformer.h.11.ln_2.weight'],
  ['transformer.h.11.mlp.cFc.weight', 'transformer.h.11.mlp.c_fc.weight'],
  ['transformer.h.11.mlp.cProj.bias', 'transformer.h.11.mlp.c_proj.bias'],
  ['transformer.lnF.weight', 'transformer.ln_f.weight'],
  ['transformer.lnF.bias', 'transformer.ln_f.bias'],
  ['lmHead.weight', 'lm_head.weight'],
];

describe('nanoGPT parameter names', () => {
  it.each(pairs)('%s → %s', (ours, nano) => {
    expect(toNanoGptName(ours)).toBe(nano);
  });
  it.each(pairs)('%s ← %s', (ours, nano) => {
    expect(fromNanoGptName(nano)).toBe(ours);
  });
  it('round-trips optimizer-state names and block indices of any length', () => {
    for (const name of ['transformer.h.123.attn.cAttn.weight', 'transformer.h.0.ln1.weight']) {
      expect(fromNanoGptName(toNanoGptName(name))).toBe(name);
    }
  });
});
