// What a directory or name given where a checkpoint was expected is instead: a Hugging Face GPT-2 directory, a
// nanoGPT run, or the name of a published GPT-2 model, so that a refusal can say what to do with it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Whether `dir` holds a Hugging Face GPT-2 model: a config.json that says `"model_type": "gpt2"`
 * or has GPT-2's `n_positions` / `n_ctx` (a nanoGPT exchange directory says `block_size`).
 */
export function isHfGpt2Dir(dir: string): boolean {
  const path = join(dir, 'config.json');
  if (!existsSync(path) || existsSync(join(dir, 'checkpoint.json'))) return false;
  try {
    const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    return json.model_type === 'gpt2' || 'n_positions' in json || 'n_ctx' in json;
  } catch {
    return false; // not JSON: let the exchange-directory reader say so
  }
}

/** nanoGPT's names of the published GPT-2 models (its `init_from`), alone or as their Hugging Face repos. */
const GPT2_NAME = /(?:^|[\\/])(?:openai-community[\\/])?(gpt2(?:-medium|-large|-xl)?)[\\/]*$/;

/**
 * For a published GPT-2 model's name given where a directory that does not exist was expected
 * (`gpt2`, `openai-community/gpt2-xl`, as nanoGPT's `init_from` takes them): how to get the
 * directory, to end a message with; '' for any other path.
 */
export function gpt2DownloadHint(given: string): string {
  const name = GPT2_NAME.exec(given)?.[1];
  if (!name) return '';
  return (
    `; the published GPT-2 weights are read from a directory: \`huggingface-cli download openai-community/${name} ` +
    `config.json model.safetensors --local-dir models/${name}\`, then give models/${name} (apps/char-gpt/docs/gpt2.md)`
  );
}

/** How nanoGPT's run directory `dir` (its `ckpt.pt`) becomes one tinygpt reads, to end a message with. */
export function nanoGptRunHint(dir: string): string {
  return (
    `; convert it first: \`python3 apps/char-gpt/tools/nanogpt/from_nanogpt_run.py --ckpt ${join(dir, 'ckpt.pt')} ` +
    '--out NEW_DIR` makes a checkpoint to sample from or resume (apps/char-gpt/docs/interop.md)'
  );
}
