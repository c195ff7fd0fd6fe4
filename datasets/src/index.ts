// Public surface of @tinygpt/datasets: every dataset at once (each is also its own subpath, e.g. @tinygpt/datasets/mnist).
export * from './text/index.js';
export * from './mnist/index.js';
export * from './moby-dick/index.js';
export * from './tinyshakespeare/index.js';
