// Public surface of @tinygpt/datasets/text: loading, checking, measuring and splitting text corpora.
export { DatasetError } from './dataset-error.js';
export { loadTextFile, firstInvalidUtf8, DEFAULT_MAX_TEXT_BYTES } from './load-text-file.js';
export type { LoadTextFileOptions } from './load-text-file.js';
export { textStats } from './text-stats.js';
export type { TextStats } from './text-stats.js';
export { splitText } from './split-text.js';
export { resolveCorpus, unknownCorpus, CORPUS_NAMES } from './resolve-corpus.js';
export type { Corpus, CorpusName } from './resolve-corpus.js';
