import { AdamW, clipGradNorm, Rng, setBackend } from '@tinygpt/autograd';
import type { Backend } from '@tinygpt/autograd';
import { createWasmBackend } from './src/index.ts';
import { Gpt } from './bench/models.ts';
const be = await createWasmBackend({ threads: Number(process.argv[2] ?? 1) });
const stats = new Map<string, { n: number; us: number }>();
const wrapped = Object.create(be) as Backend;
for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(be))) {
  const fn = (be as unknown as Record<string, unknown>)[key];
  if (typeof fn !== 'function' || key === 'constructor') continue;
  (wrapped as unknown as Record<string, unknown>)[key] = (...a: unknown[]) => {
    const c = process.cpuUsage();
    const r = (fn as (...x: unknown[]) => unknown).apply(be, a);
    const d = process.cpuUsage(c);
    const label = key === 'sgemm' ? (Number(a[2]) * Number(a[3]) * Number(a[4]) > 1e6 ? 'sgemm big' : 'sgemm small') : key;
    const s = stats.get(label) ?? { n: 0, us: 0 };
    s.n++; s.us += d.user + d.system; stats.set(label, s);
    return r;
  };
}
setBackend(wrapped);
const shape = { vocabSize: 65, blockSize: 64, nLayer: 4, nHead: 4, nEmbd: 128 };
const rng = new Rng(1337);
const model = new Gpt(shape, rng);
const params = model.parameters();
const opt = new AdamW(params, { lr: 1e-3, betas: [0.9, 0.99], weightDecay: 0.1 });
const ids = Int32Array.from({ length: 768 }, () => rng.int(65));
const targets = Int32Array.from({ length: 768 }, () => rng.int(65));
const step = () => { const l = model.loss(ids, targets, 12, 64); l.item(); l.backward(); clipGradNorm(params, 1); opt.step(); opt.zeroGrad(); };
for (let i = 0; i < 5; i++) { step(); await new Promise((r) => setImmediate(r)); }
stats.clear();
const n = 10; const c0 = process.cpuUsage();
for (let i = 0; i < n; i++) { step(); await new Promise((r) => setImmediate(r)); }
const cu = process.cpuUsage(c0);
const total = (cu.user + cu.system) / 1000 / n;
let sum = 0;
for (const [k, s] of [...stats.entries()].sort((a, b) => b[1].us - a[1].us)) { sum += s.us / 1000 / n; console.log(k.padEnd(20), (s.us / 1000 / n).toFixed(2).padStart(7), 'ms', String(s.n / n).padStart(6), 'calls'); }
console.log('kernels', sum.toFixed(1), 'ms of', total.toFixed(1), 'ms cpu per iter');
process.exit(0);
