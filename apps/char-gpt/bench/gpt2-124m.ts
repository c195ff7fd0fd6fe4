// Measures sampling speed (tokens/s, KV cache) of a GPT-2 124M-shaped model with random weights: what
// `pnpm generate --checkpoint gpt2-dir` costs per token here.
//   pnpm --filter @tinygpt/char-gpt bench:gpt2 [--tokens 32] [--backend wasm|js] [--threads N]
import { loadavg } from 'node:os';
import { Rng } from '@tinygpt/autograd';
import { resolveConfig, runMain } from '@tinygpt/cli-kit';
import { backendDefaults, backendSpec, withBackend } from '@tinygpt/backend-wasm';
import type { GptConfig } from '../src/config.js';
import { generate } from '../src/generate.js';
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

await runMain(async (argv) => {
  const defaults = { tokens: 32, prompt: 8, ...backendDefaults(process.env) };
  const { config } = resolveConfig(defaults, argv, {
    help: { tokens: 'tokens to sample', prompt: 'prompt length in tokens', ...backendSpec.help },
    choices: backendSpec.choices,
    validate: backendSpec.validate,
    defaultFrom: backendSpec.defaultFrom,
    usage: 'bench:gpt2 [--tokens N] [--prompt N] [--backend wasm|js] [--threads N]',
    cwd: userCwd(),
  });
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
  });
});
