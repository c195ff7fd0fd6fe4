// The playground in real Chromium with models the CLIs wrote: a `pnpm pretrain` checkpoint and its `pnpm export`
// directory write the CLI's greedy text (characters and GPT-2 tokens), temperature moves the shown distribution, a
// clicked character shows the distribution it was drawn from, attention is causal, and the digit network trains in the
// page and reads real MNIST digits drawn as strokes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMnist } from '@tinygpt/datasets/mnist';
import { BpeTokenizer } from '@tinygpt/tokenizer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlaygroundHooks } from '../src/test-hooks.js';
import {
  appDir,
  cliGreedy,
  generateText,
  haveChromium,
  hooks,
  openPage,
  pnpm,
  shot,
  startPlayground,
} from './harness.js';
import type { Playground } from './harness.js';

const scratch = mkdtempSync(join(tmpdir(), 'playground-test-'));

describe.skipIf(!haveChromium)('playground in Chromium', () => {
  let playground: Playground;
  beforeAll(async () => {
    playground = await startPlayground({ built: true });
  });
  afterAll(async () => {
    await playground?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('a pnpm pretrain checkpoint opens; greedy text equals the CLI; temperature moves the entropy; attention is causal', async () => {
    // Moby Dick's first 400 characters a hundred times: in 300 steps the model's greedy text is words, not the
    // spaces an untrained model writes, so it equals the CLI's only if every weight arrived.
    const moby = readFileSync(join(appDir, 'public/generated/moby-dick.txt'), 'utf8');
    const start = moby.indexOf('Call me Ishmael.');
    const corpus = join(scratch, 'corpus.txt');
    writeFileSync(corpus, moby.slice(start, start + 400).repeat(100));
    const dir = join(scratch, 'ckpt');
    // prettier-ignore
    pnpm('pretrain', ['--data', corpus, '--out-dir', dir, '--n-layer', '2', '--n-head', '2', '--n-embd', '32', '--block-size', '32',
      '--batch-size', '16', '--max-iters', '300', '--learning-rate', '0.01', '--warmup-iters', '0', '--eval-interval', '300',
      '--eval-iters', '2', '--sample-chars', '0', '--json']);
    const prompt = 'Call me Ishmael. ';
    const expected = cliGreedy(dir, prompt, 120);
    expect(expected).toHaveLength(120);
    expect(new Set(expected).size).toBeGreaterThan(8); // words, not one character over and over

    const { page, errors } = await openPage(playground, '?tab=sample');
    await page.setInputFiles(
      '[data-testid=open-files]',
      ['checkpoint.json', 'model.safetensors', 'optimizer.safetensors'].map((f) => join(dir, f)),
    );
    await page.waitForFunction(
      () => (window as unknown as { tinygptPlayground: PlaygroundHooks }).tinygptPlayground.info,
    );
    await page.click('[data-testid=tab-sample]');
    await page.fill('[data-testid=prompt]', prompt);
    await page.fill('[data-testid=temperature]', '0');
    await page.fill('[data-testid=length]', '120');
    await generateText(page);
    expect(await hooks(page, (h) => h.generated)).toBe(expected);

    // The same model as a `pnpm export` exchange directory, opened as a folder, writes the same text.
    const exchange = join(scratch, 'exchange');
    pnpm('export', ['--checkpoint', dir, '--out', exchange]);
    await page.click('[data-testid=tab-train]');
    await page.setInputFiles('[data-testid=open-dir]', exchange);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=train-status]')?.textContent?.includes('exchange'),
    );
    await page.click('[data-testid=tab-sample]');
    await generateText(page);
    expect(await hooks(page, (h) => h.generated)).toBe(expected);

    const entropyAt = async (t: string): Promise<number> => {
      await page.fill('[data-testid=temperature]', t);
      await page.waitForFunction(
        (want) => {
          const caption = document.querySelector('[data-testid=dist-caption]')?.textContent ?? '';
          return caption.startsWith('next ') && caption.endsWith(`temperature ${want}`);
        },
        String(Number(t)),
      );
      return Number(await page.getAttribute('[data-testid=dist-caption]', 'data-entropy'));
    };
    const cold = await entropyAt('0.2');
    const hot = await entropyAt('1.5');
    expect(hot).toBeGreaterThan(cold + 0.5);

    // A generated character, clicked, shows the distribution it was drawn from: the one after the prompt and the
    // characters before it, at the generation's temperature (the slider since moved).
    await entropyAt('0.8');
    await generateText(page);
    const generated = (await hooks(page, (h) => h.generated))!;
    expect(generated).toHaveLength(120);
    await entropyAt('1.5');
    const k = 40;
    await page.click(`[data-testid=generated] span:not(.prompt) >> nth=${k}`);
    const caption = (await page.textContent('[data-testid=dist-caption]'))!;
    expect(caption).toMatch(/^distribution ".*" was drawn from · entropy \d\.\d{3} nats · temperature 0\.8$/);
    expect(caption).toContain(`"${generated[k]!.replace(' ', '␣').replace('\n', '⏎')}" was drawn from`);
    const clicked = Number(await page.getAttribute('[data-testid=dist-caption]', 'data-entropy'));
    await page.screenshot({ path: shot('sample.png') });
    await page.fill('[data-testid=prompt]', prompt + generated.slice(0, k));
    expect(await entropyAt('0.8')).toBeCloseTo(clicked, 5);

    await page.click('[data-testid=tab-attention]');
    await page.fill('[data-testid=attention-prompt]', 'Call me Ishmael.');
    await page.click('[data-testid=attention-show]');
    await page.waitForFunction(
      () =>
        (window as unknown as { tinygptPlayground: PlaygroundHooks }).tinygptPlayground.attention?.ids.length === 16,
    );
    const maps = await hooks(page, (h) => h.attention!.maps.map((m) => Array.from(m)));
    expect(maps).toHaveLength(2); // layers
    const T = 16;
    for (const layer of maps) {
      expect(layer).toHaveLength(2 * T * T); // 2 heads
      for (let r = 0; r < 2 * T; r++) {
        const row = layer.slice(r * T, (r + 1) * T);
        const t = r % T;
        expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
        expect(row.slice(t + 1).every((v) => v === 0)).toBe(true);
      }
    }
    await page.hover('[data-testid=head-0-0]', { position: { x: 100, y: 150 } });
    expect(await page.textContent('[data-testid=attention-readout]')).toMatch(/attends to .* with weight 0\.\d{4}/);
    await page.screenshot({ path: shot('attention.png') });
    expect(errors).toEqual([]);
  });

  test("a GPT-2-token checkpoint samples with GPT-2's tokenizer: the CLI's greedy text, whole characters, no pad row", async () => {
    // Moby Dick with an emoji and a curly quote after every word: GPT-2 splits each into two tokens that are not
    // UTF-8 on their own (' 😀' = 30325 + 222, '’' = 447 + 247); the model learns the pairs, so samples hold them.
    const moby = readFileSync(join(appDir, 'public/generated/moby-dick.txt'), 'utf8').slice(0, 5_000);
    const corpus = join(scratch, 'corpus-bpe.txt');
    writeFileSync(corpus, moby.replace(/ /g, ' 😀’ '));
    const dir = join(scratch, 'ckpt-bpe');
    // prettier-ignore
    pnpm('pretrain', ['--data', corpus, '--tokenizer', 'gpt2', '--out-dir', dir, '--n-layer', '1', '--n-head', '2',
      '--n-embd', '16', '--block-size', '16', '--batch-size', '4', '--max-iters', '60', '--eval-interval', '60',
      '--learning-rate', '0.01', '--warmup-iters', '0', '--eval-iters', '1', '--sample-chars', '0', '--json']);
    const prompt = 'Call me Ishmael. ';
    const expected = cliGreedy(dir, prompt, 30);

    const { page, errors } = await openPage(playground, '?tab=sample');
    await page.setInputFiles(
      '[data-testid=open-files]',
      ['checkpoint.json', 'model.safetensors'].map((f) => join(dir, f)),
    );
    await page.waitForFunction(
      () => (window as unknown as { tinygptPlayground: PlaygroundHooks }).tinygptPlayground.info,
    );
    expect(await hooks(page, (h) => [h.info!.tokenizer, h.info!.vocabSize])).toEqual(['gpt2', 50304]);
    await page.click('[data-testid=tab-sample]');
    await page.fill('[data-testid=prompt]', prompt);
    await page.fill('[data-testid=temperature]', '0');
    await page.fill('[data-testid=length]', '30');
    await generateText(page);
    expect(await hooks(page, (h) => h.generated)).toBe(expected);
    expect(await hooks(page, (h) => h.generatedIds!.length)).toBe(30);

    // Its `pnpm export` (config.json: "tokenizer": "gpt2"), opened as a folder, writes the same text.
    const exchange = join(scratch, 'exchange-bpe');
    pnpm('export', ['--checkpoint', dir, '--out', exchange]);
    await page.click('[data-testid=tab-train]');
    await page.setInputFiles('[data-testid=open-dir]', exchange);
    await page.waitForFunction(() =>
      document.querySelector('[data-testid=train-status]')?.textContent?.includes('exchange-bpe'),
    );
    expect(await page.textContent('[data-testid=train-status]')).toContain('vocabulary 50304 (GPT-2 tokens)');
    await page.click('[data-testid=tab-sample]');
    await generateText(page);
    expect(await hooks(page, (h) => h.generated)).toBe(expected);

    // Sampling draws pieces of multi-byte characters too: the streamed text is still exactly the
    // decoding of the whole sequence.
    await page.fill('[data-testid=temperature]', '1');
    await page.fill('[data-testid=length]', '100');
    await generateText(page, 120_000);
    const { text, ids } = await hooks(page, (h) => ({ text: h.generated!, ids: h.generatedIds! }));
    expect(ids).toHaveLength(100);
    expect(ids.every((id) => id >= 0 && id < 50257)).toBe(true);
    const gpt2 = await BpeTokenizer.load();
    const strict = new TextDecoder('utf-8', { fatal: true });
    const whole = (piece: number[]): boolean => {
      try {
        strict.decode(gpt2.decodeBytes(piece));
        return true;
      } catch {
        return false;
      }
    };
    // The case the stream decoder exists for: a character split over two tokens, neither UTF-8 alone.
    const split = ids.filter((id, i) => i + 1 < ids.length && !whole([id]) && whole([id, ids[i + 1]!]));
    expect(split.length).toBeGreaterThan(0);
    expect(text).toBe(gpt2.decode(ids));
    expect(errors).toEqual([]);
  });

  test('784-16-16-10 trains in the page; real MNIST test digits drawn as strokes are read by a pnpm mnist train checkpoint', async () => {
    const { page, errors } = await openPage(playground, '?tab=digits&epochs=3');
    const weights = (): Promise<string[]> =>
      page.$$eval('[data-testid=digit-weights] canvas', (cs) => cs.map((c) => (c as HTMLCanvasElement).toDataURL()));
    const untrained = await weights();
    expect(untrained).toHaveLength(16); // one picture per first-layer neuron
    await page.click('[data-testid=digit-train]');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=digit-status]')?.textContent?.startsWith('trained'),
      null,
      { timeout: 120_000 },
    );
    const status = (await page.textContent('[data-testid=digit-status]'))!;
    expect(status).toMatch(/^trained on 4000 digits in \d+\.\d s · test accuracy \d+\.\d % on 500 test digits$/);
    expect(Number(/accuracy ([\d.]+) %/.exec(status)![1])).toBeGreaterThan(80); // chance: 10 %
    const trained = await weights();
    expect(trained.every((picture, h) => picture !== untrained[h])).toBe(true);

    const dir = join(scratch, 'mnist');
    // prettier-ignore
    pnpm('mnist', ['train', '--activation', 'relu', '--loss', 'cross-entropy', '--optimizer', 'adam', '--learning-rate', '0.003',
      '--train-images', '4000', '--val-images', '500', '--epochs', '4', '--out-dir', dir, '--json']);
    await page.setInputFiles(
      '[data-testid=digit-open]',
      ['checkpoint.json', 'model.safetensors'].map((f) => join(dir, f)),
    );
    await page.waitForSelector('[data-testid=digit-status][data-opened]');
    expect(await page.textContent('[data-testid=digit-status]')).toMatch(
      /: 784-16-16-10, relu, cross-entropy · test accuracy/,
    );
    expect((await weights()).every((picture, h) => picture !== trained[h])).toBe(true);
    const test = loadMnist({ split: 'test', limit: 3 });
    const box = (await page.locator('[data-testid=digit-pad]').boundingBox())!;
    for (let n = 0; n < test.count; n++) {
      await page.click('[data-testid=digit-clear]');
      const img = test.images.subarray(n * 784, (n + 1) * 784);
      // One stroke along each horizontal run of ink, 10 canvas pixels per MNIST pixel, the ink moved into the pad's
      // top-left corner: only the page's MNIST preprocessing (centred by mass) puts it back where the network expects.
      const ink = [...img.keys()].filter((i) => img[i]! >= 0.5);
      const left = Math.min(...ink.map((i) => i % 28)) * 10 - 15;
      const top = Math.min(...ink.map((i) => Math.floor(i / 28))) * 10 - 15;
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          if (img[y * 28 + x]! < 0.5 || (x > 0 && img[y * 28 + x - 1]! >= 0.5)) continue;
          let end = x;
          while (end + 1 < 28 && img[y * 28 + end + 1]! >= 0.5) end++;
          await page.mouse.move(box.x + x * 10 - left, box.y + y * 10 - top);
          await page.mouse.down();
          await page.mouse.move(box.x + end * 10 - left, box.y + y * 10 - top, { steps: 2 });
          await page.mouse.up();
        }
      }
      // The page redraws on the next animation frame after the last stroke.
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
      expect(Number(await page.getAttribute('[data-testid=digit-prediction]', 'data-digit'))).toBe(test.labels[n]);
      // Both hidden layers and the ten outputs light up.
      const lit = await page.$$eval('[data-testid=digit-layers] .neurons', (rows) =>
        rows.map((r) => r.children.length),
      );
      expect(lit).toEqual([16, 16, 10]);
    }
    await page.screenshot({ path: shot('digits.png') });
    expect(errors).toEqual([]);
  });
});
