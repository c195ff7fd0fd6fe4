// The one harness every op test uses: forward against a naive reference, every input gradient against finite differences.

import type { OpName } from '../ops/op-def.js';
import { Rng } from '../rng.js';
import type { Shape } from '../shape.js';
import { sameShape, showShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { assertClose } from './assert-close.js';
import { gradcheck } from './gradcheck.js';
import type { GradcheckOptions } from './gradcheck.js';

/** An input as the naive reference sees it: float64 values and the shape. */
export interface RefInput {
  readonly data: Float64Array;
  readonly shape: Shape;
}

/** One test case of `testOp`. */
export interface OpCase {
  /** The op under test; the output of `forward` must be produced by it. */
  op: OpName;
  /** Inputs; those with requiresGrad get their gradients checked. */
  inputs: Tensor[];
  /** Runs the op on the inputs. */
  forward: (...inputs: Tensor[]) => Tensor;
  /** A plain-loop reference in float64: the expected output values, row-major. */
  reference: (...inputs: RefInput[]) => ArrayLike<number>;
  /** The expected output shape (checked when given). */
  shape?: Shape;
  /** Forward tolerances (default atol 1e-5, rtol 1e-4). */
  atol?: number;
  rtol?: number;
  /** Gradient-check options. */
  grad?: GradcheckOptions;
}

/**
 * Checks one op: the output is made by `op`, matches the reference value (and shape), and the
 * gradient of every input with requiresGrad matches central finite differences. Throws on failure.
 * @example
 * testOp({ op: 'exp', inputs: [input([2, 3])], forward: (x) => x.exp(), reference: (x) => x.data.map(Math.exp) });
 */
export function testOp(c: OpCase): void {
  const y = c.forward(...c.inputs);
  if (c.inputs.some((t) => t.requiresGrad) && y.node?.op !== c.op) {
    throw new Error(`testOp: expected an output of op '${c.op}', got '${y.node?.op ?? 'no op'}'`);
  }
  if (c.shape && !sameShape(y.shape, c.shape)) {
    throw new Error(`testOp(${c.op}): output shape ${showShape(y.shape)}, expected ${showShape(c.shape)}`);
  }
  const refs = c.inputs.map((t) => ({ data: Float64Array.from(t.data), shape: t.shape }));
  assertClose(y.data, c.reference(...refs), {
    atol: c.atol ?? 1e-5,
    rtol: c.rtol ?? 1e-4,
    message: `testOp(${c.op}): forward`,
  });
  if (c.inputs.some((t) => t.requiresGrad)) gradcheck(c.forward, c.inputs, c.grad);
}

/** Options of `input`. */
export interface InputOptions {
  /** Seed of the values (default 0). */
  seed?: number;
  /** Uniform range instead of standard normal values. */
  low?: number;
  high?: number;
  /** Check this input's gradient (default true). */
  requiresGrad?: boolean;
}

/**
 * A seeded test input: standard normal, or uniform in [low, high) when given.
 * @example const x = input([2, 3], { seed: 1, low: 0.5, high: 2 }); // positive, for log and sqrt
 */
export function input(shape: Shape, opts: InputOptions = {}): Tensor {
  const rng = new Rng(opts.seed ?? 0);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  const uniform = opts.low !== undefined || opts.high !== undefined;
  const low = opts.low ?? 0;
  const span = (opts.high ?? 1) - low;
  for (let i = 0; i < n; i++) data[i] = uniform ? low + span * rng.random() : rng.normal();
  return new Tensor(data, shape, opts.requiresGrad ?? true);
}
