// What the page keeps on `window.tinygptPlayground` for its browser tests and for poking at in the console: the run's
// history and the last attention maps.
import type { ModelInfo, RunHistory } from './gpt/protocol.js';

/** The live objects the views draw from (the test reads numbers here rather than from pixels). */
export interface PlaygroundHooks {
  history?: RunHistory;
  info?: ModelInfo;
  attention?: { ids: Int32Array; tokens: string[]; maps: Float32Array[] };
  /** Wall time of each training step this page has seen, in ms (the bench reads it). */
  stepMs?: number[];
  /** The text generated so far by the Sample tab's last Generate (without the prompt), as streamed. */
  generated?: string;
  /** The token ids of that text. */
  generatedIds?: number[];
}

/** The one hooks object, also reachable as `window.tinygptPlayground`. */
export const hooks: PlaygroundHooks = {};
(globalThis as unknown as { tinygptPlayground: PlaygroundHooks }).tinygptPlayground = hooks;
