// What a training run reports as it goes; the CLI turns these into a progress bar, log lines or JSON, tests into arrays.

/** Facts about a run, reported once before the first step. */
export interface StartInfo {
  /** Parameters without position embeddings, as nanoGPT counts them. */
  params: number;
  /** Where the parameters and the work are. */
  split: ParameterSplit;
  /** `char` or `gpt2`. */
  tokenizer: string;
  /** The tokenizer's ids. */
  vocabSize: number;
  /** Rows of the model's embedding and lm head (GPT-2's vocabulary is padded: 50,304). */
  modelVocabSize: number;
  /** Milliseconds spent encoding the corpus. */
  encodeMs: number;
  corpus: { name: string; source: string; characters: number; tokens: number };
  trainTokens: number;
  valTokens: number;
  /** Tokens per optimizer step: batchSize · blockSize · gradAccum. */
  tokensPerIter: number;
  /** Iteration the run starts at (above 0 when resumed). */
  startIter: number;
  maxIters: number;
  resumed: boolean;
  /** A resumed run's checkpoint's corpus, which may not be this run's. */
  checkpointCorpus?: { name: string; characters: number };
}

/** Parameters by part of the model, and the lm head's share of the work. */
export interface ParameterSplit {
  /** Token embedding = lm head (tied): vocabSize · nEmbd. */
  embedding: number;
  /** Position embedding: blockSize · nEmbd. */
  position: number;
  /** The transformer blocks and the final LayerNorm. */
  blocks: number;
  /** Fraction of a token's forward multiply-adds spent in the lm head (0–1). */
  lmHeadShare: number;
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
  /** Progress of encoding the corpus (characters done of total); only for a tokenizer slower than characters. */
  encoding?(done: number, total: number): void;
  start?(info: StartInfo): void;
  step?(info: StepInfo): void;
  evaluation?(info: EvalInfo): void;
  /** A short sample generated at an evaluation. */
  sample?(text: string, iter: number): void;
  /**
   * A checkpoint was written to `dir` (at an evaluation, or `interrupted`), or, with `kept`
   * (--no-always-save-checkpoint), was not: `dir` still holds iteration `iter`, the best so far.
   */
  checkpoint?(info: CheckpointInfo): void;
}

/** What {@link TrainEvents.checkpoint} reports. */
export interface CheckpointInfo {
  /** The iteration the checkpoint in `dir` holds. */
  iter: number;
  dir: string;
  /** Ctrl-C (or SIGTERM, or a closed output) stopped the run here. */
  interrupted: boolean;
  /** Nothing was written: the checkpoint holds the run's best val loss, `bestValLoss`, and stays. */
  kept?: boolean;
  bestValLoss?: number | null;
}
