import { createWasmBackend } from './src/index.ts';
const one = await createWasmBackend({ threads: 1 }), two = await createWasmBackend({ threads: 2 });
const M = 512, N = 512, K = 512;
const mk = (be: typeof one) => [be.alloc(M * K).fill(1), be.alloc(K * N).fill(1), be.alloc(M * N)] as const;
const [a1, b1, c1] = mk(one), [a2, b2, c2] = mk(two);
const t1: number[] = [], t2: number[] = [];
for (let r = 0; r < 60; r++) {
  let t = performance.now(); one.sgemm(false, false, M, N, K, a1, 0, b1, 0, c1, 0, false); t1.push(performance.now() - t);
  t = performance.now(); two.sgemm(false, false, M, N, K, a2, 0, b2, 0, c2, 0, false); t2.push(performance.now() - t);
}
const q = (x: number[]) => { const s = [...x].sort((a, b) => a - b); return [s[0], s[s.length >> 2], s[s.length >> 1]].map((v) => (2 * M * N * K / v! / 1e6).toFixed(1)).join(' / '); };
console.log('load', (await import('node:os')).loadavg()[0].toFixed(1), '1T best/p25/median GFLOP/s', q(t1), ' 2T', q(t2));
const ctl = new Int32Array(two.runtime.heap.memory.buffer, 1024, 32); console.log("worker chunks", ctl[31], "of", 60 * 4 + 8);
process.exit(0);
