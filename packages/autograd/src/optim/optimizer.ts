// What the optimizers share: parameter groups, gradient clearing, and exact save/restore of their state.

import type { Tensor } from '../tensor.js';

/** A set of parameters with its own settings; unset fields fall back to the optimizer's. */
export interface ParamGroup {
  params: Tensor[];
  /** Weight decay for this group (nanoGPT: 0 for biases and LayerNorm gains, i.e. 1-D tensors). */
  weightDecay?: number;
  /** A fixed learning rate for this group, overriding the optimizer's `lr` (which schedules change). */
  lr?: number;
}

/** An optimizer's complete state: step count and per-parameter buffers (copies, exactly restorable). */
export interface OptimizerState {
  /** 'sgd' or 'adamw'. */
  readonly kind: string;
  /** Number of `step()` calls taken. */
  readonly step: number;
  /** The learning rate at the time of saving. */
  readonly lr: number;
  /** Named buffer lists, one Float32Array per parameter in group order (`m`, `v`, or `momentum`). */
  readonly buffers: Record<string, Float32Array[]>;
}

/** The groups as given, or one group holding a plain list of tensors. */
export function toGroups(params: Tensor[] | ParamGroup[]): ParamGroup[] {
  if (params.length === 0) return [];
  return params.every((p): p is ParamGroup => 'params' in p) ? params : [{ params: params }];
}

/** Copies of the buffers, so later steps cannot change a saved state. */
export function copyBuffers(buffers: Record<string, Float32Array[]>): Record<string, Float32Array[]> {
  return Object.fromEntries(Object.entries(buffers).map(([k, list]) => [k, list.map((b) => b.slice())]));
}

/** Checks a saved state against the live buffers and copies it in; throws naming the mismatch. */
export function restoreBuffers(kind: string, state: OptimizerState, live: Record<string, Float32Array[]>): void {
  if (state.kind !== kind) throw new Error(`loadStateDict: state is from ${state.kind}, this optimizer is ${kind}`);
  for (const [name, list] of Object.entries(live)) {
    const saved = state.buffers[name];
    if (!saved || saved.length !== list.length) {
      throw new Error(`loadStateDict: buffer "${name}" has ${saved?.length ?? 0} entries, expected ${list.length}`);
    }
    list.forEach((buf, i) => {
      if (saved[i]!.length !== buf.length) {
        throw new Error(`loadStateDict: "${name}[${i}]" has ${saved[i]!.length} values, the parameter ${buf.length}`);
      }
      buf.set(saved[i]!);
    });
  }
}
