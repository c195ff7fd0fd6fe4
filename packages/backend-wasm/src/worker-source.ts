// The script each worker thread runs: instantiate the kernels over the shared memory, then serve jobs posted through it.

/** Int32 offsets inside a worker's control slot (each slot is `SLOT_BYTES` bytes in the control area). */
export const SLOT = {
  /** Bumped by the main thread to post a job; a worker sleeps on it. */
  seq: 0,
  /** Set by the worker to the job's seq when it has finished it. */
  done: 1,
  /** Index into `threadedKernels` of the job, or −1 to stop. */
  op: 2,
  /** Number of arguments. */
  argc: 3,
  /** 1 when the job threw; the message follows by postMessage. */
  failed: 4,
} as const;

/** Byte offset of the float64 arguments inside a slot. */
export const ARGS_OFFSET = 32;
/** Most arguments a job can take. */
export const MAX_ARGS = 28;
/** Bytes of one worker's control slot. */
export const SLOT_BYTES = ARGS_OFFSET + MAX_ARGS * 8;

/**
 * JavaScript source of the worker, for `new Worker(source, { eval: true })` in Node or a Blob URL in
 * a browser. Its first message is `{ module, memory, slot, names, spin }`; it answers `'ready'`, then
 * waits on its slot's `seq` word (spinning `spin` times before sleeping in Atomics.wait), runs
 * `names[op](...args)`, and publishes `done`.
 */
export const workerSource = `'use strict';
const isNode = typeof process !== 'undefined' && process.versions != null && process.versions.node != null;
const port = isNode ? require('node:worker_threads').parentPort : self;
function serve(init) {
  const { module, memory, slot, names, spin } = init;
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const fns = names.map((name) => instance.exports[name]);
  const ctl = new Int32Array(memory.buffer, slot, ${ARGS_OFFSET / 4});
  const args = new Float64Array(memory.buffer, slot + ${ARGS_OFFSET}, ${MAX_ARGS});
  const argv = [];
  // Read the sequence number before saying ready: the first job may be posted the moment we do.
  let seen = Atomics.load(ctl, ${SLOT.seq});
  port.postMessage('ready');
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctl, ${SLOT.seq}) === seen) {
      if (++spins > spin) Atomics.wait(ctl, ${SLOT.seq}, seen);
    }
    seen = Atomics.load(ctl, ${SLOT.seq});
    const op = ctl[${SLOT.op}];
    if (op < 0) break;
    argv.length = ctl[${SLOT.argc}];
    for (let i = 0; i < argv.length; i++) argv[i] = args[i];
    try {
      fns[op].apply(null, argv);
    } catch (error) {
      ctl[${SLOT.failed}] = 1;
      port.postMessage(String(error && error.stack || error));
    }
    Atomics.store(ctl, ${SLOT.done}, seen);
    Atomics.notify(ctl, ${SLOT.done});
  }
}
if (isNode) port.once('message', serve);
else self.onmessage = (event) => { self.onmessage = null; serve(event.data); };
`;
