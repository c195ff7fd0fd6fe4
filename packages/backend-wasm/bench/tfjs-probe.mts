import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
await tf.setBackend('wasm');
await tf.ready();
console.log(tf.getBackend(), tf.env().getFlags());
const a = tf.randomNormal([512, 512]), b = tf.randomNormal([512, 512]);
for (let r = 0; r < 10; r++) { const t = performance.now(); for (let i = 0; i < 10; i++) { const c = tf.matMul(a, b); c.dataSync(); c.dispose(); } console.log((2 * 512 ** 3 * 10 / (performance.now() - t) / 1e6).toFixed(1)); }
