// Ctrl-C that does not lose work: the first SIGINT/SIGTERM runs the registered handlers (e.g. save a checkpoint) and
// exits; a second exits at once. A run a package manager started stops the same way when the manager is stopped.
import { errorMessage } from './cli-error.js';

/** Runs on the first interrupt; may be async (it is awaited before the process exits). */
export type InterruptHandler = (signal: NodeJS.Signals) => Promise<void> | void;

/**
 * Exit code after an interrupt: 128 + the signal number, as shells report it (SIGINT 130, SIGTERM
 * 143; SIGPIPE 141 when the reader of stdout went away, see {@link stopOnClosedOutput}).
 */
export const INTERRUPT_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGPIPE: 141 } as const;

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const handlers = new Set<InterruptHandler>();
let interrupted = false;
let outputClosed = false;
/** How often a run that a package manager started checks that the manager still runs, ms. */
const LAUNCHER_POLL_MS = 500;
let launcherWatch: ReturnType<typeof setInterval> | null = null;

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
  if (handlers.size === 0) {
    for (const signal of SIGNALS) process.on(signal, onProcessSignal);
    watchLauncher();
  }
  handlers.add(handler);
  return () => {
    handlers.delete(handler);
    if (handlers.size === 0) {
      for (const signal of SIGNALS) process.off(signal, onProcessSignal);
      if (launcherWatch) clearInterval(launcherWatch);
      launcherWatch = null;
    }
  };
}

/**
 * Under a package-manager script (`pnpm pretrain`: pnpm sets `npm_lifecycle_event`), a SIGTERM sent
 * to the manager alone — by `kill`, `docker stop` or a process manager — ends the manager but is
 * not passed on, and the run would go on without it. Its parent changing is taken as that SIGTERM.
 * A program started from a shell is left alone: `nohup node … &` must outlive its shell.
 */
function watchLauncher(): void {
  if (!process.env['npm_lifecycle_event']) return;
  const launcher = process.ppid;
  launcherWatch = setInterval(() => {
    if (!interrupted && process.ppid !== launcher)
      onSignal('SIGTERM', `the process that started this one (pid ${launcher}) has exited`);
  }, LAUNCHER_POLL_MS);
  launcherWatch.unref();
}

/**
 * The reader of stdout went away (`pnpm pretrain | head`, a closed terminal pipe). With handlers
 * registered, the run stops as on a signal — the handlers run (a checkpoint is saved) and the
 * process exits with 141 (128 + SIGPIPE) — and true is returned; later calls change nothing. False
 * when no handler is registered: nothing to save, and the caller may exit quietly.
 */
export function stopOnClosedOutput(): boolean {
  outputClosed = true;
  if (handlers.size === 0) return false;
  if (!interrupted) onSignal('SIGPIPE', 'standard output was closed by its reader');
  return true;
}

/**
 * Whether stdout's reader has gone (seen by `runMain`): what is still to say then goes to stderr.
 * Node keeps `process.stdout` open after EPIPE, so its own flags do not tell.
 */
export function stdoutClosed(): boolean {
  return outputClosed;
}

/** The listener of SIGINT and SIGTERM (Node passes the signal's number after its name, which is not a reason). */
function onProcessSignal(signal: NodeJS.Signals): void {
  onSignal(signal, signal);
}

/** The first call runs the handlers and exits with the signal's code, saying `why` on stderr; a second exits at once. */
function onSignal(signal: NodeJS.Signals, why: string): void {
  const code = INTERRUPT_EXIT_CODES[signal as keyof typeof INTERRUPT_EXIT_CODES] ?? 1;
  if (interrupted) {
    process.stderr.write(`\n${signal} again: exiting now\n`);
    process.exit(code);
  }
  interrupted = true;
  process.stderr.write(`\n${why}: finishing up (press Ctrl-C again to exit now)\n`);
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
