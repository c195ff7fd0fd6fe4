// The run's one random generator, restorable in place: layers keep a reference to it, so resuming must rewind that same object.
import { Rng } from '@tinygpt/autograd';
import type { RngState } from '@tinygpt/autograd';

/**
 * An {@link Rng} whose state can be replaced after it has been handed out. Every dropout layer
 * keeps the generator it was built with, and building a model draws its initial weights from
 * it; a resumed run builds the model (those draws are then overwritten by the checkpoint's
 * weights) and rewinds the generator to the checkpoint's state with {@link restore}, so dropout
 * masks, batches and samples continue exactly where the interrupted run stood.
 *
 * @example
 * const rng = new RunRng(1337);
 * const model = new Gpt(args, { rng }); // draws the initial weights
 * rng.restore(checkpoint.rng);          // the layers now draw from the saved state
 */
export class RunRng extends Rng {
  private current: Rng;

  constructor(seed: number | string) {
    super(seed);
    this.current = new Rng(seed);
  }

  override random(): number {
    return this.current.random();
  }

  override normal(): number {
    return this.current.normal();
  }

  override int(n: number): number {
    return this.current.int(n);
  }

  override state(): RngState {
    return this.current.state();
  }

  /** Continues from `state` (the output of `state()`), for this object and everyone holding it. */
  restore(state: RngState): void {
    this.current = Rng.fromState(state);
  }
}
