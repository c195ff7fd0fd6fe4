// The job protocol of the thread pool and the script each worker runs: claim chunks of a kernel from shared memory,
// run them, count them done.

/**
 * Int32 offsets in the control block the main thread and the workers share. One job at a time:
 * a kernel, its arguments, and `total` items cut into `chunks` chunks of `chunk` items. Threads
 * claim chunks by compare-and-swap on `next`, so a thread the OS has descheduled simply claims
 * fewer; the job is over when `done` reaches `chunks`.
 */
export const CTL = {
  /** Bumped by the main thread to post a job; idle workers sleep on it. */
  seq: 0,
  /** (job tag << CHUNK_BITS) | index of the next unclaimed chunk. */
  next: 1,
  /** Chunks finished (or failed). */
  done: 2,
  /** Set to 1 when a chunk threw. */
  failed: 3,
  /** Index of the kernel into `threadedKernels`, or −1 to stop the workers. */
  op: 4,
  argc: 5,
  total: 6,
  chunk: 7,
  chunks: 8,
  /** Argument that receives a chunk's item count. */
  countArg: 9,
  /** Argument that receives the running thread's own scratch address, or −1. */
  workArg: 10,
  /** Number of (argument, bytes per item) pairs: arguments advanced by start·bytes for a chunk. */
  offsets: 11,
  /** The pairs start here. */
  offsetPairs: 12,
  /** Workers asleep in Atomics.wait, their spin over (`WasmRuntime.sleepingWorkers`); after the eight pairs. */
  sleeping: 28,
} as const;

/** Bits of `next` that count chunks; the chunk index CHUNK_MASK means "none left". */
export const CHUNK_BITS = 10;
export const CHUNK_MASK = (1 << CHUNK_BITS) - 1;
/** Job tags cycle through 2²¹ values, far more than a descheduled thread could sleep through. */
export const TAG_MASK = (1 << 21) - 1;
/** At most this many argument offsets per job. */
export const MAX_OFFSETS = 8;
/** Byte offset of the float64 arguments inside the control block, and their maximum number. */
export const ARGS_AT = 128;
export const MAX_ARGS = 32;
/** Bytes of the control block. */
export const CONTROL_BYTES = ARGS_AT + MAX_ARGS * 8;

/**
 * JavaScript source of a worker, for `new Worker(source, { eval: true })` in Node or a Blob URL in a
 * browser. Its first message is `{ module, memory, control, work, names, spinMicros }`; it answers
 * 'ready', then serves jobs until one has op −1. After each job it polls for the next one for
 * `spinMicros` before sleeping in Atomics.wait, so kernels a little apart find it awake. The same
 * `claim` loop runs on the main thread (src/pool.ts); both must follow the protocol of CTL.
 */
export const workerSource = `'use strict';
const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null;
const port = isNode ? require('node:worker_threads').parentPort : self;
function serve(init) {
  const { module, memory, control, work, names, spinMicros } = init;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const fns = names.map((name) => instance.exports[name]);
  const ctl = new Int32Array(memory.buffer, control, ${ARGS_AT / 4});
  const args = new Float64Array(memory.buffer, control + ${ARGS_AT}, ${MAX_ARGS});
  const argv = [];
  // Read the sequence number before saying ready: the first job may be posted the moment we do.
  let seen = Atomics.load(ctl, ${CTL.seq});
  port.postMessage('ready');
  const spinMs = spinMicros / 1000;
  for (;;) {
    const until = performance.now() + spinMs;
    let polls = 0;
    while (Atomics.load(ctl, ${CTL.seq}) === seen) {
      if ((++polls & 255) === 0 && performance.now() >= until) {
        Atomics.add(ctl, ${CTL.sleeping}, 1);
        Atomics.wait(ctl, ${CTL.seq}, seen);
        Atomics.sub(ctl, ${CTL.sleeping}, 1);
      }
    }
    seen = Atomics.load(ctl, ${CTL.seq});
    const op = ctl[${CTL.op}];
    if (op < 0) break;
    const tag = (seen & ${TAG_MASK}) << ${CHUNK_BITS};
    const total = ctl[${CTL.total}], chunk = ctl[${CTL.chunk}], chunks = ctl[${CTL.chunks}];
    const countArg = ctl[${CTL.countArg}], workArg = ctl[${CTL.workArg}], offsets = ctl[${CTL.offsets}];
    argv.length = ctl[${CTL.argc}];
    for (;;) {
      const c = Atomics.load(ctl, ${CTL.next});
      if ((c & ~${CHUNK_MASK}) !== tag || (c & ${CHUNK_MASK}) >= chunks) break;
      if (Atomics.compareExchange(ctl, ${CTL.next}, c, c + 1) !== c) continue;
      const start = (c & ${CHUNK_MASK}) * chunk;
      for (let i = 0; i < argv.length; i++) argv[i] = args[i];
      argv[countArg] = Math.min(chunk, total - start);
      if (workArg >= 0) argv[workArg] = work;
      for (let o = 0; o < offsets; o++) argv[ctl[${CTL.offsetPairs} + 2 * o]] += start * ctl[${CTL.offsetPairs} + 2 * o + 1];
      try {
        fns[op].apply(null, argv);
      } catch (error) {
        Atomics.store(ctl, ${CTL.failed}, 1);
        port.postMessage(String((error && error.stack) || error));
      }
      Atomics.add(ctl, ${CTL.done}, 1);
      Atomics.notify(ctl, ${CTL.done});
    }
  }
}
if (isNode) port.once('message', serve);
else self.onmessage = (event) => { self.onmessage = null; serve(event.data); };
`;
