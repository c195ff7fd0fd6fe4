// Letting Ctrl-C in during long synchronous work: a turn of the event loop now and then, by the clock, never per step.

/** How long a loop may run without a turn of the event loop, so a Ctrl-C handler still answers promptly. */
const SIGNAL_LATENCY_MS = 200;

/**
 * Decides when a long loop should give signal handlers (Ctrl-C: save a checkpoint, then exit) a
 * chance to run: at most every 200 ms of work. Memory does not depend on it — every step frees
 * its tensors itself (`tidy`) — so a loop run with no turn at all (a test, a Worker) uses exactly
 * the same memory; this is only about answering Ctrl-C.
 * @example
 * const signals = new SignalWindow();
 * for (const batch of batches) {
 *   sum += evaluate(batch);
 *   if (signals.due()) await signals.letIn();
 * }
 */
export class SignalWindow {
  private last = performance.now();

  /** True when the last turn of the event loop is more than 200 ms ago. */
  due(): boolean {
    return performance.now() - this.last >= SIGNAL_LATENCY_MS;
  }

  /** Resolves after one turn of the event loop (pending signals are delivered) and restarts the clock. */
  async letIn(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.last = performance.now();
  }
}
