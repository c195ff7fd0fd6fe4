// Public surface of @tinygpt/datasets/mnist: the IDX parser and the MNIST loader.
export { parseIdx, encodeIdx, IDX_DTYPES } from './idx.js';
export type { IdxArray, IdxDtype } from './idx.js';
export {
  loadMnist,
  mnistDataDir,
  splitValidation,
  sliceMnist,
  MNIST_IMAGES_MAGIC,
  MNIST_LABELS_MAGIC,
  MNIST_FILES,
} from './mnist.js';
export type { MnistSet, MnistSplit, LoadMnistOptions } from './mnist.js';
