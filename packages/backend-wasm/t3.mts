import { AdamW, clipGradNorm, Rng, setBackend, cpuBackend } from '@tinygpt/autograd';
import type { Backend } from '@tinygpt/autograd';
import { createWasmBackend } from './src/index.ts';
import { Gpt } from './bench/models.ts';
const arg = process.argv[2] ?? '1';
const be: Backend = arg === 'cpu' ? cpuBackend : await createWasmBackend({ threads: Number(arg) });
setBackend(be);
const shape = { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128 };
const rng = new Rng(1337);
const model = new Gpt(shape, rng);
const params = model.parameters();
const opt = new AdamW(params, { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 0.1 });
const ids = Int32Array.from({ length: 768 }, () => rng.int(65));
const targets = Int32Array.from({ length: 768 }, () => rng.int(65));
const step = () => { const l = model.loss(ids, targets, 12, 64); l.item(); l.backward(); clipGradNorm(params, 1); opt.step(); opt.zeroGrad(); };
for (let i = 0; i < 3; i++) { step(); await new Promise((r) => setImmediate(r)); }
const n = Number(process.argv[3] ?? 10);
const c0 = process.cpuUsage(); const t0 = performance.now(); let best = Infinity;
for (let i = 0; i < n; i++) { const t = performance.now(); step(); best = Math.min(best, performance.now() - t); await new Promise((r) => setImmediate(r)); }
const cu = process.cpuUsage(c0);
console.log(`threads ${arg}: wall ${((performance.now() - t0) / n).toFixed(1)} ms/iter, best ${best.toFixed(1)}, cpu ${((cu.user + cu.system) / 1000 / n).toFixed(1)} (sys ${(cu.system / 1000 / n).toFixed(1)}), load ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
process.exit(0);
