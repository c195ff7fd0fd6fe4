// Reliability cases of MNIST: a diverging run, or one whose checkpoint cannot be written, stops and keeps its last good
// checkpoint, non-finite weights are never saved nor loaded, a damaged RNG state or a huge PNG is refused.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@tinygpt/autograd';
import { sliceMnist } from '@tinygpt/datasets/mnist';
import { CheckpointError, loadCheckpoint, META_FILE, saveCheckpoint } from '../src/checkpoint.js';
import { defaults, presets } from '../src/config.js';
import type { MnistConfig } from '../src/config.js';
import { loadSplits } from '../src/data.js';
import { checkTrainingMemory, parameterCount, trainingBytes } from '../src/memory.js';
import { createModel } from '../src/model.js';
import { decodePng, encodePng, ImageError, MAX_PNG_PIXELS } from '../src/png.js';
import { train } from '../src/train.js';

const root = mkdtempSync(join(tmpdir(), 'mnist-reliability-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const config: MnistConfig = {
  ...defaults,
  ...presets.modern,
  trainImages: 200,
  valImages: 100,
  testImages: 100,
  epochs: 1,
  seed: 3,
};
const data = loadSplits(config);

describe('a diverging run', () => {
  it('stops on a non-finite loss and keeps the last good checkpoint', async () => {
    const outDir = join(root, 'run');
    await train({ ...config, outDir }, { data });
    const good = readFileSync(join(outDir, META_FILE), 'utf8');
    await expect(
      train(
        { ...config, outDir, learningRate: 1e30, epochs: 2 },
        { data: { ...data, train: sliceMnist(data.train, 0, 200) } },
      ),
    ).rejects.toThrow(
      /the loss became NaN at epoch 1, step \d+; training stopped and the last checkpoint in .*run was kept/,
    );
    expect(readFileSync(join(outDir, META_FILE), 'utf8')).toBe(good);
    expect(loadCheckpoint(outDir).epoch).toBe(1);
  }, 60_000);

  it('stops when a checkpoint cannot be written (a full disk, say), saying which one is kept', async () => {
    const outDir = join(root, 'blocked');
    writeFileSync(`${outDir}.next`, ''); // where each save stages its files: every save is refused
    const kept = 'the checkpoint of epoch 1 was not saved, and none of this run is there yet';
    await expect(train({ ...config, outDir, epochs: 2 }, { data })).rejects.toThrow(
      new RegExp(
        `^\\S*blocked\\.next is in the way \\(a file where a directory is staged while it is replaced\\); .*; ${kept}$`,
      ),
    );
  }, 60_000);
});

describe('non-finite weights', () => {
  const rng = new Rng(1);
  const model = (): ReturnType<typeof createModel> => createModel([784, 12, 10], config, rng);

  it('are never saved', async () => {
    const net = model();
    net.stateDict()['layers.1.bias']!.data[3] = NaN;
    const dir = join(root, 'nan');
    await expect(saveCheckpoint(dir, { model: net, config, epoch: 1, history: [], rng: rng.state() })).rejects.toThrow(
      /not saving to .*: weight "layers\.1\.bias" is NaN; the last checkpoint there was kept/,
    );
  });

  it('are never loaded (a file written by another tool, checksums made to match)', async () => {
    const dir = join(root, 'inf');
    const net = model();
    await saveCheckpoint(dir, { model: net, config, epoch: 1, history: [], rng: rng.state() });
    // Rewrite the weights with an infinity and fix the checksum, as a careless tool would.
    const { encodeSafetensors } = await import('@tinygpt/autograd/safetensors');
    const { createHash } = await import('node:crypto');
    const tensors = Object.fromEntries(
      Object.entries(net.stateDict()).map(([n, t]) => [n, { shape: t.shape, data: t.data.slice() }]),
    );
    tensors['layers.0.weight']!.data[0] = Infinity;
    const bytes = encodeSafetensors(tensors);
    writeFileSync(join(dir, 'model.safetensors'), bytes);
    const meta = JSON.parse(readFileSync(join(dir, META_FILE), 'utf8')) as Record<string, unknown>;
    meta.weightsSha256 = createHash('sha256').update(bytes).digest('hex');
    writeFileSync(join(dir, META_FILE), JSON.stringify(meta));
    expect(() => loadCheckpoint(dir)).toThrow(/holds Infinity in "layers\.0\.weight"; refusing non-finite weights/);
  });

  it('a damaged RNG state in checkpoint.json is refused', async () => {
    const dir = join(root, 'rng');
    await saveCheckpoint(dir, { model: model(), config, epoch: 1, history: [], rng: rng.state() });
    const meta = JSON.parse(readFileSync(join(dir, META_FILE), 'utf8')) as { rng: { alea: { s0: unknown } } };
    meta.rng.alea.s0 = null;
    writeFileSync(join(dir, META_FILE), JSON.stringify(meta));
    expect(() => loadCheckpoint(dir)).toThrow(CheckpointError);
    expect(() => loadCheckpoint(dir)).toThrow(/rng state is missing or damaged/);
  });
});

describe('PNG input', () => {
  /** A valid 1×1 PNG whose header then claims `width`×`height` (the CRC no longer matches; it is never reached). */
  const claiming = (width: number, height: number): Uint8Array => {
    const png = encodePng({ width: 1, height: 1, data: new Uint8Array([0, 0, 0, 255]) });
    const view = new DataView(png.buffer, png.byteOffset);
    view.setUint32(16, width);
    view.setUint32(20, height);
    return png;
  };

  it('a 16000×16000 image is refused from its header, before decoding', () => {
    expect(() => decodePng(claiming(16000, 16000), 'huge.png')).toThrow(
      /huge\.png is 16000×16000 pixels, more than the 16,777,216 read here/,
    );
    expect(MAX_PNG_PIXELS).toBe(4096 * 4096);
  });

  it('damaged data says so in our words, not pngjs internals', () => {
    const png = encodePng({ width: 2, height: 2, data: new Uint8Array(16).fill(200) });
    const damaged = png.slice(0, png.length - 20);
    let message = '';
    try {
      decodePng(damaged, 'cut.png');
    } catch (err) {
      expect(err).toBeInstanceOf(ImageError);
      message = (err as Error).message;
    }
    expect(message).toBe('cut.png is not a readable PNG image (damaged or truncated data)');
  });
});

describe('sizes are checked before anything is allocated', () => {
  it('counts the weights as the network has them', () => {
    const net = createModel([784, 12, 10], config, new Rng(1));
    expect(parameterCount([784, 12, 10])).toBe(net.parameters().reduce((n, p) => n + p.size, 0));
  });

  it('a network that cannot fit is refused at once, with the figure, before the data is read', async () => {
    const huge = { ...config, arch: '784-100000-100000-10' };
    await expect(train(huge, { save: false })).rejects.toThrow(
      new RegExp(
        '^--arch 784-100000-100000-10 with --batch-size 64 needs about 152\\.4 GB \\(10,079,600,010 weights\\), ' +
          'more than the .* available to the (wasm|js) backend',
      ),
    );
  });

  it('a batch larger than the training set counts as the whole set', () => {
    expect(trainingBytes([784, 10], { optimizer: 'sgd', batchSize: 1e9 })).toBe(
      trainingBytes([784, 10], { optimizer: 'sgd', batchSize: 60_000 }),
    );
    expect(() =>
      checkTrainingMemory([784, 10], { arch: '784-10', optimizer: 'adam', batchSize: 1e9 }, 2 ** 30),
    ).not.toThrow();
  });
});
