// A resumed run on another text than its checkpoint's says so: its val losses, the best so far included, then come
// from two different texts.
import { describe, expect, it } from 'vitest';
import { trainReporter } from '../src/cli/train-reporter.js';
import { train } from '../src/train.js';
import type { TrainConfig } from '../src/config.js';
import { textFile, tinyRun, tinyText } from './helpers.js';

/** What the reporter printed for `config`. */
async function printed(config: TrainConfig): Promise<string> {
  const lines: string[] = [];
  const out = { write: (text: string) => lines.push(text) };
  const reporter = trainReporter(config, { out, err: out });
  reporter.done(await train(config, { events: reporter }));
  return lines.join('');
}

describe('resuming on another text', () => {
  it('notes the checkpoint’s corpus and this run’s when they differ, and only then', async () => {
    const config = tinyRun({ maxIters: 2, evalInterval: 2 });
    await train(config);
    const same = await printed({ ...config, initFrom: 'resume', maxIters: 3 });
    expect(same).toContain('resuming from iteration 2 of 3');
    expect(same).not.toContain('note:');
    const other = textFile(tinyText.split('').reverse().join('') + tinyText, 'other.txt');
    const moved = await printed({ ...config, initFrom: 'resume', maxIters: 4, data: other });
    const chars = (count: number): string => `${count.toLocaleString('en-US')} characters`;
    const size = tinyText.length;
    expect(moved).toContain(
      `note: the checkpoint was trained on corpus.txt (${chars(size)}); this run continues on other.txt ` +
        `(${chars(2 * size)}), so its val losses, the best so far included, come from two different texts`,
    );
  });
});
