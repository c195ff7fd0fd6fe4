// The public surface of @tinygpt/mlp: the transformer feed-forward block and the plain multilayer perceptron.
export { FeedForward } from './feed-forward.js';
export type { FeedForwardConfig, GeluApproximation } from './feed-forward.js';
export { Mlp } from './mlp.js';
export type { Activation, MlpInit, MlpOptions } from './mlp.js';
