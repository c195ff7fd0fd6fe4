// Benchmark: generating every position of a context with a KV cache against re-running the whole context each step.
import { LayerNorm, Module, Rng, noGrad, randn } from '@tinygpt/autograd';
import type { Tensor } from '@tinygpt/autograd';
import { CausalSelfAttention, KvCache } from '../src/index.js';

/** Pre-norm residual attention layers: the attention half of a GPT, which is what the cache changes. */
class Stack extends Module {
  h: CausalSelfAttention[];
  ln: LayerNorm[];
  constructor(config: ConstructorParameters<typeof CausalSelfAttention>[0], rng: Rng) {
    super();
    this.h = Array.from({ length: config.nLayer }, () => new CausalSelfAttention(config, { rng }));
    this.ln = this.h.map(() => new LayerNorm(config.nEmbd));
  }
  forward(x: Tensor, caches?: KvCache[]): Tensor {
    this.h.forEach((attn, i) => (x = x.add(attn.forward(this.ln[i]!.forward(x), { cache: caches?.[i] }))));
    return x;
  }
}

const dims = (process.argv[2] ?? '256,128,4,4').split(',').map(Number);
if (dims.length !== 4 || !dims.every((d) => Number.isInteger(d) && d > 0)) {
  console.error(
    'usage: pnpm --filter @tinygpt/attention bench [blockSize,nEmbd,nHead,nLayer] (four positive integers, default 256,128,4,4)',
  );
  process.exit(2);
}
const [blockSize, nEmbd, nHead, nLayer] = dims as [number, number, number, number];
const config = { blockSize, nEmbd, nHead, nLayer, dropout: 0, bias: true };
const model = new Stack(config, new Rng(1337)).eval();
const x = randn([1, blockSize, nEmbd], new Rng(0)); // the input vector of every position

function time<T>(fn: () => T): { ms: number; out: T } {
  const start = performance.now();
  const out = noGrad(fn);
  return { ms: performance.now() - start, out };
}

// Step t sees positions 0..t; each step keeps only the output of its newest position.
const uncached = time(() =>
  Array.from({ length: blockSize }, (_, t) => model.forward(x.slice(1, 0, t + 1)).slice(1, t, t + 1)),
);
const caches = model.h.map(() => new KvCache());
const cached = time(() => Array.from({ length: blockSize }, (_, t) => model.forward(x.slice(1, t, t + 1), caches)));

let maxDiff = 0;
uncached.out.forEach((u, t) =>
  u.data.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - cached.out[t]!.data[i]!)))),
);
console.log(
  `attention stack: blockSize ${blockSize}, nEmbd ${nEmbd}, nHead ${nHead}, nLayer ${nLayer}; ${blockSize} generation steps`,
);
console.log(`re-run the context: ${uncached.ms.toFixed(0)} ms (${(uncached.ms / blockSize).toFixed(2)} ms/step)`);
console.log(`KV cache:           ${cached.ms.toFixed(0)} ms (${(cached.ms / blockSize).toFixed(2)} ms/step)`);
console.log(`speed-up ${(uncached.ms / cached.ms).toFixed(1)}x; largest output difference ${maxDiff.toExponential(1)}`);
