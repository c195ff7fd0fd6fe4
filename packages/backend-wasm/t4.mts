import { AdamW, clipGradNorm, Rng, setBackend } from '@tinygpt/autograd';
import { createWasmBackend } from './src/index.ts';
import { Gpt } from './bench/models.ts';
const be = await createWasmBackend({ threads: 1 });
setBackend(be);
const shape = { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128 };
const rng = new Rng(1337);
const model = new Gpt(shape, rng);
const params = model.parameters();
const opt = new AdamW(params, { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 0.1 });
const ids = Int32Array.from({ length: 768 }, () => rng.int(65));
const targets = Int32Array.from({ length: 768 }, () => rng.int(65));
const step = () => { const l = model.loss(ids, targets, 12, 64); l.item(); l.backward(); clipGradNorm(params, 1); opt.step(); opt.zeroGrad(); };
let c0 = process.cpuUsage();
for (let i = 1; i <= 60; i++) {
  step(); await new Promise((r) => setImmediate(r));
  if (i % 10 === 0) { const cu = process.cpuUsage(c0); c0 = process.cpuUsage(); const s = be.memoryStats(); console.log(i, 'cpu/iter', ((cu.user + cu.system) / 1e4).toFixed(1), 'sys/iter', (cu.system / 1e4).toFixed(1), 'mem MB', (s.memoryBytes / 1e6).toFixed(0), 'live MB', (s.liveBytes / 1e6).toFixed(0), 'free MB', (s.freeBytes / 1e6).toFixed(0), 'rss MB', (process.memoryUsage().rss / 1e6).toFixed(0)); }
}
process.exit(0);
