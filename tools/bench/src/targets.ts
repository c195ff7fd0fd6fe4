// `pnpm bench`'s table of the speed targets: tinygpt's baby training step, MNIST epoch, matmul and generation, each
// beside its reference measured in the same run.
//
// pnpm --filter @tinygpt/bench bench [-- --rounds N] [--json] [--iters N]
// Every contender runs in a fresh child process, one at a time (the machine has two cores). The
// baby config's --iters steps (200) of each contender, and as many chunks of a fixed-work probe on 1
// and 2 threads (the host's own steadiness), are pooled from four runs taken in turn; with
// --rounds N the other contenders are interleaved N times and each keeps its best round (the least
// disturbed on a shared machine). PyTorch runs as the project runs it (Debian's python3, OpenBLAS,
// one thread); where torch is absent its column says so and its targets are skipped.
import { availableParallelism, cpus, loadavg } from 'node:os';
import { figuresTable, steps, targets, targetsTable } from './report.js';
import type { Measurements } from './report.js';
import * as runs from './runs.js';
import { TorchMissing } from './runs.js';

const USAGE = 'usage: pnpm --filter @tinygpt/bench bench [-- --rounds N] [--iters N] [--json]';
/** Untimed steps at the start of every baby-config process. */
const WARMUP = 5;
/** The processes each contender's baby-config steps are spread over. */
const CHUNKS = 4;

/** The flags, or exit 2 with the usage line. */
function parseArgs(argv: readonly string[]): { rounds: number; iters: number; json: boolean } {
  const opts = { rounds: 1, iters: 200, json: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') opts.json = true;
    else if (arg === '--rounds' || arg === '--iters') {
      const value = Number(argv[++i]);
      if (!Number.isInteger(value) || value < 1 || (arg === '--iters' && value < CHUNKS * 5)) {
        console.error(
          `${arg} must be a whole number ≥ ${arg === '--iters' ? CHUNKS * 5 : 1} (got ${argv[i]})\n${USAGE}`,
        );
        process.exit(2);
      }
      opts[arg === '--rounds' ? 'rounds' : 'iters'] = value;
    } else if (arg !== '--') {
      console.error(`unknown argument ${arg}\n${USAGE}`);
      process.exit(2);
    }
  }
  return opts;
}

/** The better of two rounds' figures (`pick`: Math.min for times, Math.max for rates); null only if both are. */
function better<T extends number | null>(a: T, b: T, pick: (x: number, y: number) => number): T {
  return (a === null ? b : b === null ? a : pick(a, b)) as T;
}

/** Each contender's better round of `a` and `b`. */
function merge(a: Measurements, b: Measurements): Measurements {
  const { min, max } = Math;
  return {
    baby: b.baby,
    mnist: {
      ours1: min(a.mnist.ours1, b.mnist.ours1),
      ours2: min(a.mnist.ours2, b.mnist.ours2),
      torch: better(a.mnist.torch, b.mnist.torch, min),
      second: {
        ours1: min(a.mnist.second.ours1, b.mnist.second.ours1),
        ours2: min(a.mnist.second.ours2, b.mnist.second.ours2),
        torch: better(a.mnist.second.torch, b.mnist.second.torch, min),
      },
    },
    matmul: {
      ...b.matmul,
      peak1: max(a.matmul.peak1, b.matmul.peak1),
      peak2: max(a.matmul.peak2, b.matmul.peak2),
      ours1: max(a.matmul.ours1, b.matmul.ours1),
      ours2: max(a.matmul.ours2, b.matmul.ours2),
      tfjs1: max(a.matmul.tfjs1, b.matmul.tfjs1),
    },
    generation: {
      ...b.generation,
      ours1: max(a.generation.ours1, b.generation.ours1),
      ours2: max(a.generation.ours2, b.generation.ours2),
      nanoGpt: better(a.generation.nanoGpt, b.generation.nanoGpt, max),
    },
  };
}

const log = (what: string): void => void process.stderr.write(`  ${what}\n`);

/**
 * The baby config's step times: `iters` steps of each contender, pooled from CHUNKS runs of
 * iters/CHUNKS steps (each in a fresh process, after its own warm-up) taken in turn, the order
 * rotating, so that every contender meets the same spells of a shared machine's other work. Among
 * the contenders, the fixed-work probes on 1 and 2 threads: `iters` chunks each, sized in their
 * first process to our median step on as many threads (measured just before), the same work after.
 */
function measureBaby(iters: number, haveTorch: boolean): Measurements['baby'] {
  const times: Record<string, number[]> = { torch: [], ours1: [], ours2: [], probe1: [], probe2: [] };
  const reps: Record<string, number> = {};
  const probe = (threads: 1 | 2, n: number): number[] => {
    const name = `probe${threads}`;
    const ours = times[`ours${threads}`]!;
    const work = reps[name] ? { reps: reps[name] } : { ms: ours.length > 0 ? steps(ours).median : 100 };
    const p = runs.probe(threads, n, WARMUP, work);
    reps[name] = p.reps;
    return p.ms;
  };
  const contenders = [
    { name: 'torch', run: (n: number) => runs.babyTorch(n, WARMUP), skip: !haveTorch },
    { name: 'ours2', run: (n: number) => runs.babyOurs(2, n, WARMUP), skip: false },
    { name: 'ours1', run: (n: number) => runs.babyOurs(1, n, WARMUP), skip: false },
    { name: 'probe2', run: (n: number) => probe(2, n), skip: false },
    { name: 'probe1', run: (n: number) => probe(1, n), skip: false },
  ].filter((c) => !c.skip);
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    const n = Math.floor(iters / CHUNKS) + (chunk < iters % CHUNKS ? 1 : 0);
    log(`baby config, part ${chunk + 1}/${CHUNKS}: ${n} steps of each contender (and of the fixed-work probes)`);
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(chunk + k) % contenders.length]!;
      times[c.name]!.push(...c.run(n));
    }
  }
  return {
    ours1: times['ours1']!,
    ours2: times['ours2']!,
    torch: haveTorch ? times['torch']! : null,
    probe1: times['probe1']!,
    probe2: times['probe2']!,
  };
}

/** One round of the other contenders, each once, one after another; `baby` as measured. */
function measureRound(label: string, baby: Measurements['baby'], haveTorch: boolean): Measurements {
  log(`${label}: MNIST, two epochs (PyTorch, ours 1 thread, ours 2 threads)`);
  const mnistTorch = haveTorch ? runs.mnistTorch() : null;
  const mnist1 = runs.mnistOurs(1);
  const mnist2 = runs.mnistOurs(2);
  const mnist = {
    ours1: mnist1.first,
    ours2: mnist2.first,
    torch: mnistTorch?.first ?? null,
    second: { ours1: mnist1.second, ours2: mnist2.second, torch: mnistTorch?.second ?? null },
  };
  log(`${label}: matmul and peak`);
  const matmul = runs.matmul();
  log(`${label}: generation, 1,000 tokens (ours 1 and 2 threads, nanoGPT)`);
  const generation = runs.generation();
  return {
    baby,
    mnist,
    matmul,
    generation,
  };
}

/** The baby config's steps, then `rounds` rounds of the rest, interleaved; each contender keeps its best round. */
function measure(rounds: number, iters: number, haveTorch: boolean): Measurements {
  const baby = measureBaby(iters, haveTorch);
  let m = measureRound(`round 1/${rounds}`, baby, haveTorch);
  for (let r = 2; r <= rounds; r++) m = merge(m, measureRound(`round ${r}/${rounds}`, baby, haveTorch));
  return m;
}

const opts = parseArgs(process.argv.slice(2));
const torch = runs.torchVersion();
const torchNote = torch instanceof TorchMissing ? `${torch.message} (install python3-torch)` : '';
const machine = {
  cpu: cpus()[0]?.model ?? 'unknown CPU',
  cores: availableParallelism(),
  node: process.version,
  torch: torch instanceof TorchMissing ? null : torch,
  corpus: runs.babyCorpus().name,
  loadStart: loadavg()[0]!,
};
const started = performance.now();
if (!opts.json) {
  console.log(
    `speed targets: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadStart.toFixed(2)} at start`,
  );
  console.log(
    `references: ${machine.torch ? `PyTorch ${machine.torch} + OpenBLAS, 1 thread` : `PyTorch skipped: ${torchNote}`}; ` +
      `baby config on ${machine.corpus}, ${opts.iters} steps of each in ${CHUNKS} runs taken in turn; ` +
      `the rest best of ${opts.rounds} round(s) (generation: best of ${runs.GENERATION_ROUNDS} interleaved rounds in ` +
      `each); every contender in a fresh process, one at a time`,
  );
}
const m = measure(opts.rounds, opts.iters, machine.torch !== null);
const list = targets(m);
const summary = { ...machine, loadEnd: loadavg()[0]!, seconds: (performance.now() - started) / 1000 };
if (opts.json) console.log(JSON.stringify({ machine: summary, measurements: m, targets: list }));
else {
  console.log(`\n${figuresTable(m, torchNote)}\n\n${targetsTable(list, torchNote)}\n`);
  console.log(
    `load average ${summary.loadEnd.toFixed(2)} at the end; ${summary.seconds.toFixed(0)} s in all. ` +
      'Ratios compare figures of the same run; absolute times move with the machine’s other work.',
  );
}
