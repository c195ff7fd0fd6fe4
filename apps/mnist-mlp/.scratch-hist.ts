import { defaults, presets } from './src/config.js';
import { train } from './src/train.js';
const config = { ...defaults, ...presets.classic, learningRate: 3, trainImages: 2000, valImages: 1000, testImages: 1000, epochs: 5, seed: 42 };
const { history } = await train(config, { save: false });
console.log(history);
