// The playground in real Chromium when the browser will not keep the run (its storage quota too small for a
// checkpoint, as in a private window or a full profile): training goes on, and the page says the run is not kept.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { haveChromium, hooks, openPage, startPlayground, waitState } from './harness.js';
import type { Playground } from './harness.js';

describe.skipIf(!haveChromium)('playground storage refused', () => {
  let playground: Playground;
  beforeAll(async () => {
    playground = await startPlayground({ built: true });
  });
  afterAll(async () => {
    await playground?.close();
  });

  test('a run the browser will not store still trains to the end, and the page says so once', async () => {
    const { page, context, errors } = await openPage(playground, '?preset=tiny&maxIters=30&evalInterval=10');
    const cdp = await context.newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(playground.url).origin, quotaSize: 1024 });
    // Every message the page shows replaces the toast's text: count them.
    await page.evaluate(() => {
      const box = document.getElementById('toast')!;
      new MutationObserver(() => (box.dataset.shown = String(Number(box.dataset.shown ?? 0) + 1))).observe(box, {
        childList: true,
      });
    });
    await page.click('[data-testid=train]');
    await waitState(page, 'finished');
    expect(await page.getAttribute('#toast', 'data-shown')).toBe('1'); // every save refused, one message
    expect(await hooks(page, (h) => h.history!.steps.length)).toBe(30);
    const toast = await page.textContent('#toast');
    const refused = /^this browser would not keep the run \(QuotaExceededError\b.*\); training goes on: /;
    expect(toast).toMatch(new RegExp(`${refused.source}download the checkpoint to keep it$`));
    expect(errors).toEqual([]);
  });
});
