// Measures sampling speed (tokens/s, KV cache) of a GPT-2 124M-shaped model with random weights: what
// `pnpm generate --checkpoint gpt2-dir` costs per token here, beside nanoGPT's generate() on the same weights.
//   pnpm --filter @tinygpt/char-gpt bench:gpt2 [--tokens 32] [--backend wasm|js] [--threads N] [--no-nanogpt]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '@tinygpt/autograd';
import { formatHelp, isPositiveInteger, resolveConfig, runMain } from '@tinygpt/cli-kit';
import { backendDefaults, backendSpec, withBackend } from '@tinygpt/backend-wasm';
import { modelTensors } from '../src/checkpoint/model-state.js';
import type { GptConfig } from '../src/config.js';
import { generate } from '../src/generate.js';
import { writeExchangeDir } from '../src/interop/exchange-dir.js';
import { Gpt } from '../src/model/gpt.js';
import { userCwd } from '../src/paths.js';

/** openai-community/gpt2's shape: 12 layers, 12 heads, 768 wide, 1024 positions, 50,257 tokens, tanh GELU. */
const GPT2_124M: GptConfig = {
  vocabSize: 50257,
  blockSize: 1024,
  nLayer: 12,
  nHead: 12,
  nEmbd: 768,
  dropout: 0,
  bias: true,
  gelu: 'tanh',
};

/** PyTorch as the project runs it: OpenBLAS, one thread. */
const python = '/usr/bin/python3';
const torchEnv = {
  ...process.env,
  LD_LIBRARY_PATH: '/usr/lib/x86_64-linux-gnu/openblas-pthread',
  OMP_NUM_THREADS: '1',
};

/**
 * nanoGPT's generate() (tools/nanogpt/generate_speed.py, greedy: top_k 1) on the model written as an exchange
 * directory: tokens/s of `tokens` new tokens after `prompt`, prefill included, and the tokens; or why not.
 */
function nanoGpt(model: Gpt, prompt: Int32Array, tokens: number): { tokensPerSecond: number; ids: number[] } | string {
  const dir = mkdtempSync(join(tmpdir(), 'char-gpt-bench-gpt2-'));
  try {
    writeExchangeDir(dir, { config: { ...model.config }, tokenizer: { type: 'gpt2' }, weights: modelTensors(model) });
    const script = fileURLToPath(new URL('../tools/nanogpt/generate_speed.py', import.meta.url));
    const args = [script, dir, '--ids', prompt.join(','), '--tokens', String(tokens)];
    const child = spawnSync(python, args, { encoding: 'utf8', env: torchEnv, maxBuffer: 1 << 24 });
    if (child.error) return `${python} not found`;
    if (child.status !== 0) return `${python} with torch failed: ${child.stderr.trim().split('\n').at(-1)}`;
    const out = JSON.parse(child.stdout) as { tokensPerSecond: number[]; ids: number[] };
    return { tokensPerSecond: out.tokensPerSecond[0]!, ids: out.ids };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runMain(async (argv) => {
  const defaults = { tokens: 32, prompt: 8, nanogpt: true, ...backendDefaults(process.env) };
  const spec = {
    help: {
      tokens: 'tokens to sample',
      prompt: 'prompt length in tokens',
      nanogpt: "also time nanoGPT's generate() in PyTorch on the same weights (--no-nanogpt: skip it)",
      ...backendSpec.help,
    },
    choices: backendSpec.choices,
    validate: {
      tokens: (value: number) => (Number.isInteger(value) && value >= 2 ? undefined : 'an integer ≥ 2'),
      prompt: isPositiveInteger,
      ...backendSpec.validate,
    },
    defaultFrom: backendSpec.defaultFrom,
    usage: 'bench:gpt2 [--tokens N] [--prompt N] [--backend wasm|js] [--threads N] [--no-nanogpt]',
    cwd: userCwd(),
  };
  const { config, help } = resolveConfig(defaults, argv, spec);
  if (help) return void process.stdout.write(`${formatHelp(defaults, spec)}\n`);
  await withBackend(config, async (backend) => {
    const t0 = performance.now();
    const model = new Gpt(GPT2_124M, { rng: new Rng(1337) });
    model.eval();
    const params = model.numParams(false);
    const initMs = performance.now() - t0;
    const rng = new Rng(1);
    const prompt = Int32Array.from({ length: config.prompt }, (_, i) => (i * 7919) % GPT2_124M.vocabSize);
    // Warm-up: the kernels' first calls, and the prompt's prefill alone.
    const tPrefill = performance.now();
    await generate(model, prompt, { maxNewTokens: 1, temperature: 0.8, topK: 200, rng });
    const prefillMs = performance.now() - tPrefill;
    const times: number[] = [];
    let last = performance.now();
    await generate(model, prompt, {
      maxNewTokens: config.tokens,
      temperature: 0.8,
      topK: 200,
      rng,
      onToken: () => {
        const now = performance.now();
        times.push(now - last);
        last = now;
      },
    });
    const decode = times.slice(1); // the first includes the prefill
    const mean = decode.reduce((a, b) => a + b, 0) / decode.length;
    const sorted = [...decode].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    // One token's forward: 2 FLOPs per weight of every matmul (the lm head's 50,257 × 768 included).
    const gflops = (2 * (params - GPT2_124M.blockSize * GPT2_124M.nEmbd)) / (median / 1000) / 1e9;
    const rss = process.memoryUsage().rss / 2 ** 20;
    const lines = [
      `backend: ${backend.describe()}; load average ${loadavg()[0]!.toFixed(2)} (a shared machine: figures vary)`,
      `GPT-2 124M shape, RANDOM weights (no download here): ${(params / 1e6).toFixed(1)}M parameters, built in ` +
        `${(initMs / 1000).toFixed(1)} s, RSS ${rss.toFixed(0)} MiB`,
      `prefill of ${config.prompt} tokens + 1 sampled: ${prefillMs.toFixed(0)} ms`,
      `sampling with the KV cache: ${decode.length} tokens, median ${median.toFixed(0)} ms/token = ` +
        `${(1000 / median).toFixed(2)} tokens/s ` +
        `(mean ${(1000 / mean).toFixed(2)} tokens/s), ${gflops.toFixed(1)} GFLOP/s`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (!config.nanogpt) return;
    // Beside nanoGPT: both greedy, the same prompt and count, each timed over the whole run (prefill included).
    const t1 = performance.now();
    const ours = await generate(model, prompt, { maxNewTokens: config.tokens, temperature: 0, rng });
    const oursRate = (config.tokens * 1000) / (performance.now() - t1);
    const nano = nanoGpt(model, prompt, config.tokens);
    const head = `greedy, ${config.tokens} tokens after the same ${config.prompt}, prefill included:`;
    if (typeof nano === 'string') {
      process.stdout.write(`${head} ours ${oursRate.toFixed(2)} tokens/s; nanoGPT skipped: ${nano}\n`);
      return;
    }
    const same = nano.ids.length === ours.length && nano.ids.every((id, k) => id === ours[k]);
    process.stdout.write(
      `${head} ours ${oursRate.toFixed(2)} tokens/s, nanoGPT generate() (PyTorch + OpenBLAS, 1 thread, no KV cache) ` +
        `${nano.tokensPerSecond.toFixed(2)}: ours ${(oursRate / nano.tokensPerSecond).toFixed(2)}× nanoGPT's; ` +
        `greedy tokens ${same ? 'identical' : 'DIFFER'}\n`,
    );
  });
});
