// Next-token sampling from logits: softmax with temperature, top-k, top-p and min-p, driven by a seeded RNG.
export { SamplerError } from './sampler-error.js';
export { argmax, entropy, softmax } from './softmax.js';
export { sampleNext, sampleNextWithProbs, type Rng, type SampledToken, type SampleOptions } from './sample-next.js';
export { seededRandom } from './seeded-random.js';
