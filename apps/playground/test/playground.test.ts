// The playground in real Chromium: it loads cleanly, trains in its worker, matches the CLI's greedy text (characters
// and GPT-2 tokens), sharpens with temperature, draws causal attention, reads a real MNIST digit, and resumes a run
// after a reload.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { loadMnist } from '@tinygpt/datasets/mnist';
import { BpeTokenizer } from '@tinygpt/tokenizer';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlaygroundHooks } from '../src/test-hooks.js';
import { appDir, cliGreedy, haveChromium, openPage, pnpm, startPlayground } from './harness.js';
import type { Playground } from './harness.js';

/** Screenshots go into docs/ for the README when SCREENSHOTS=1, else into a scratch directory. */
const shots = process.env.SCREENSHOTS === '1' ? join(appDir, 'docs') : mkdtempSync(join(tmpdir(), 'playground-shots-'));
const scratch = mkdtempSync(join(tmpdir(), 'playground-test-'));

/** Reads the page's hooks object (window.tinygptPlayground). */
function hooks<T>(page: Page, read: (h: PlaygroundHooks) => T): Promise<T> {
  return page.evaluate(`(${read.toString()})(window.tinygptPlayground)`) as Promise<T>;
}

function waitState(page: Page, state: string): Promise<unknown> {
  return page.waitForFunction((s) => document.getElementById('view-train')?.dataset.state === s, state, {
    timeout: 120_000,
  });
}

const iterOf = (page: Page): Promise<number> =>
  page.evaluate(() => Number(document.querySelector('[data-testid=train-status]')?.getAttribute('data-iter')));

describe.skipIf(!haveChromium)('playground in Chromium', () => {
  let playground: Playground;
  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    playground = await startPlayground();
  });
  afterAll(async () => {
    await playground?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  test('trains in the worker, lowers the loss, and a reload resumes the run exactly', async () => {
    const query = '?preset=tiny&maxIters=30&evalInterval=15';
    const { page, errors } = await openPage(playground, query);
    expect(await page.textContent('[data-testid=backend]')).toMatch(
      /^wasm backend · \d+ threads? \(cross-origin isolated\)$/,
    );
    // Run A, uninterrupted: 30 steps, evaluations at 0, 15 and 30.
    await page.click('[data-testid=train]');
    await waitState(page, 'finished');
    const a = await hooks(page, (h) => ({ steps: h.history!.steps, evals: h.history!.evals }));
    expect(a.steps).toHaveLength(30);
    const first = a.evals.find(([i]) => i === 0)!;
    const last = a.evals.find(([i]) => i === 30)!;
    expect(last[1]).toBeLessThan(first[1] - 0.3); // train loss
    expect(last[2]).toBeLessThan(first[2] - 0.3); // val loss
    await page.screenshot({ path: join(shots, 'train.png') });

    // The downloaded zip is a checkpoint directory the CLI samples from.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download]')]);
    const zip = join(scratch, download.suggestedFilename());
    await download.saveAs(zip);
    for (const [path, bytes] of Object.entries(unzipSync(readFileSync(zip)))) {
      mkdirSync(join(scratch, path, '..'), { recursive: true });
      writeFileSync(join(scratch, path), bytes);
    }
    const text = pnpm('generate', [
      '--checkpoint',
      join(scratch, 'tinygpt-run'),
      '--prompt',
      'The ',
      '--max-new-tokens',
      '40',
    ]);
    expect(text.startsWith('The ')).toBe(true);
    expect(text.trimEnd().length).toBeGreaterThan(4);

    // Run B, same config: paused part-way, page reloaded, resumed. Every later step equals run A's.
    await page.evaluate(() => {
      const w = window as unknown as { tinygptPlayground: PlaygroundHooks; runA?: unknown };
      w.runA = w.tinygptPlayground.history;
    });
    await page.click('[data-testid=train]');
    await page.waitForFunction(
      () => {
        const w = window as unknown as { tinygptPlayground: PlaygroundHooks; runA?: unknown };
        const h = w.tinygptPlayground.history;
        return h !== w.runA && h!.steps.length >= 8;
      },
      null,
      { timeout: 60_000 },
    );
    await page.click('[data-testid=pause]');
    await waitState(page, 'paused');
    const pausedAt = await iterOf(page);
    expect(pausedAt).toBeGreaterThanOrEqual(8);
    expect(pausedAt).toBeLessThan(30);
    await page.reload();
    await page.waitForSelector('body[data-ready=restored]', { timeout: 60_000 });
    await waitState(page, 'paused');
    expect(await iterOf(page)).toBe(pausedAt);
    await page.click('[data-testid=resume]');
    await waitState(page, 'finished');
    const b = await hooks(page, (h) => h.history!.steps);
    expect(b.map(([i]) => i)).toEqual(a.steps.map(([i]) => i));
    expect(b.slice(pausedAt)).toEqual(a.steps.slice(pausedAt)); // bit for bit
    expect(errors).toEqual([]);
  });

  test('without the isolation headers the page trains on one thread and says so', async () => {
    const { page, errors } = await openPage(playground, '?preset=tiny&maxIters=6&evalInterval=6', playground.plainUrl);
    expect(await page.textContent('[data-testid=backend]')).toBe(
      'wasm backend · 1 thread (page not cross-origin isolated, so no SharedArrayBuffer)',
    );
    await page.click('[data-testid=train]');
    await waitState(page, 'finished');
    expect(await hooks(page, (h) => h.history!.steps.length)).toBe(6);
    expect(errors).toEqual([]);
  });

  test('a pnpm pretrain checkpoint opens; greedy text equals the CLI; temperature moves the entropy; attention is causal', async () => {
    const corpus = join(scratch, 'corpus.txt');
    writeFileSync(corpus, readFileSync(join(appDir, 'public/generated/moby-dick.txt'), 'utf8').slice(0, 40_000));
    const dir = join(scratch, 'ckpt');
    // prettier-ignore
    pnpm('pretrain', ['--data', corpus, '--out-dir', dir, '--n-layer', '2', '--n-head', '2', '--n-embd', '32', '--block-size', '32',
      '--batch-size', '8', '--max-iters', '40', '--eval-interval', '40', '--eval-iters', '2', '--sample-chars', '0', '--json']);
    const prompt = 'Call me Ishmael. ';
    const expected = cliGreedy(dir, prompt, 120);
    expect(expected).toHaveLength(120);

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
    await page.click('[data-testid=generate]');
    await page.waitForSelector('[data-testid=generated][data-done]', { timeout: 60_000 });
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
    await page.click('[data-testid=generate]');
    await page.waitForSelector('[data-testid=generated][data-done]', { timeout: 60_000 });
    expect(await hooks(page, (h) => h.generated)).toBe(expected);

    const entropyAt = async (t: string): Promise<number> => {
      await page.fill('[data-testid=temperature]', t);
      await page.waitForFunction(
        (want) => document.querySelector('[data-testid=dist-caption]')?.textContent?.endsWith(`temperature ${want}`),
        String(Number(t)),
      );
      return Number(await page.getAttribute('[data-testid=dist-caption]', 'data-entropy'));
    };
    const cold = await entropyAt('0.2');
    const hot = await entropyAt('1.5');
    expect(hot).toBeGreaterThan(cold + 0.5);
    await page.screenshot({ path: join(shots, 'sample.png') });

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
    await page.screenshot({ path: join(shots, 'attention.png') });
    expect(errors).toEqual([]);
  });

  test("a GPT-2-token checkpoint samples with GPT-2's tokenizer: the CLI's greedy text, whole characters, no pad row", async () => {
    // Moby Dick with an emoji and a curly quote on every line: GPT-2 splits each into two tokens that
    // are not UTF-8 on their own (' 😀' = 30325 + 222, '’' = 447 + 247), so samples hold such pieces.
    const moby = readFileSync(join(appDir, 'public/generated/moby-dick.txt'), 'utf8').slice(0, 20_000);
    const corpus = join(scratch, 'corpus-bpe.txt');
    writeFileSync(corpus, moby.replace(/\n/g, ' 😀’\n'));
    const dir = join(scratch, 'ckpt-bpe');
    // prettier-ignore
    pnpm('pretrain', ['--data', corpus, '--tokenizer', 'gpt2', '--out-dir', dir, '--n-layer', '1', '--n-head', '2',
      '--n-embd', '16', '--block-size', '16', '--batch-size', '4', '--max-iters', '20', '--eval-interval', '20',
      '--eval-iters', '1', '--sample-chars', '0', '--json']);
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
    await page.click('[data-testid=generate]');
    await page.waitForSelector('[data-testid=generated][data-done]', { timeout: 60_000 });
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
    await page.click('[data-testid=generate]');
    await page.waitForSelector('[data-testid=generated][data-done]', { timeout: 60_000 });
    expect(await hooks(page, (h) => h.generated)).toBe(expected);

    // Sampling draws pieces of multi-byte characters too: the streamed text is still exactly the
    // decoding of the whole sequence.
    await page.fill('[data-testid=temperature]', '1');
    await page.fill('[data-testid=length]', '300');
    await page.click('[data-testid=generate]');
    await page.waitForFunction(() => !document.querySelector('[data-testid=generated][data-done]'));
    await page.waitForSelector('[data-testid=generated][data-done]', { timeout: 120_000 });
    const { text, ids } = await hooks(page, (h) => ({ text: h.generated!, ids: h.generatedIds! }));
    expect(ids).toHaveLength(300);
    expect(ids.every((id) => id >= 0 && id < 50257)).toBe(true);
    const gpt2 = await BpeTokenizer.load();
    const strict = new TextDecoder('utf-8', { fatal: true });
    const partial = ids.filter((id) => {
      try {
        strict.decode(gpt2.decodeBytes([id]));
        return false;
      } catch {
        return true;
      }
    });
    expect(partial.length).toBeGreaterThan(0); // the case the stream decoder exists for
    expect(text).toBe(gpt2.decode(ids));
    expect(errors).toEqual([]);
  });

  test('a real MNIST test digit drawn as strokes is read as its label by a pnpm mnist train checkpoint', async () => {
    const dir = join(scratch, 'mnist');
    // prettier-ignore
    pnpm('mnist', ['train', '--activation', 'relu', '--loss', 'cross-entropy', '--optimizer', 'adam', '--learning-rate', '0.003',
      '--train-images', '4000', '--val-images', '500', '--epochs', '4', '--out-dir', dir, '--json']);
    const { page, errors } = await openPage(playground, '?tab=digits');
    await page.setInputFiles(
      '[data-testid=digit-open]',
      ['checkpoint.json', 'model.safetensors'].map((f) => join(dir, f)),
    );
    await page.waitForSelector('[data-testid=digit-status][data-opened]');
    const test = loadMnist({ split: 'test', limit: 3 });
    const box = (await page.locator('[data-testid=digit-pad]').boundingBox())!;
    for (let n = 0; n < test.count; n++) {
      await page.click('[data-testid=digit-clear]');
      const img = test.images.subarray(n * 784, (n + 1) * 784);
      // One stroke along each horizontal run of ink, 10 canvas pixels per MNIST pixel.
      for (let y = 0; y < 28; y++) {
        for (let x = 0; x < 28; x++) {
          if (img[y * 28 + x]! < 0.5 || (x > 0 && img[y * 28 + x - 1]! >= 0.5)) continue;
          let end = x;
          while (end + 1 < 28 && img[y * 28 + end + 1]! >= 0.5) end++;
          await page.mouse.move(box.x + x * 10 + 5, box.y + y * 10 + 5);
          await page.mouse.down();
          await page.mouse.move(box.x + end * 10 + 5, box.y + y * 10 + 5, { steps: 2 });
          await page.mouse.up();
        }
      }
      await page.waitForFunction(() =>
        document.querySelector('[data-testid=digit-prediction]')?.hasAttribute('data-digit'),
      );
      await page.waitForTimeout(100); // the last stroke's frame
      expect(Number(await page.getAttribute('[data-testid=digit-prediction]', 'data-digit'))).toBe(test.labels[n]);
    }
    await page.screenshot({ path: join(shots, 'digits.png') });
    expect(errors).toEqual([]);
  });
});
