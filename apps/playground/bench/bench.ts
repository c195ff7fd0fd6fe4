// Training throughput of the same GPT in the browser page (wasm backend in the worker) and in `pnpm pretrain` (Node),
// measured in one run, side by side.
//
// pnpm --filter @tinygpt/playground bench   (needs Debian's chromium; the machine may be shared: the figures are a ratio)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PlaygroundHooks } from '../src/test-hooks.js';
import { appDir, haveChromium, openPage, rootDir, startPlayground } from '../test/harness.js';

/** char-gpt's baby shape (configs/baby.json), the playground's `baby` preset. */
const MODEL = { nLayer: 4, nHead: 4, nEmbd: 128, blockSize: 64, batchSize: 12 };
const TOKENS_PER_STEP = MODEL.batchSize * MODEL.blockSize;
const WARMUP = 3;
const TIMED = 12;
const ROUNDS = 2;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

/** Median ms per step of `pnpm pretrain --json` on the corpus the page trains on, after the warm-up steps. */
function cliStepMs(corpus: string, outDir: string): number {
  rmSync(outDir, { recursive: true, force: true });
  // prettier-ignore
  const out = execFileSync('pnpm', ['--silent', 'pretrain', '--data', corpus, '--out-dir', outDir,
    '--n-layer', String(MODEL.nLayer), '--n-head', String(MODEL.nHead), '--n-embd', String(MODEL.nEmbd),
    '--block-size', String(MODEL.blockSize), '--batch-size', String(MODEL.batchSize), '--dropout', '0',
    '--max-iters', String(WARMUP + TIMED), '--eval-interval', '1000', '--eval-iters', '1', '--sample-chars', '0', '--json'],
    { cwd: rootDir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const ms = out
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { ms?: number })
    .flatMap((o) => (o.ms === undefined ? [] : [o.ms]));
  return median(ms.slice(WARMUP));
}

if (!haveChromium) {
  console.log('playground bench: skipped (no chromium at /usr/bin/chromium)');
} else {
  const playground = await startPlayground();
  const scratch = mkdtempSync(join(tmpdir(), 'playground-bench-'));
  const corpus = join(appDir, 'public/generated/moby-dick.txt');
  try {
    const { page } = await openPage(playground);
    const threads = await page.getAttribute('[data-testid=backend]', 'data-threads');
    await page.close();
    console.log(
      `GPT training throughput, browser vs Node: nLayer ${MODEL.nLayer}, nHead ${MODEL.nHead}, nEmbd ${MODEL.nEmbd}, ` +
        `blockSize ${MODEL.blockSize}, batchSize ${MODEL.batchSize} (${TOKENS_PER_STEP} tokens/step), ` +
        `median of ${TIMED} steps after ${WARMUP}, best of ${ROUNDS} rounds; ${cpus().length} CPUs, load ` +
        `${loadavg()[0]!.toFixed(2)} (machine may be shared)`,
    );
    const best = { cli: Infinity, page: Infinity };
    for (let round = 0; round < ROUNDS; round++) {
      best.cli = Math.min(best.cli, cliStepMs(corpus, join(scratch, 'run')));
      const { page: p, context } = await openPage(
        playground,
        `?preset=baby&maxIters=${WARMUP + TIMED}&evalInterval=1000&dropout=0`,
      );
      await p.evaluate(() => indexedDB.deleteDatabase('tinygpt-playground'));
      await p.click('[data-testid=train]');
      await p.waitForFunction(() => document.getElementById('view-train')?.dataset.state === 'finished', null, {
        timeout: 300_000,
      });
      const ms = (await p.evaluate('window.tinygptPlayground')) as PlaygroundHooks;
      best.page = Math.min(best.page, median(ms.stepMs!.slice(WARMUP)));
      await context.close();
    }
    const rate = (ms: number): string =>
      `${Math.round((TOKENS_PER_STEP * 1000) / ms).toLocaleString('en-US')} tokens/s`;
    console.log(
      `  pnpm pretrain (Node, wasm, ${threads} threads)   ${best.cli.toFixed(1).padStart(7)} ms/step  ${rate(best.cli)}`,
    );
    console.log(
      `  playground (Chromium worker, wasm, ${threads} threads) ${best.page.toFixed(1).padStart(7)} ms/step  ${rate(best.page)}`,
    );
    console.log(`  browser / Node throughput: ${((best.cli / best.page) * 100).toFixed(0)} % (target ≥ 80 %)`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await playground.close();
  }
}
