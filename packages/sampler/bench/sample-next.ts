// Times sampleNext on GPT-2-sized logits (V = 50,257) against a full-sort reference and a plain softmax, in the same run.
import { sampleNext, seededRandom, softmax, type SampleOptions } from '../src/index.js';

const V = 50257;
const rng = seededRandom('bench');
/** Logits like a trained model's: N(0, 3²), so a few hundred tokens hold most of the mass. */
const logits = Float32Array.from(
  { length: V },
  () => 3 * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()),
);
/** Logits like an untrained model's: nearly uniform, the worst case for top-p. */
const flat = Float32Array.from({ length: V }, () => 0.01 * (rng() - 0.5));

/** The obvious implementation: full softmax, sort every token, cut, renormalize, walk the CDF. */
function sortedReference(
  row: Float32Array,
  { rng: random, temperature = 1, topK, topP, minP = 0 }: SampleOptions,
): number {
  const probs = softmax(row, temperature);
  const order = [...probs.keys()].sort((a, b) => probs[b]! - probs[a]! || a - b);
  let kept = topK === undefined ? order : order.slice(0, topK);
  if (topP !== undefined) {
    const mass = kept.reduce((s, id) => s + probs[id]!, 0);
    let c = 0;
    kept = kept.slice(0, kept.findIndex((id) => (c += probs[id]!) >= topP * mass) + 1);
  }
  kept = kept.filter((id) => probs[id]! >= minP * probs[kept[0]!]!);
  const total = kept.reduce((s, id) => s + probs[id]!, 0);
  let target = random() * total;
  for (const id of kept) if ((target -= probs[id]!) < 0) return id;
  return kept[kept.length - 1]!;
}

/** Median microseconds per call of `fn` over `rounds` rounds of `calls` calls. */
function time(fn: () => unknown, calls = 50, rounds = 7): number {
  for (let i = 0; i < calls; i++) fn(); // warm up
  const perCall: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    for (let i = 0; i < calls; i++) fn();
    perCall.push(((performance.now() - start) * 1000) / calls);
  }
  return perCall.sort((a, b) => a - b)[rounds >> 1]!;
}

const softmaxUs = time(() => softmax(logits, 0.8));
console.log(
  `V = ${V}; one softmax(logits, 0.8) pass: ${softmaxUs.toFixed(0)} µs (the floor: every option must read every logit)\n`,
);
console.log('| logits | options | sampleNext µs | full-sort reference µs | speed-up | vs one softmax |');
console.log('| --- | --- | --- | --- | --- | --- |');
const cases: [string, Float32Array, Omit<SampleOptions, 'rng'>][] = [
  ['peaked', logits, { temperature: 0 }],
  ['peaked', logits, { temperature: 0.8 }],
  ['peaked', logits, { temperature: 0.8, minP: 0.05 }],
  ['peaked', logits, { temperature: 0.8, topK: 200 }],
  ['peaked', logits, { temperature: 0.8, topK: 40, topP: 0.9 }],
  ['peaked', logits, { temperature: 0.8, topP: 0.9 }],
  ['flat', flat, { topP: 0.9 }],
];
for (const [name, row, options] of cases) {
  const fast = time(() => sampleNext(row, { rng, ...options }));
  const slow = time(() => sortedReference(row, { rng, ...options }), 5, 5);
  const label = JSON.stringify(options).replaceAll('"', '');
  console.log(
    `| ${name} | ${label} | ${fast.toFixed(0)} | ${slow.toFixed(0)} | ${(slow / fast).toFixed(1)}× | ${(fast / softmaxUs).toFixed(2)}× |`,
  );
}
