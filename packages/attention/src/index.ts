// The public surface of @tinygpt/attention: causal multi-head self-attention and its KV cache.
export { CausalSelfAttention } from './causal-self-attention.js';
export type { AttentionConfig } from './causal-self-attention.js';
export { KvCache } from './kv-cache.js';
export { causalMask } from './causal-mask.js';
