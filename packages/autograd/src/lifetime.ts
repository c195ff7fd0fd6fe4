// Tensor lifetimes: who owns each storage buffer, the `tidy` scopes that free what a block of code made, and the leak detector.

import type { Backend } from './backend/backend.js';
import type { Tensor } from './tensor.js';

/**
 * One backend buffer and the number of tensors sharing it (a tensor and its views made by
 * `reshape` or `detach`). The buffer goes back to `backend` when the last of them is disposed.
 */
export interface StorageOwner {
  refs: number;
  readonly backend: Backend;
}

/** The scopes `tidy` has open, innermost last: the tensors made inside each. */
const scopes: Tensor[][] = [];

/** Adds a tensor that owns (a share of) storage to the innermost open scope, if any. */
export function track(t: Tensor): void {
  const scope = scopes[scopes.length - 1];
  if (scope) scope.push(t);
  leakRegistry?.register(t, { origin: t.origin, shape: [...t.shape] }, t);
}

/** Forgets `t` in the leak detector (it was disposed, or kept on purpose). */
export function untrackLeak(t: Tensor): void {
  leakRegistry?.unregister(t);
}

/**
 * Runs `fn` and then disposes every tensor created while it ran, except those it returns (a
 * tensor, or tensors in a returned array or plain object), tensors marked with {@link keep}, and
 * the tensors a returned tensor's graph still needs for `backward()`. Survivors belong to the
 * enclosing scope, if there is one. Parameters (tensors created with `requiresGrad`) are never
 * tracked. `fn` must be synchronous: the scope closes when it returns.
 * @example
 * const loss = tidy(() => {
 *   const l = model.forward(x, shape, { targets: y }).loss!;
 *   l.backward(); // frees the activations as it goes
 *   return l.item();
 * }); // every tensor of the step is freed here
 */
export function tidy<T>(fn: () => T): T {
  const scope: Tensor[] = [];
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    for (const t of scope) if (!t.kept) t.dispose();
    throw error;
  }
  scopes.pop();
  if (result instanceof Promise) {
    throw new Error('tidy(fn): fn returned a Promise; a scope only covers synchronous code (await outside it)');
  }
  const survivors = reachable(result);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (t.kept || t.disposed) continue;
    if (survivors.has(t)) parent?.push(t);
    else t.dispose();
  }
  return result;
}

/**
 * Marks `t` as long-lived: no `tidy` scope disposes it and `backward()` does not free it. Its
 * owner (a cache, a module) disposes it when done. Returns `t`.
 */
export function keep<T extends Tensor>(t: T): T {
  t.kept = true;
  return t;
}

/** Disposes a tensor, or every tensor in an array or plain object of them (see `Tensor.dispose`). */
export function dispose(x: Tensor | readonly Tensor[] | Readonly<Record<string, Tensor | null>>): void {
  for (const t of tensorsIn(x)) t.dispose();
}

/** Number of `tidy` scopes open now (0 outside any). */
export function scopeDepth(): number {
  return scopes.length;
}

/** Tensors returned by a scope and everything their graphs reach through `node.inputs`. */
function reachable(result: unknown): Set<Tensor> {
  const out = new Set<Tensor>();
  const stack = tensorsIn(result);
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (out.has(t)) continue;
    out.add(t);
    if (t.node) for (const input of t.node.inputs) stack.push(input);
  }
  return out;
}

/** The tensors in a value: itself, or the members of an array or plain object (one level deep). */
function tensorsIn(x: unknown): Tensor[] {
  if (isTensor(x)) return [x];
  if (Array.isArray(x)) return x.filter(isTensor);
  if (x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype) {
    return Object.values(x).filter(isTensor);
  }
  return [];
}

function isTensor(x: unknown): x is Tensor {
  return x !== null && typeof x === 'object' && 'dispose' in x && 'shape' in x && 'node' in x;
}

// ---- the leak detector ----

/** What the leak detector remembers of a tensor: the op that made it and its shape. */
interface LeakInfo {
  origin: string;
  shape: number[];
}

let leakRegistry: FinalizationRegistry<LeakInfo> | null = null;
const leaked: LeakInfo[] = [];

/**
 * Turns the leak detector on or off (off by default; it costs a FinalizationRegistry entry per
 * tensor). While on, a tensor that owns storage and is garbage-collected without being disposed
 * is reported by {@link takeLeaks}, named by the op that made it. The collector decides when
 * that happens: a test forces a collection and waits a turn before asking. This is a detector
 * only; storage is never returned by the garbage collector.
 */
export function detectLeaks(on = true): void {
  leakRegistry = on ? new FinalizationRegistry((info) => leaked.push(info)) : null;
}

/** The leaks found since the last call, e.g. `['matmul [4, 8]']`, and forgets them. */
export function takeLeaks(): string[] {
  return leaked.splice(0).map((l) => `${l.origin} [${l.shape.join(', ')}]`);
}

/** Updates the op name the leak detector reports for `t` (set when an op records it). */
export function relabelLeak(t: Tensor): void {
  if (!leakRegistry) return;
  leakRegistry.unregister(t);
  leakRegistry.register(t, { origin: t.origin, shape: [...t.shape] }, t);
}

/** Whether the leak detector is on. */
export function detectingLeaks(): boolean {
  return leakRegistry !== null;
}
