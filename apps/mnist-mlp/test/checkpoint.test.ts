// Checkpoints round-trip exactly, and every way a checkpoint can be broken is one clear error.
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { noGrad, Rng, tensor } from '@tinygpt/autograd';
import { CliError } from '@tinygpt/cli-kit';
import {
  CheckpointError,
  loadCheckpoint,
  META_FILE,
  recoverCheckpointDir,
  saveCheckpoint,
  WEIGHTS_FILE,
} from '../src/checkpoint.js';
import { defaults } from '../src/config.js';
import { createModel } from '../src/model.js';
import type { EpochMetrics } from '../src/train.js';

const root = mkdtempSync(join(tmpdir(), 'mnist-checkpoint-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const config = { ...defaults, arch: '784-12-10', activation: 'tanh' as const, loss: 'cross-entropy' as const, seed: 5 };
const history: EpochMetrics[] = [{ epoch: 1, trainLoss: 0.5, valAccuracy: 0.9, testAccuracy: 0.89, seconds: 1.5 }];

async function saved(
  name: string,
  epoch = 1,
): Promise<{ dir: string; model: ReturnType<typeof createModel>; rng: Rng }> {
  const dir = join(root, name);
  const rng = new Rng(config.seed);
  const model = createModel([784, 12, 10], config, rng);
  await saveCheckpoint(dir, { model, config, epoch, history, rng: rng.state(), backend: 'wasm (2 threads)' });
  return { dir, model, rng };
}

describe('checkpoint', () => {
  it('round-trips weights, config, history and RNG state bit for bit', async () => {
    const { dir, model, rng } = await saved('good');
    const loaded = loadCheckpoint(dir);
    expect(loaded.config).toEqual(config);
    expect(loaded.epoch).toBe(1);
    expect(loaded.backend).toBe('wasm (2 threads)');
    expect(loaded.history).toEqual(history);
    expect(Rng.fromState(loaded.rng).random()).toBe(rng.random());
    const names = Object.keys(model.stateDict());
    expect(names).toEqual(['layers.0.weight', 'layers.0.bias', 'layers.1.weight', 'layers.1.bias']);
    for (const name of names) expect(loaded.model.stateDict()[name]!.data).toEqual(model.stateDict()[name]!.data);
    const x = tensor(
      Float32Array.from({ length: 2 * 784 }, (_, i) => (i % 7) / 7),
      [2, 784],
    );
    expect(noGrad(() => loaded.model.forward(x)).data).toEqual(noGrad(() => model.forward(x)).data);
  });

  it('a missing directory names what to do', () => {
    expect(() => loadCheckpoint(join(root, 'nothing-here'))).toThrow(
      /no checkpoint in .*nothing-here: checkpoint\.json is missing/,
    );
  });

  it('a missing weights file', async () => {
    const { dir } = await saved('no-weights');
    rmSync(join(dir, WEIGHTS_FILE));
    expect(() => loadCheckpoint(dir)).toThrow(CheckpointError);
    expect(() => loadCheckpoint(dir)).toThrow(/model\.safetensors is missing/);
  });

  it('corrupt JSON', async () => {
    const { dir } = await saved('bad-json');
    writeFileSync(join(dir, META_FILE), '{"format": "tinygpt-mnist-mlp/1", ');
    expect(() => loadCheckpoint(dir)).toThrow(/checkpoint/);
  });

  it('JSON of something else', async () => {
    const { dir } = await saved('other-json');
    writeFileSync(join(dir, META_FILE), '{"hello": "world"}');
    expect(() => loadCheckpoint(dir)).toThrow(/not a tinygpt MNIST checkpoint: format is undefined/);
  });

  it('an invalid config inside', async () => {
    const { dir } = await saved('bad-config');
    const json = JSON.parse(readFileSync(join(dir, META_FILE), 'utf8')) as { config: { arch: string } };
    json.config.arch = '784-x-10';
    writeFileSync(join(dir, META_FILE), JSON.stringify(json));
    expect(() => loadCheckpoint(dir)).toThrow(/its config is invalid: --arch must be layer sizes/);
  });

  it('a backend that is not a description, and none at all', async () => {
    const { dir } = await saved('bad-backend');
    const json = JSON.parse(readFileSync(join(dir, META_FILE), 'utf8')) as { backend?: unknown };
    writeFileSync(join(dir, META_FILE), JSON.stringify({ ...json, backend: 2 }));
    expect(() => loadCheckpoint(dir)).toThrow(/not a tinygpt MNIST checkpoint: backend is not a string/);
    delete json.backend; // a checkpoint that does not say which kernels trained it still loads
    writeFileSync(join(dir, META_FILE), JSON.stringify(json));
    expect(loadCheckpoint(dir).backend).toBeUndefined();
  });

  it('weights from a different save (checksum mismatch)', async () => {
    const { dir } = await saved('mixed');
    const other = await saved('mixed-other');
    writeFileSync(
      join(dir, WEIGHTS_FILE),
      readFileSync(join(other.dir, WEIGHTS_FILE)).map((b, i) => (i === 200 ? b ^ 1 : b)),
    );
    expect(() => loadCheckpoint(dir)).toThrow(/does not match checkpoint\.json \(checksum differs\)/);
  });

  it('truncated weights', async () => {
    const { dir } = await saved('truncated');
    const bytes = readFileSync(join(dir, WEIGHTS_FILE));
    writeFileSync(join(dir, WEIGHTS_FILE), bytes.subarray(0, 100));
    expect(() => loadCheckpoint(dir)).toThrow(CheckpointError);
  });

  it('a save that cannot finish (a full disk, say) leaves the previous checkpoint whole', async () => {
    const { dir } = await saved('full');
    writeFileSync(`${dir}.next`, ''); // where the new files are staged: every write there fails
    await expect(saved('full', 2)).rejects.toThrow(CliError);
    expect(loadCheckpoint(dir).epoch).toBe(1);
  });

  it('a save killed between its renames: readers get the new checkpoint whole, the next writer finishes it', async () => {
    const [{ dir: older }, { dir: newer }] = [await saved('swap-old'), await saved('swap-new', 2)];
    const dir = join(root, 'killed');
    renameSync(older, `${dir}.prev`); // the old contents retired,
    renameSync(newer, `${dir}.next`); // the new ones complete, not yet in place
    expect(loadCheckpoint(dir).epoch).toBe(2);
    recoverCheckpointDir(dir);
    expect(loadCheckpoint(dir).epoch).toBe(2);
    expect([existsSync(`${dir}.next`), existsSync(`${dir}.prev`)]).toEqual([false, false]);
  });

  it("pictures beside the checkpoint (visualize's) stay through later saves", async () => {
    const { dir } = await saved('pictures');
    writeFileSync(join(dir, 'weights.png'), 'png');
    await saved('pictures', 2);
    expect(readdirSync(dir).sort()).toEqual([META_FILE, WEIGHTS_FILE, 'weights.png'].sort());
    expect(readFileSync(join(dir, 'weights.png'), 'utf8')).toBe('png');
    expect(existsSync(`${dir}.prev`)).toBe(false);
  });
});
