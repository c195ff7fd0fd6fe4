// Ctrl-C that does not lose work: the first SIGINT/SIGTERM runs the registered handlers (e.g. save a checkpoint) and
// exits; a second exits at once.
import { errorMessage } from './run-main.js';

/** Runs on the first interrupt; may be async (it is awaited before the process exits). */
export type InterruptHandler = (signal: NodeJS.Signals) => Promise<void> | void;

/** Exit code after an interrupt: 128 + the signal number, as shells report it (SIGINT 130, SIGTERM 143). */
export const INTERRUPT_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const handlers = new Set<InterruptHandler>();
let interrupted = false;

/**
 * Registers `handler` to run when the user presses Ctrl-C (SIGINT) or the process is asked to stop
 * (SIGTERM). On the first signal a note goes to stderr, every registered handler runs in
 * registration order (each awaited), and the process exits with 130 (SIGINT) or 143 (SIGTERM) —
 * or with 1, after an `error: …` line, if a handler throws. A second signal while the handlers run
 * exits at once with the same code.
 *
 * Returns a function that unregisters the handler; when none is left, Ctrl-C kills the process
 * as usual again.
 *
 * @example
 * const stop = onInterrupt(async () => { await saveCheckpoint(model, step); });
 * for (let step = 0; step < maxIters; step++) trainStep();
 * stop();
 */
export function onInterrupt(handler: InterruptHandler): () => void {
  if (handlers.size === 0) for (const signal of SIGNALS) process.on(signal, onSignal);
  handlers.add(handler);
  return () => {
    handlers.delete(handler);
    if (handlers.size === 0) for (const signal of SIGNALS) process.off(signal, onSignal);
  };
}

function onSignal(signal: NodeJS.Signals): void {
  const code = INTERRUPT_EXIT_CODES[signal as keyof typeof INTERRUPT_EXIT_CODES] ?? 1;
  if (interrupted) {
    process.stderr.write(`\n${signal} again: exiting now\n`);
    process.exit(code);
  }
  interrupted = true;
  process.stderr.write(`\n${signal}: finishing up (press Ctrl-C again to exit now)\n`);
  void (async () => {
    for (const handler of [...handlers]) {
      try {
        await handler(signal);
      } catch (err) {
        process.stderr.write(`error: ${errorMessage(err)}\n`);
        process.exit(1);
      }
    }
    process.exit(code);
  })();
}
