// The base of every layer: a tree of named parameters and sub-modules found from the object's own fields.

import type { Shape } from '../shape.js';
import { sameShape, showShape } from '../shape.js';
import { Tensor } from '../tensor.js';

/** A saved tensor without graph: what `loadStateDict` accepts besides live tensors. */
export interface TensorLike {
  readonly shape: Shape;
  readonly data: Float32Array;
}

/**
 * A neural-network layer. Parameters are the own fields holding a `Tensor` with `requiresGrad`;
 * sub-modules are own fields holding a `Module` or an array of them. Names follow the fields,
 * dotted, arrays by position: `"h.0.attn.cAttn.weight"`.
 * @example
 * class Mlp extends Module {
 *   fc = new Linear(4, 8, { rng });
 *   proj = new Linear(8, 1, { rng });
 *   forward(x: Tensor) { return this.proj.forward(this.fc.forward(x).relu()); }
 * }
 */
export abstract class Module {
  /** Training mode (dropout active) or evaluation mode; set with `train()`/`eval()`. */
  training = true;

  /** Direct children with their field names: parameters and sub-modules, in declaration order. */
  private children(): { params: [string, Tensor][]; modules: [string, Module][] } {
    const params: [string, Tensor][] = [];
    const modules: [string, Module][] = [];
    for (const [key, value] of Object.entries(this)) {
      if (value instanceof Tensor) {
        if (value.requiresGrad) params.push([key, value]);
      } else if (value instanceof Module) {
        modules.push([key, value]);
      } else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Module)) {
        value.forEach((m, i) => modules.push([`${key}.${i}`, m]));
      }
    }
    return { params, modules };
  }

  /** Every parameter under every name it is reachable by (tied weights appear once per name). */
  private allNamedParameters(prefix = ''): [string, Tensor][] {
    const { params, modules } = this.children();
    const out: [string, Tensor][] = params.map(([k, t]) => [prefix + k, t]);
    // One push per entry: spreading a deep model's hundreds of thousands of entries as arguments overflows the stack.
    for (const [k, m] of modules) for (const entry of m.allNamedParameters(`${prefix}${k}.`)) out.push(entry);
    return out;
  }

  /** Parameters with dotted names, in declaration order; a tensor shared by two names appears once, under the first. */
  namedParameters(): [string, Tensor][] {
    const seen = new Set<Tensor>();
    const out: [string, Tensor][] = [];
    for (const [name, t] of this.allNamedParameters()) {
      if (seen.has(t)) continue;
      seen.add(t);
      out.push([name, t]);
    }
    return out;
  }

  /** The parameters, each once, in the order of `namedParameters()` (found without building their names). */
  parameters(): Tensor[] {
    const out: Tensor[] = [];
    this.collectParameters(out, new Set());
    return out;
  }

  /** Appends this module's parameters not in `seen`, then its sub-modules', as `children()` orders them. */
  private collectParameters(out: Tensor[], seen: Set<Tensor>): void {
    const modules: Module[] = [];
    for (const key of Object.keys(this)) {
      const value: unknown = (this as Record<string, unknown>)[key];
      if (value instanceof Tensor) {
        if (value.requiresGrad && !seen.has(value)) {
          seen.add(value);
          out.push(value);
        }
      } else if (value instanceof Module) {
        modules.push(value);
      } else if (Array.isArray(value) && value.length > 0 && value.every((v) => v instanceof Module)) {
        for (const m of value as Module[]) modules.push(m);
      }
    }
    for (const m of modules) m.collectParameters(out, seen);
  }

  /** This module (named "") and every sub-module, depth first, with dotted names. */
  namedModules(prefix = ''): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [k, m] of this.children().modules) {
      for (const entry of m.namedModules(prefix ? `${prefix}.${k}` : k)) out.push(entry);
    }
    return out;
  }

  /** Sets training mode on this module and all below it. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /** Evaluation mode (`train(false)`): dropout becomes the identity. */
  eval(): this {
    return this.train(false);
  }

  /** The parameters by name (the live tensors, not copies). */
  stateDict(): Record<string, Tensor> {
    return Object.fromEntries(this.namedParameters());
  }

  /**
   * Copies values into the parameters by name. A shape mismatch always throws; with `strict`
   * (default) a missing or unexpected key throws too. Each error names the key.
   */
  loadStateDict(state: Record<string, TensorLike>, opts: { strict?: boolean } = {}): void {
    const strict = opts.strict ?? true;
    const byName = new Map(this.allNamedParameters());
    for (const [name, src] of Object.entries(state)) {
      const dst = byName.get(name);
      if (!dst) {
        if (strict) throw new Error(`loadStateDict: unexpected key "${name}"`);
        continue;
      }
      if (!sameShape(dst.shape, src.shape) || src.data.length !== dst.size) {
        throw new Error(
          `loadStateDict: "${name}" has shape ${showShape(src.shape)}, the model expects ${showShape(dst.shape)}`,
        );
      }
    }
    if (strict) {
      for (const [name, t] of this.namedParameters()) {
        const aliases = [...byName].filter(([, u]) => u === t).map(([n]) => n);
        if (!aliases.some((n) => n in state)) throw new Error(`loadStateDict: missing key "${name}"`);
      }
    }
    for (const [name, src] of Object.entries(state)) byName.get(name)?.data.set(src.data);
  }

  /**
   * Frees every parameter (data and gradient). Parameters are long-lived: no `tidy` scope frees
   * them, so a model that is done with calls this (on the wasm backend their memory is otherwise
   * never reused). The module cannot be used afterwards.
   */
  dispose(): void {
    for (const p of this.parameters()) p.dispose();
  }

  /** Drops every parameter's gradient. */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }
}
