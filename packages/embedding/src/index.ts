// The public surface of @tinygpt/embedding: token and position embeddings and the unembedding (lm head).
export { TokenEmbedding } from './token-embedding.js';
export type { TokenEmbeddingConfig } from './token-embedding.js';
export { PositionEmbedding } from './position-embedding.js';
export type { PositionEmbeddingConfig } from './position-embedding.js';
export { Unembedding } from './unembedding.js';
