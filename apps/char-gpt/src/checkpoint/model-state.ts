// The Gpt's weights as nanoGPT's state dict (names and layouts) and back, with the tied lm_head stored as nanoGPT stores it.
import type { Gpt } from '../model/gpt.js';
import type { NamedTensor } from './checkpoint-files.js';
import { CheckpointError } from './format.js';
import { fromNanoGptName, toNanoGptName } from './names.js';

const TIED = 'lm_head.weight';
const TIED_TO = 'transformer.wte.weight';

/**
 * The model's weights by nanoGPT state-dict name (`transformer.h.0.attn.c_attn.weight`), in
 * parameter order, plus `lm_head.weight` — the same numbers as `transformer.wte.weight`, listed
 * under both names as PyTorch's `state_dict()` does for tied weights. Linear weights are already
 * (out, in) as in PyTorch, so no layout changes. The data are copies.
 */
export function modelTensors(model: Gpt): Record<string, NamedTensor> {
  const out: Record<string, NamedTensor> = {};
  for (const [name, p] of model.namedParameters())
    out[toNanoGptName(name)] = { shape: [...p.shape], data: p.data.slice() };
  const wte = out[TIED_TO];
  if (wte) out[TIED] = { shape: wte.shape, data: wte.data.slice() };
  return out;
}

/**
 * Copies nanoGPT-named weights into `model`. Every parameter must be present with its exact
 * shape and nothing else may be; `lm_head.weight`, when present, must equal
 * `transformer.wte.weight` since the two are tied. Errors name the tensor and `where`.
 */
export function loadModelTensors(model: Gpt, tensors: Record<string, NamedTensor>, where: string): void {
  const state: Record<string, NamedTensor> = {};
  for (const [name, t] of Object.entries(tensors)) {
    if (name === TIED) continue;
    state[fromNanoGptName(name)] = t;
  }
  const head = tensors[TIED];
  const wte = tensors[TIED_TO];
  if (head && wte && (head.data.length !== wte.data.length || head.data.some((v, i) => !Object.is(v, wte.data[i])))) {
    throw new CheckpointError(`${where}: ${TIED} differs from ${TIED_TO}, but this GPT ties the two`);
  }
  try {
    model.loadStateDict(state);
  } catch (err) {
    const message = (err as Error).message.replace(/^loadStateDict: /, '');
    // Name the tensor the way the file does.
    throw new CheckpointError(
      `${where} does not fit the model: ${message.replace(/"([^"]+)"/, (_, n: string) => `"${toNanoGptName(n)}"`)}`,
    );
  }
}
