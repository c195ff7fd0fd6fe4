// Public surface of @tinygpt/datasets/moby-dick: the bundled default corpus.
export { loadMobyDick, mobyDickSections, MOBY_DICK_SOURCE } from './moby-dick.js';
export type { MobyDickSection } from './moby-dick.js';
