// Runs in a browser page (bundled by bench/browser-check.ts): trains on the WebAssembly backend and the CPU backend,
// posts both results back.
import { AdamW, cpuBackend, crossEntropy, Linear, Rng, setBackend, tensor } from '@tinygpt/autograd';
import { createWasmBackend, sharedMemorySupported } from '../src/index.js';

function train(): number[] {
  const rng = new Rng(7);
  const model = new Linear(784, 10, { rng });
  const opt = new AdamW(model.parameters(), { lr: 1e-2 });
  const x = tensor(
    Array.from({ length: 64 * 784 }, () => rng.random()),
    [64, 784],
  );
  const y = Int32Array.from({ length: 64 }, () => rng.int(10));
  const losses: number[] = [];
  for (let step = 0; step < 100; step++) {
    const loss = crossEntropy(model.forward(x), y);
    losses.push(loss.item());
    loss.backward();
    opt.step();
    opt.zeroGrad();
  }
  return [losses[0]!, losses.at(-1)!];
}

async function main(): Promise<unknown> {
  const backend = await createWasmBackend({ threads: 2 });
  await backend.ready();
  const threads = backend.threads;
  setBackend(backend);
  const wasm = train();
  // A matmul large enough to be split across the threads when there are two.
  const n = 256;
  const a = backend.alloc(n * n).map((_, i) => Math.sin(i));
  const b = backend.alloc(n * n).map((_, i) => Math.cos(i));
  const c = backend.alloc(n * n);
  backend.sgemm(false, false, n, n, n, a, 0, b, 0, c, 0, false);
  const ref = new Float32Array(n * n);
  cpuBackend.sgemm(false, false, n, n, n, Float32Array.from(a), 0, Float32Array.from(b), 0, ref, 0, false);
  let worst = 0;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(ref[i]! - c[i]!));
  setBackend(cpuBackend);
  const cpu = train();
  backend.close();
  return {
    crossOriginIsolated: globalThis.crossOriginIsolated ?? false,
    sharedMemory: sharedMemorySupported(),
    threads,
    wasmLoss: wasm,
    cpuLoss: cpu,
    matmulMaxError: worst,
  };
}

main().then(
  (result) => fetch('/result', { method: 'POST', body: JSON.stringify(result) }),
  (error: unknown) => fetch('/result', { method: 'POST', body: JSON.stringify({ error: String(error) }) }),
);
