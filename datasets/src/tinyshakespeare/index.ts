// Public surface of @tinygpt/datasets/tinyshakespeare: char-rnn's tinyshakespeare, found or downloaded once.
export { loadTinyShakespeare, tinygptCacheDir, TINYSHAKESPEARE_URL, TINYSHAKESPEARE_BYTES } from './tinyshakespeare.js';
export type { TinyShakespeareOptions, LoadedText } from './tinyshakespeare.js';
