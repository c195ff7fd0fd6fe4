// AdamW (Loshchilov & Hutter 2019) exactly as torch.optim.AdamW: decoupled weight decay, bias-corrected moments.

import { getBackend } from '../backend/active.js';
import type { AdamWParam } from '../backend/backend.js';
import { allocZeroed, freeStorage } from '../storage.js';
import type { Tensor } from '../tensor.js';
import type { OptimizerState, ParamGroup } from './optimizer.js';
import { copyBuffers, restoreBuffers, toGroups } from './optimizer.js';

/** Options of `AdamW` (defaults as PyTorch: betas (0.9, 0.999), eps 1e-8, weight decay 0.01). */
export interface AdamWOptions {
  lr: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

/**
 * Adam with decoupled weight decay: p ← p·(1 − lr·wd), then the Adam step. Parameters without
 * a gradient are skipped. With weightDecay 0 it is Adam.
 * @example
 * const opt = new AdamW([{ params: matrices, weightDecay: 0.1 }, { params: vectors, weightDecay: 0 }], { lr: 1e-3 });
 * loss.backward(); opt.step(); opt.zeroGrad();
 */
export class AdamW {
  /** The learning rate of groups without their own; set it before `step()` to schedule. */
  lr: number;
  private readonly groups: ParamGroup[];
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;
  private readonly weightDecay: number;
  private steps = 0;
  private readonly m: Float32Array[] = [];
  private readonly v: Float32Array[] = [];

  constructor(params: Tensor[] | ParamGroup[], opts: AdamWOptions) {
    this.groups = toGroups(params);
    this.lr = opts.lr;
    [this.beta1, this.beta2] = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    for (const g of this.groups) {
      for (const p of g.params) {
        this.m.push(allocZeroed(p.size));
        this.v.push(allocZeroed(p.size));
      }
    }
  }

  /** Frees the moment buffers; the optimizer cannot step again. */
  dispose(): void {
    for (const b of this.m.splice(0)) freeStorage(b);
    for (const b of this.v.splice(0)) freeStorage(b);
  }

  /** One update of every parameter that has a gradient, in one backend call (`adamwMany`). */
  step(): void {
    this.steps++;
    const be = getBackend();
    const bc1 = 1 - Math.pow(this.beta1, this.steps);
    const bc2 = 1 - Math.pow(this.beta2, this.steps);
    const updates: AdamWParam[] = [];
    let i = 0;
    for (const group of this.groups) {
      const hyper = {
        lr: group.lr ?? this.lr,
        beta1: this.beta1,
        beta2: this.beta2,
        eps: this.eps,
        weightDecay: group.weightDecay ?? this.weightDecay,
        bc1,
        bc2,
      };
      for (const p of group.params) {
        if (p.grad) updates.push({ p: p.data, g: p.grad, m: this.m[i]!, v: this.v[i]!, step: hyper });
        i++;
      }
    }
    be.adamwMany(updates);
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const g of this.groups) for (const p of g.params) p.zeroGrad();
  }

  /** A copy of the step count and moment buffers. */
  stateDict(): OptimizerState {
    return { kind: 'adamw', step: this.steps, lr: this.lr, buffers: copyBuffers({ m: this.m, v: this.v }) };
  }

  /** Restores a state from `stateDict()` (same parameter layout), so training resumes exactly. */
  loadStateDict(state: OptimizerState): void {
    restoreBuffers('adamw', state, { m: this.m, v: this.v });
    this.steps = state.step;
    this.lr = state.lr;
  }
}
