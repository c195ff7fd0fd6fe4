import { createWasmBackend } from './src/index.ts';
for (const gcPressure of [0, 0.25]) {
  const be = await createWasmBackend({ threads: 1, gcPressure });
  for (const n of [768 * 128, 768 * 512, 48 * 64 * 64]) {
    const keep: Float32Array[] = [];
    for (let i = 0; i < 50; i++) keep.push(be.alloc(n));
    keep.forEach((k) => be.free(k));
    const c0 = process.cpuUsage();
    for (let r = 0; r < 20; r++) { const ks: Float32Array[] = []; for (let i = 0; i < 50; i++) ks.push(be.alloc(n)); ks.forEach((k) => be.free(k)); }
    const cu = process.cpuUsage(c0);
    console.log('pressure', gcPressure, 'n', n, 'µs/alloc', ((cu.user + cu.system) / 1000).toFixed(1), 'sys', (cu.system / 1000).toFixed(1));
  }
  be.close();
}
process.exit(0);
