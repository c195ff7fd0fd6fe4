// Learning-rate schedules as functions of the iteration number: constant, and nanoGPT's warmup + cosine.

/** Options of `cosineLr`, named as nanoGPT's config. */
export interface CosineLrOptions {
  /** Peak learning rate, reached at the end of warmup. */
  learningRate: number;
  /** Floor the cosine decays to, and the rate after `lrDecayIters`. */
  minLr: number;
  /** Iterations of linear warmup. */
  warmupIters: number;
  /** Iteration at which the decay reaches `minLr`. */
  lrDecayIters: number;
}

/**
 * nanoGPT's `get_lr`: linear warmup lr·(it + 1)/(warmup + 1), then cosine decay from lr to
 * minLr until lrDecayIters, then minLr.
 * @example const lrAt = cosineLr({ learningRate: 1e-3, minLr: 1e-4, warmupIters: 100, lrDecayIters: 5000 });
 */
export function cosineLr(opts: CosineLrOptions): (iter: number) => number {
  const { learningRate, minLr, warmupIters, lrDecayIters } = opts;
  return (it) => {
    if (it < warmupIters) return (learningRate * (it + 1)) / (warmupIters + 1);
    if (it > lrDecayIters || lrDecayIters <= warmupIters) return minLr;
    const ratio = (it - warmupIters) / (lrDecayIters - warmupIters);
    const coeff = 0.5 * (1 + Math.cos(Math.PI * ratio));
    return minLr + coeff * (learningRate - minLr);
  };
}

/** The same learning rate at every iteration. */
export function constantLr(lr: number): (iter: number) => number {
  return () => lr;
}
