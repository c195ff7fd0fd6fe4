import { Rng, SGD, AdamW } from '@tinygpt/autograd';
import { loadSplits, getBatch } from './src/data.js';
import { createModel, cost, accuracy } from './src/model.js';
import { defaults, presets, parseArch } from './src/config.js';
const t0 = performance.now();
const data = loadSplits({ valImages: 5000, trainImages: 0, testImages: 0 });
console.log('load', ((performance.now() - t0) / 1000).toFixed(2), 's', data.train.count, data.val.count, data.test.count);
for (const name of ['classic', 'modern'] as const) {
  const c = { ...defaults, ...presets[name] };
  const rng = new Rng(1);
  const model = createModel(parseArch(c.arch), c, rng);
  const opt = c.optimizer === 'adam' ? new AdamW(model.parameters(), { lr: c.learningRate, weightDecay: 0 }) : new SGD(model.parameters(), { lr: c.learningRate });
  const steps = name === 'classic' ? 1000 : 200;
  let t = performance.now();
  for (let s = 0; s < steps; s++) {
    const idx = Int32Array.from({ length: c.batchSize }, () => rng.int(data.train.count));
    const { x, labels } = getBatch(data.train, idx);
    const loss = cost(model.forward(x), labels, c.loss);
    opt.zeroGrad(); loss.backward(); opt.step();
    if (s === 20) t = performance.now();
  }
  const per = (performance.now() - t) / (steps - 21);
  console.log(name, 'ms/step', per.toFixed(3), 's/epoch', (per * 55000 / c.batchSize / 1000).toFixed(1));
  t = performance.now();
  console.log('test acc', accuracy(model, data.test), 'eval s', ((performance.now() - t) / 1000).toFixed(2));
}
