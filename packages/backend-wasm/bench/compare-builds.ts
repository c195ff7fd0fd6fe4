// The kernels of this working tree beside those of another revision, in one process: each build's matrix
// products at the transformer's shapes (plain, and as the thread pool runs them on a shared packed op(B)),
// attention's batched products and the unary kernels, timed in
// interleaved rounds (each keeping its best), with the ratio and whether both builds gave the same bits.
//
// pnpm --filter @tinygpt/backend-wasm bench:compare -- [--base REV] [--rounds N] [--json]
// Both builds are compiled by their own scripts/build-wasm.mjs in a scratch copy of their assembly/ (the
// base's taken from git), and run single-threaded on a plain memory, the relaxed-SIMD variant where the
// runtime has it: a kernel change is measured without the thread pool's or the host's other moods.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { relaxedSimdSupported } from '../src/module.js';
import { unaryCodes } from '../src/generated/op-codes.js';
import { race, timeBlock } from './timing.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

function flag(name: string, fallback: string): string {
  const at = process.argv.indexOf(name);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}
const base = flag('--base', 'HEAD');
const rounds = Number(flag('--rounds', '7'));
const json = process.argv.includes('--json');
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100) {
  console.error(`--rounds must be a whole number from 1 to 100, got ${flag('--rounds', '')}`);
  process.exit(2);
}

/** Each timed block, ms. */
const BLOCK_MS = 40;
/** Warm-up of each case on each build before any timing, ms: long enough for V8 to tier the kernels up. */
const WARM_MS = 150;

type Kernels = Record<string, (...args: number[]) => number>;

/**
 * Compiles the kernels from `assembly/` and `scripts/` as found under `source` (a package directory)
 * with that tree's own build script, in a scratch directory; returns the module's bytes.
 */
function compile(source: (scratch: string) => void, relaxed: boolean): Uint8Array<ArrayBuffer> {
  const scratch = mkdtempSync(join(tmpdir(), 'tinygpt-kernels-'));
  try {
    source(scratch);
    mkdirSync(join(scratch, 'src', 'generated'), { recursive: true });
    symlinkSync(join(packageDir, 'node_modules'), join(scratch, 'node_modules'), 'dir');
    execFileSync(process.execPath, [join(scratch, 'scripts', 'build-wasm.mjs'), '--force'], { stdio: 'pipe' });
    const generated = readFileSync(join(scratch, 'src', 'generated', 'kernels.ts'), 'utf8');
    const name = relaxed ? 'plainRelaxedKernelsBase64' : 'plainKernelsBase64';
    const found = new RegExp(`${name} =\\s*'([^']+)'`).exec(generated);
    if (!found) throw new Error(`no ${name} in the build of ${scratch}`);
    return new Uint8Array(Buffer.from(found[1]!, 'base64'));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function fromWorkingTree(scratch: string): void {
  for (const dir of ['assembly', 'scripts']) cpSync(join(packageDir, dir), join(scratch, dir), { recursive: true });
  rmSync(join(scratch, 'assembly', 'generated'), { recursive: true, force: true });
}

function fromRevision(rev: string): (scratch: string) => void {
  return (scratch) => {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: packageDir, encoding: 'utf8' }).trim();
    const prefix = packageDir.slice(top.length + 1);
    const archive = execFileSync('git', ['archive', rev, `${prefix}/assembly`, `${prefix}/scripts`], { cwd: top });
    execFileSync('tar', ['-x', `--strip-components=${prefix.split('/').length}`, '-C', scratch], { input: archive });
  };
}

/** A build instantiated on its own 256 MiB plain memory, with the operands of every case filled alike. */
interface Build {
  kernels: Kernels;
  f32: Float32Array;
}

const MIB = 1 << 20;
const A = 1 * MIB, B = 9 * MIB, C = 17 * MIB, D = 25 * MIB, WORK = 33 * MIB; // prettier-ignore

async function instantiate(bytes: Uint8Array<ArrayBuffer>): Promise<Build> {
  const memory = new WebAssembly.Memory({ initial: 4096, maximum: 65536 });
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(bytes), { env: { memory } });
  const f32 = new Float32Array(memory.buffer);
  // Deterministic values of a layer's size: sines of the index, of either sign, none of them zero.
  for (let i = A / 4; i < WORK / 4; i++) f32[i] = Math.sin(i * 0.37) + 0.01;
  return { kernels: instance.exports as unknown as Kernels, f32 };
}

/** One measured case: a call on a build, and the floats it writes (compared across builds). */
interface Case {
  name: string;
  /** Floating-point operations, or elements for the elementwise kernels. */
  work: number;
  unit: 'GFLOP/s' | 'ns/float';
  run: (k: Kernels) => void;
  output: [at: number, floats: number];
}

const gemm = (M: number, N: number, K: number, tA: number, tB: number): Case => ({
  name: `sgemm ${M}×${N}×${K}${tA ? ' Aᵀ' : ''}${tB ? ' Bᵀ' : ''}`,
  work: 2 * M * N * K,
  unit: 'GFLOP/s',
  run: (k) => void k.sgemm!(tA, tB, M, N, K, A, tA ? M : K, B, tB ? K : N, C, N, 0, WORK),
  output: [C, M * N],
});
/**
 * A product as the thread pool runs one cut by rows: op(B) packed once by `sgemmPackB` (into D), then
 * `sgemmPackedB` over chunks of `rows` rows, here all on one thread.
 */
const packedB = (M: number, N: number, K: number, tB: number, rows: number): Case => ({
  name: `sgemmPackB + sgemmPackedB ${M}×${N}×${K}${tB ? ' Bᵀ' : ''}, chunks of ${rows} rows`,
  work: 2 * M * N * K,
  unit: 'GFLOP/s',
  run: (k) => {
    k.sgemmPackB!(tB, N, K, B, tB ? K : N, 0, N, D);
    for (let i = 0; i < M; i += rows) {
      k.sgemmPackedB!(0, Math.min(rows, M - i), N, K, A + i * K * 4, K, D, C + i * N * 4, N, 0, WORK);
    }
  },
  output: [C, M * N],
});
/** Attention's 48 products of the baby config (batch 12 × 4 heads, 64 positions, head size 32). */
const batched = (what: string, M: number, N: number, K: number, tA: number, tB: number, mask = 0): Case => ({
  name: `sgemmBatched 48 × ${M}×${N}×${K}${tA ? ' Aᵀ' : ''}${tB ? ' Bᵀ' : ''} (${what})`,
  work: 48 * 2 * M * N * K,
  unit: 'GFLOP/s',
  run: (k) =>
    void k.sgemmBatched!(
      tA,
      tB,
      M,
      N,
      K,
      A,
      tA ? M : K,
      M * K * 4,
      B,
      tB ? K : N,
      K * N * 4,
      C,
      N,
      M * N * 4,
      0,
      48,
      WORK,
      mask,
      0,
    ),
  output: [C, 48 * M * N],
});
const ELEMENTS = 768 * 512; // the baby MLP's hidden activations
const unary = (op: keyof typeof unaryCodes): Case => ({
  name: `unary ${op}`,
  work: ELEMENTS,
  unit: 'ns/float',
  run: (k) => void k.unary!(unaryCodes[op], A, D, ELEMENTS),
  output: [D, ELEMENTS],
});
const unaryBackward = (op: keyof typeof unaryCodes): Case => ({
  name: `unaryBackward ${op}`,
  work: ELEMENTS,
  unit: 'ns/float',
  run: (k) => void k.unaryBackward!(unaryCodes[op], A, B, B + 2 * MIB, D, ELEMENTS, 0), // x, y, dy: never written
  output: [D, ELEMENTS],
});

// The baby config's products (768 rows: batch 12 × block 64; width 128): forward, input gradient, weight gradient.
const cases: Case[] = [
  gemm(512, 512, 512, 0, 0),
  gemm(768, 384, 128, 0, 1),
  gemm(768, 512, 128, 0, 1),
  gemm(768, 128, 512, 0, 1),
  gemm(768, 128, 512, 0, 0),
  gemm(512, 128, 768, 1, 0),
  gemm(128, 384, 768, 1, 0),
  packedB(512, 512, 512, 0, 64),
  packedB(768, 512, 128, 1, 96),
  packedB(768, 384, 128, 1, 96),
  batched('QKᵀ', 64, 64, 32, 0, 1),
  batched('P·V', 64, 32, 64, 0, 0),
  batched('Pᵀ·dY', 64, 32, 64, 1, 0),
  batched('causal QKᵀ', 64, 64, 32, 0, 1, 1),
  batched('causal P·V', 64, 32, 64, 0, 0, 2),
  batched('causal Pᵀ·dY', 64, 32, 64, 1, 0, 3),
  unary('exp'),
  unary('gelu'),
  unary('tanh'),
  unaryBackward('gelu'),
];

const relaxed = relaxedSimdSupported();
let revision: string;
try {
  revision = execFileSync('git', ['rev-parse', '--verify', '--short', `${base}^{commit}`], {
    cwd: packageDir,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
} catch {
  console.error(`--base ${base} is not a commit of this repository`);
  process.exit(2);
}
const builds = {
  base: await instantiate(compile(fromRevision(base), relaxed)),
  work: await instantiate(compile(fromWorkingTree, relaxed)),
};

// Every case reads only memory no case writes (A, B; D only after writing it), so both builds see the same inputs.
const names = ['base', 'work'] as const;
const figure = (c: Case, ms: number): number => (c.unit === 'GFLOP/s' ? c.work / ms / 1e6 : (ms * 1e6) / c.work);
const rows = cases.map((c) => {
  for (const name of names) timeBlock(() => c.run(builds[name].kernels), WARM_MS);
  const ms = race({ base: () => c.run(builds.base.kernels), work: () => c.run(builds.work.kernels) }, rounds, BLOCK_MS);
  const [first, second] = names.map((name) => new Uint32Array(builds[name].f32.buffer, ...c.output).slice());
  return {
    case: c.name,
    unit: c.unit,
    base: figure(c, ms['base']!),
    work: figure(c, ms['work']!),
    speedup: ms['base']! / ms['work']!,
    sameBits: first!.every((bits, j) => bits === second![j]),
  };
});
if (json) {
  console.log(JSON.stringify({ base: revision, relaxedSimd: relaxed, rounds, rows }));
} else {
  const variant = relaxed ? 'relaxed SIMD' : 'SIMD';
  console.log(
    `kernels of ${revision} (base) and of the working tree, one thread, ${variant}, best of ${rounds} interleaved rounds of each case`,
  );
  console.log('| case | unit | base | working tree | speed-up | same bits |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const digits = r.unit === 'GFLOP/s' ? 1 : 2;
    const [from, to] = [r.base.toFixed(digits), r.work.toFixed(digits)];
    console.log(
      `| ${r.case} | ${r.unit} | ${from} | ${to} | ${r.speedup.toFixed(3)}× | ${r.sameBits ? 'yes' : 'NO'} |`,
    );
  }
}
