// Stochastic gradient descent with momentum and L2 weight decay, as torch.optim.SGD (dampening 0, no Nesterov).

import { getBackend } from '../backend/active.js';
import { allocZeroed, freeStorage } from '../storage.js';
import type { Tensor } from '../tensor.js';
import type { OptimizerState, ParamGroup } from './optimizer.js';
import { copyBuffers, restoreBuffers, toGroups } from './optimizer.js';

/** Options of `SGD`. */
export interface SgdOptions {
  lr: number;
  /** Momentum factor μ (default 0): buf ← μ·buf + g; p ← p − lr·buf. */
  momentum?: number;
  /** L2 penalty added to the gradient: g ← g + wd·p (default 0). */
  weightDecay?: number;
}

/**
 * p ← p − lr·(g + wd·p), through a momentum buffer when momentum > 0. Parameters without a
 * gradient are skipped.
 * @example const opt = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
 */
export class SGD {
  /** The learning rate of groups without their own; set it before `step()` to schedule. */
  lr: number;
  private readonly groups: ParamGroup[];
  private readonly momentum: number;
  private readonly weightDecay: number;
  private steps = 0;
  private readonly buf: Float32Array[] = [];

  constructor(params: Tensor[] | ParamGroup[], opts: SgdOptions) {
    this.groups = toGroups(params);
    this.lr = opts.lr;
    this.momentum = opts.momentum ?? 0;
    this.weightDecay = opts.weightDecay ?? 0;
    if (this.momentum > 0) for (const g of this.groups) for (const p of g.params) this.buf.push(allocZeroed(p.size));
  }

  /** Frees the momentum buffers; the optimizer cannot step again. */
  dispose(): void {
    for (const b of this.buf.splice(0)) freeStorage(b);
  }

  /** One update of every parameter that has a gradient. */
  step(): void {
    this.steps++;
    const be = getBackend();
    let i = 0;
    for (const group of this.groups) {
      const hyper = {
        lr: group.lr ?? this.lr,
        momentum: this.momentum,
        weightDecay: group.weightDecay ?? this.weightDecay,
      };
      for (const p of group.params) {
        if (p.grad) be.sgd(p.data, p.grad, this.momentum > 0 ? this.buf[i]! : null, hyper);
        i++;
      }
    }
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const g of this.groups) for (const p of g.params) p.zeroGrad();
  }

  /** A copy of the step count and momentum buffers. */
  stateDict(): OptimizerState {
    return { kind: 'sgd', step: this.steps, lr: this.lr, buffers: copyBuffers({ momentum: this.buf }) };
  }

  /** Restores a state from `stateDict()` (same parameter layout). */
  loadStateDict(state: OptimizerState): void {
    restoreBuffers('sgd', state, { momentum: this.buf });
    this.steps = state.step;
    this.lr = state.lr;
  }
}
