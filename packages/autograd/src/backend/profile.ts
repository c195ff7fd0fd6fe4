// A backend that times every kernel call of another: where a training step spends its time, per kind of op.

import type { Backend } from './backend.js';

/** One row of a profile: a kernel (an op kind), how often it ran and for how long. */
export interface ProfileRow {
  kernel: string;
  calls: number;
  ms: number;
}

/** A timed backend and its tally. */
export interface BackendProfile {
  /** Install this with `setBackend`: it runs every kernel on the wrapped backend and times it. */
  readonly backend: Backend;
  /** Rows sorted by time, largest first. */
  rows(): ProfileRow[];
  /** Starts the tally over (e.g. after warm-up steps). */
  reset(): void;
}

/**
 * Wraps `inner` so every kernel call is timed with `performance.now()` and tallied by name;
 * storage calls (`alloc`, `free`) are tallied too. Tensors made through the wrapper live in
 * `inner`'s storage, so a program may switch between the two.
 * @example
 * const profile = profileBackend(getBackend());
 * setBackend(profile.backend);
 * trainStep();
 * console.log(formatProfile(profile.rows(), stepMs));
 */
export function profileBackend(inner: Backend): BackendProfile {
  const tally = new Map<string, { calls: number; ms: number }>();
  const wrappers = new Map<PropertyKey, unknown>();
  const backend = new Proxy(inner, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      let wrapped = wrappers.get(key);
      if (!wrapped) {
        const fn = value as (...args: unknown[]) => unknown;
        wrapped = (...args: unknown[]) => {
          const t0 = performance.now();
          try {
            return fn.apply(target, args);
          } finally {
            const entry = tally.get(key) ?? { calls: 0, ms: 0 };
            entry.calls++;
            entry.ms += performance.now() - t0;
            tally.set(key, entry);
          }
        };
        wrappers.set(key, wrapped);
      }
      return wrapped;
    },
  });
  return {
    backend,
    rows: () => [...tally].map(([kernel, t]) => ({ kernel, ...t })).sort((a, b) => b.ms - a.ms),
    reset: () => tally.clear(),
  };
}

/**
 * The profile as a table: each kernel's calls, total and per-call time and share of `totalMs`
 * (the wall time the rows were gathered over), then what the kernels leave over (graph, JS glue).
 */
export function formatProfile(rows: readonly ProfileRow[], totalMs: number): string {
  const kernels = rows.reduce((s, r) => s + r.ms, 0);
  const pct = (ms: number) => (totalMs > 0 ? `${((100 * ms) / totalMs).toFixed(1)} %` : '');
  const lines = [
    `${'kernel'.padEnd(24)}${'calls'.padStart(9)}${'ms'.padStart(11)}${'µs/call'.padStart(10)}${'share'.padStart(9)}`,
  ];
  for (const r of rows) {
    lines.push(
      `${r.kernel.padEnd(24)}${String(r.calls).padStart(9)}${r.ms.toFixed(1).padStart(11)}` +
        `${((1000 * r.ms) / r.calls).toFixed(1).padStart(10)}${pct(r.ms).padStart(9)}`,
    );
  }
  lines.push(
    `${'all kernels'.padEnd(24)}${''.padStart(9)}${kernels.toFixed(1).padStart(11)}${''.padStart(10)}${pct(kernels).padStart(9)}`,
  );
  const rest = Math.max(0, totalMs - kernels);
  lines.push(
    `${'outside kernels'.padEnd(24)}${''.padStart(9)}${rest.toFixed(1).padStart(11)}${''.padStart(10)}${pct(rest).padStart(9)}`,
  );
  return lines.join('\n');
}
