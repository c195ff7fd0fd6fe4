// The playground in real Chromium, training: 30 steps in the worker lower the loss, the download is a checkpoint the CLI
// reads, a reload resumes the run bit for bit; without the isolation headers it trains on one thread on pasted text and a
// stopped run stays stopped; every setting lives in the URL.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { PlaygroundHooks } from '../src/test-hooks.js';
import { haveChromium, hooks, iterOf, openPage, pnpm, shot, startPlayground, waitState } from './harness.js';
import type { Playground } from './harness.js';

const scratch = mkdtempSync(join(tmpdir(), 'playground-test-'));

/** The values of the inputs with these test ids. */
function values(page: Page, ids: string[]): Promise<Record<string, string>> {
  return page.evaluate(
    (list) =>
      Object.fromEntries(
        list.map((id) => [id, (document.querySelector(`[data-testid=${id}]`) as HTMLInputElement).value]),
      ),
    ids,
  );
}

describe.skipIf(!haveChromium)('playground training in Chromium', () => {
  let playground: Playground;
  beforeAll(async () => {
    playground = await startPlayground({ built: true });
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
    await page.screenshot({ path: shot('train.png') });

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
    // The page clicks Pause itself when the status line shows step 8 of run B: a round trip through
    // this test's polling could come after the run's last step on a loaded machine.
    await page.evaluate(() => {
      const w = window as unknown as { tinygptPlayground: PlaygroundHooks };
      const runA = w.tinygptPlayground.history;
      const status = document.querySelector('[data-testid=train-status]')!;
      const observer = new MutationObserver(() => {
        const h = w.tinygptPlayground.history;
        if (h === runA || h!.steps.length < 8) return;
        observer.disconnect();
        (document.querySelector('[data-testid=pause]') as HTMLButtonElement).click();
      });
      observer.observe(status, { attributes: true, attributeFilter: ['data-iter'] });
    });
    await page.click('[data-testid=train]');
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

  test('without the isolation headers it trains a dropped text file on one thread; a stopped run stays so after a reload', async () => {
    const query = '?preset=tiny&maxIters=2000&evalInterval=1000';
    const { page, errors } = await openPage(playground, query, playground.plainUrl);
    expect(await page.textContent('[data-testid=backend]')).toBe(
      'wasm backend · 1 thread (page not cross-origin isolated, so no SharedArrayBuffer)',
    );
    // A text file dropped on the corpus box (four characters: a, b, c and the space).
    const file = await page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['abc cab '.repeat(1500)], 'abc.txt', { type: 'text/plain' }));
      return transfer;
    });
    await page.dispatchEvent('[data-testid=corpus]', 'drop', { dataTransfer: file });
    await page.waitForFunction(
      () => (document.querySelector('[data-testid=corpus]') as HTMLTextAreaElement).value.length === 12_000,
    );
    await page.click('[data-testid=train]');
    await page.waitForFunction(
      () =>
        ((window as unknown as { tinygptPlayground: PlaygroundHooks }).tinygptPlayground.history?.steps.length ?? 0) >=
        5,
      null,
      { timeout: 60_000 },
    );
    await page.click('[data-testid=stop]');
    await waitState(page, 'stopped');
    const stoppedAt = await iterOf(page);
    expect(stoppedAt).toBeGreaterThanOrEqual(5);
    expect(await page.textContent('[data-testid=train-status]')).toMatch(
      /^stopped · iteration \d+ \/ 2000 · .* · vocabulary 4 · pasted text/,
    );
    await page.reload();
    await page.waitForSelector('body[data-ready=restored]', { timeout: 60_000 });
    await waitState(page, 'stopped');
    expect(await iterOf(page)).toBe(stoppedAt);
    expect(await page.isEnabled('[data-testid=resume]')).toBe(true);
    await page.click('[data-testid=resume]');
    await page.waitForFunction(
      (at) => Number(document.querySelector('[data-testid=train-status]')?.getAttribute('data-iter')) > at,
      stoppedAt,
    );
    await page.click('[data-testid=pause]');
    await waitState(page, 'paused');
    expect(errors).toEqual([]);
  });

  test('every setting is in the URL: a shared link restores the view, and a changed control rewrites the link', async () => {
    const query =
      '?tab=sample&temperature=0.3&topK=10&topP=0.9&prompt=Call%20me%20Ishmael&length=50&sampleSeed=7&threads=1' +
      '&preset=baby&nLayer=3&attnPrompt=Some%20years%20ago&epochs=5';
    const { page, errors } = await openPage(playground, query);
    expect(await page.isVisible('[data-testid=view-sample]')).toBe(true);
    expect(await page.isVisible('[data-testid=view-train]')).toBe(false);
    expect(await page.textContent('[data-testid=backend]')).toBe('wasm backend · 1 thread (cross-origin isolated)');
    const sample = ['temperature', 'top-k', 'top-p', 'prompt', 'length', 'sample-seed'];
    expect(await values(page, sample)).toEqual({
      temperature: '0.3',
      'top-k': '10',
      'top-p': '0.9',
      prompt: 'Call me Ishmael',
      length: '50',
      'sample-seed': '7',
    });
    const train = ['preset', 'knob-nLayer', 'knob-nEmbd', 'knob-blockSize', 'knob-maxIters', 'knob-seed'];
    // The preset's values (baby: 128 wide, 64 characters, 2000 iterations) under the URL's own nLayer.
    const baby = {
      preset: 'baby',
      'knob-nLayer': '3',
      'knob-nEmbd': '128',
      'knob-blockSize': '64',
      'knob-maxIters': '2000',
    };
    expect(await values(page, train)).toEqual({ ...baby, 'knob-seed': '1337' });
    expect(await values(page, ['attention-prompt', 'digit-epochs'])).toEqual({
      'attention-prompt': 'Some years ago',
      'digit-epochs': '5',
    });

    // Change a control on every tab; the reloaded link shows the same view.
    await page.fill('[data-testid=temperature]', '1.2');
    await page.fill('[data-testid=sample-seed]', '8');
    await page.click('[data-testid=tab-train]');
    await page.fill('[data-testid=knob-seed]', '42');
    await page.click('[data-testid=tab-attention]');
    await page.fill('[data-testid=attention-prompt]', 'Call me');
    await page.click('[data-testid=tab-digits]');
    await page.fill('[data-testid=digit-epochs]', '2');
    const link = await page.evaluate(() => location.search); // page.url() may lag behind history.replaceState
    const { page: shared, errors: sharedErrors } = await openPage(playground, link);
    expect(await shared.isVisible('[data-testid=view-digits]')).toBe(true);
    expect(await values(shared, [...sample, ...train, 'attention-prompt', 'digit-epochs'])).toEqual({
      temperature: '1.2',
      'top-k': '10',
      'top-p': '0.9',
      prompt: 'Call me Ishmael',
      length: '50',
      'sample-seed': '8',
      ...baby,
      'knob-seed': '42',
      'attention-prompt': 'Call me',
      'digit-epochs': '2',
    });
    expect(await shared.textContent('[data-testid=backend]')).toBe('wasm backend · 1 thread (cross-origin isolated)');
    expect([...errors, ...sharedErrors]).toEqual([]);
  });
});
