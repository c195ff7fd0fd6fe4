// The messages between the page and the GPT worker, one union each way, so both sides are type-checked against the same shapes.
import type { TrainConfig } from '@tinygpt/char-gpt/browser';

/** Files of a checkpoint or exchange directory, by file name. */
export type DirFiles = Record<string, Uint8Array>;

/** Sampling knobs shared by the distribution view and generation. */
export interface SampleKnobs {
  temperature: number;
  /** 0 = no top-k filter. */
  topK: number;
  /** 1 = no top-p filter. */
  topP: number;
}

/** Page → worker. Requests carrying an `id` are answered by a reply with the same `id`. */
export type ToWorker =
  | { type: 'init'; threads: number }
  | { type: 'train'; config: TrainConfig; text: string; corpusName: string }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'restore'; id: number }
  | { type: 'forget'; id: number }
  | { type: 'export'; id: number }
  | { type: 'open'; id: number; files: DirFiles; name: string }
  | { type: 'dist'; id: number; prompt: string; knobs: SampleKnobs }
  | { type: 'generate'; id: number; prompt: string; maxNewTokens: number; knobs: SampleKnobs; seed: number }
  | { type: 'stopGenerate' }
  | { type: 'attention'; id: number; prompt: string };

/** A next-token distribution as the page draws it (the worker, which has the tokenizer, labels it). */
export interface Distribution {
  /** The most probable tokens, most probable first. */
  bars: { id: number; label: string; p: number }[];
  /** The probability of every other token. */
  rest: number;
  /** In nats, over the whole distribution. */
  entropy: number;
}

/** What the page knows about the model the worker holds. */
export interface ModelInfo {
  iter: number;
  maxIters: number;
  params: number;
  /** The model's vocabulary (GPT-2's 50,257 tokens padded to 50,304 for a model pretrained here). */
  vocabSize: number;
  blockSize: number;
  nLayer: number;
  nHead: number;
  /** `char` (the corpus's characters) or `gpt2` (GPT-2's byte-pair tokens). */
  tokenizer: 'char' | 'gpt2';
  /** The corpus the model was trained on, as its checkpoint names it (an exchange directory, which records none: its name). */
  source: string;
  /** Where the model came from: trained in this page, or an opened checkpoint or exchange directory (and its name). */
  origin: ModelOrigin;
  /** Whether training can continue (a run with its corpus). */
  trainable: boolean;
}

/** A model trained in the page, or one opened from a `pnpm pretrain` checkpoint or a `pnpm export` exchange directory. */
export type ModelOrigin = { kind: 'run' } | { kind: 'checkpoint' | 'exchange'; name: string };

/** The history of a run, kept by the worker so a reloaded page can redraw it. */
export interface RunHistory {
  steps: [iter: number, loss: number][];
  evals: [iter: number, train: number, val: number][];
  samples: [iter: number, text: string][];
}

/** Worker → page. */
export type FromWorker =
  | { type: 'ready'; threads: number; isolated: boolean }
  | { type: 'model'; info: ModelInfo; history: RunHistory; state: RunState }
  | { type: 'step'; iter: number; loss: number; ms: number; tokensPerSec: number }
  | { type: 'eval'; iter: number; train: number; val: number }
  | { type: 'sample'; iter: number; text: string }
  | { type: 'state'; state: RunState; iter: number; saved: boolean }
  /**
   * One generated token: `text` is what it completes (possibly '' while a multi-byte character is
   * split across tokens), `label` the token itself, `dist` the distribution it was drawn from. The
   * generate request's reply is the text still held back at the end.
   */
  | { type: 'token'; id: number; token: number; text: string; label: string; dist: Distribution }
  | { type: 'error'; message: string; id?: number }
  | { type: 'reply'; id: number; value: unknown };

/** Where the worker's run stands. */
export type RunState = 'empty' | 'training' | 'paused' | 'stopped' | 'finished' | 'loaded';
