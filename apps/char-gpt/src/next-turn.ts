// Yields to the event loop between tensor computations, which long loops of them must do on the wasm backend.

/**
 * Resolves on the event loop's next turn. A loop that runs forward passes one after another awaits
 * it after each: signals (Ctrl-C) get through, and the wasm backend reclaims the memory of the
 * tensors dropped so far — it learns of them from a FinalizationRegistry, whose callbacks run only
 * between turns, so a loop that never yields keeps every block it allocated until it ends.
 *
 * @example
 * for (const batch of batches) {
 *   sum += noGrad(() => model.forward(batch.x, batch.shape, { targets: batch.y }).loss!.item());
 *   await nextTurn();
 * }
 */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
