// What a training run reports as it goes; the CLI turns these into a progress bar, log lines or JSON, tests into arrays.

/** Facts about a run, reported once before the first step. */
export interface StartInfo {
  /** Parameters without position embeddings, as nanoGPT counts them. */
  params: number;
  vocabSize: number;
  corpus: { name: string; source: string; characters: number };
  trainTokens: number;
  valTokens: number;
  /** Tokens per optimizer step: batchSize · blockSize · gradAccum. */
  tokensPerIter: number;
  /** Iteration the run starts at (above 0 when resumed). */
  startIter: number;
  maxIters: number;
  resumed: boolean;
}

/** One optimizer step. */
export interface StepInfo {
  iter: number;
  /** Mean loss of the step's micro-batches. */
  loss: number;
  lr: number;
  /** Wall time of the step in milliseconds. */
  ms: number;
}

/** One evaluation. */
export interface EvalInfo {
  iter: number;
  trainLoss: number;
  valLoss: number;
}

/** Receivers of a run's progress; every method is optional. */
export interface TrainEvents {
  start?(info: StartInfo): void;
  step?(info: StepInfo): void;
  evaluation?(info: EvalInfo): void;
  /** A short sample generated at an evaluation. */
  sample?(text: string, iter: number): void;
  checkpoint?(info: { iter: number; dir: string; interrupted: boolean }): void;
}
