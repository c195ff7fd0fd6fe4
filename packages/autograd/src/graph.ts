// The computation graph: recording nodes, the grad-mode switch, and backward by iterative topological sort.

import { getBackend } from './backend/active.js';
import type { OpName } from './ops/op-def.js';
import { relabelLeak } from './lifetime.js';
import { allocStorage, allocZeroed, freeStorage } from './storage.js';
import type { Tensor } from './tensor.js';

/** How a tensor was made: the op, its inputs, and the chain-rule step that adds into their `grad`s. */
export interface Node {
  readonly op: OpName;
  readonly inputs: readonly Tensor[];
  /** Given ∂L/∂out, accumulates ∂L/∂input into each input that requires grad. */
  readonly backward: (grad: Float32Array) => void;
  /** Buffers the op allocated for its backward (not tensors), freed with the node. */
  readonly saved?: readonly Float32Array[];
}

/** Frees the buffers a node saved for its backward. */
export function releaseNode(node: Node): void {
  if (node.saved) for (const b of node.saved) freeStorage(b);
}

let gradEnabled = true;

/** True unless running inside `noGrad`. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/**
 * Runs `fn` without recording a graph: results have no history and `requiresGrad` false.
 * @example const logits = noGrad(() => model.forward(x));
 */
export function noGrad<T>(fn: () => T): T {
  const previous = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = previous;
  }
}

/**
 * Attaches a node to `out` when grad mode is on and some input requires grad; returns `out`.
 * `saved` are buffers (from `allocStorage`) only backward reads: freed at once when nothing is
 * recorded, else with the node (after its backward, or when `out` is disposed).
 */
export function record(
  out: Tensor,
  op: OpName,
  inputs: readonly Tensor[],
  backward: (grad: Float32Array) => void,
  saved?: readonly Float32Array[],
): Tensor {
  out.origin = op;
  relabelLeak(out);
  let any = false;
  if (gradEnabled) for (const t of inputs) any ||= t.requiresGrad;
  if (!any) {
    if (saved) for (const b of saved) freeStorage(b);
    return out;
  }
  out.requiresGrad = true;
  out.node = saved ? { op, inputs, backward, saved } : { op, inputs, backward };
  out.isLeaf = false;
  return out;
}

/** `t.grad`, allocated (zero) on first use, ready for backward kernels to accumulate into. */
export function gradOf(t: Tensor): Float32Array {
  return (t.grad ??= allocZeroed(t.size));
}

/**
 * Readies `t.grad` for a backward kernel that writes all of it and can either overwrite or add:
 * returns true when a gradient is already there to add to; false when `t.grad` has just been
 * allocated without the zero fill, so the kernel must overwrite every element (0 + x is x).
 */
export function gradAdds(t: Tensor): boolean {
  if (t.grad) return true;
  t.grad = allocStorage(t.size);
  return false;
}

/** Tensors reachable from `root` through nodes, inputs before the tensors computed from them. */
export function topoSort(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>([root]);
  const stack: Tensor[] = [root];
  const next: number[] = [0];
  while (stack.length > 0) {
    const top = stack.length - 1;
    const t = stack[top]!;
    const inputs = t.node?.inputs;
    if (inputs && next[top]! < inputs.length) {
      const input = inputs[next[top]!++]!;
      if (input.requiresGrad && !seen.has(input)) {
        seen.add(input);
        stack.push(input);
        next.push(0);
      }
    } else {
      if (!t.node && !t.isLeaf) {
        throw new Error('backward() through a graph a second time: its buffers were freed by the first backward()');
      }
      order.push(t);
      stack.pop();
      next.pop();
    }
  }
  return order;
}

/**
 * Backpropagates from `root`: seeds ∂root/∂root (1 for a scalar, else `seed`), then visits nodes in
 * reverse topological order, each adding into its inputs' gradients. Leaf gradients accumulate
 * across calls. Everything else is freed as soon as it has been used: each intermediate tensor
 * (neither a leaf, nor `root`, nor kept by `keep()` or `retainsGrad`) is disposed right after its
 * node's backward ran, since every op that reads it comes later in the graph and has run already.
 */
export function backward(root: Tensor, seed?: Tensor): void {
  if (!root.requiresGrad) throw new Error('backward() on a tensor that does not require grad');
  if (!seed && root.size !== 1) {
    throw new Error(
      `backward() without a gradient needs a single-element tensor, got shape [${root.shape.join(', ')}]`,
    );
  }
  if (seed && seed.size !== root.size) {
    throw new Error(`backward(grad): grad has ${seed.size} elements, the tensor ${root.size}`);
  }
  const order = topoSort(root);
  const g = gradOf(root);
  if (seed) getBackend().axpy(1, seed.data, g);
  else g[0]! += 1;
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i]!;
    const node = t.node;
    if (!node) continue;
    if (t.grad) node.backward(t.grad);
    releaseNode(node);
    t.node = null;
    if (t.retainsGrad) continue;
    if (t !== root && !t.kept) t.dispose();
    else if (t.grad) {
      freeStorage(t.grad);
      t.grad = null;
    }
  }
}
