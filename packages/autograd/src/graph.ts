// The computation graph: recording nodes, the grad-mode switch, and backward by iterative topological sort.

import { getBackend } from './backend/active.js';
import type { OpName } from './ops/op-def.js';
import { allocStorage, freeStorage } from './storage.js';
import type { Tensor } from './tensor.js';

/** How a tensor was made: the op, its inputs, and the chain-rule step that adds into their `grad`s. */
export interface Node {
  readonly op: OpName;
  readonly inputs: readonly Tensor[];
  /** Given ∂L/∂out, accumulates ∂L/∂input into each input that requires grad. */
  readonly backward: (grad: Float32Array) => void;
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

/** Attaches a node to `out` when grad mode is on and some input requires grad; returns `out`. */
export function record(
  out: Tensor,
  op: OpName,
  inputs: readonly Tensor[],
  backward: (grad: Float32Array) => void,
): Tensor {
  if (!gradEnabled) return out;
  let any = false;
  for (const t of inputs) any ||= t.requiresGrad;
  if (!any) return out;
  out.requiresGrad = true;
  out.node = { op, inputs, backward };
  out.isLeaf = false;
  return out;
}

/** `t.grad`, allocated (zero) on first use, ready for backward kernels to accumulate into. */
export function gradOf(t: Tensor): Float32Array {
  return (t.grad ??= allocStorage(t.size));
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
 * across calls; intermediate gradients and the graph itself are released as soon as they are used.
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
  else g[0] += 1;
  for (let i = order.length - 1; i >= 0; i--) {
    const t = order[i]!;
    const node = t.node;
    if (!node) continue;
    if (t.grad) node.backward(t.grad);
    t.node = null;
    if (!t.retainsGrad && t.grad) {
      freeStorage(t.grad);
      t.grad = null;
    }
  }
}
