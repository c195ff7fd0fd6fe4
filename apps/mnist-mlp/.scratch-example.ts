import { loadMnist } from '@tinygpt/datasets/mnist';
import { defaults, presets } from './src/config.js';
import { train } from './src/train.js';
import { predictDigit, formatPrediction } from './src/predict.js';

// The video's network (784-16-16-10, sigmoid, squared-difference cost, plain SGD), briefly:
// 5 epochs over 2,000 images instead of 30 over 55,000, so a larger step.
const config = { ...defaults, ...presets.classic, learningRate: 3, epochs: 5, trainImages: 2000, valImages: 1000, testImages: 1000 };
const { model, history } = await train(config, { save: false });
for (const m of history) {
  console.log(`epoch ${m.epoch}  cost ${m.trainLoss.toFixed(3)}  test accuracy ${(100 * m.testAccuracy).toFixed(1)}%`);
}

// Which output neuron lights up for the first test image?
const test = loadMnist({ split: 'test', limit: 1 });
const result = predictDigit(model, config.loss, test.images);
console.log(`label ${test.labels[0]}, prediction ${result.prediction}`);
console.log(formatPrediction(result, 20));
