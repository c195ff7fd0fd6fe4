// Tests the three progress displays (terminal bar, plain lines, JSON lines) with a fake stream and a fake clock.
import { describe, expect, it } from 'vitest';
import { createProgress, formatDuration, formatField } from './progress.js';
import type { ProgressStream } from './progress.js';

/** A stream that records writes, and a clock the test moves by hand. */
function setup(kind: { isTTY?: boolean; columns?: number } = {}) {
  const writes: string[] = [];
  const stream: ProgressStream = { write: (text: string) => writes.push(text), ...kind };
  const clock = { t: 1000 };
  return { writes, stream, clock, now: () => clock.t, text: () => writes.join('') };
}

describe('createProgress on a terminal', () => {
  it('redraws one line in place with count, percent, fields, rate and ETA', () => {
    const { stream, clock, now, writes } = setup({ isTTY: true, columns: 200 });
    const progress = createProgress({ total: 2000, label: 'train', stream, now });
    clock.t += 50_000;
    progress.update(800, { loss: 2.01294, 'ms/iter': 62.5 });
    expect(writes).toEqual([
      'train ████████░░░░░░░░░░░░ 800/2000  40.0% | loss 2.0129 | ms/iter 62.500 | 16.0 it/s | eta 1m15s',
    ]);
    clock.t += 50;
    progress.update(801, { loss: 2.0 });
    expect(writes).toHaveLength(1); // throttled: less than 100 ms since the last draw
    clock.t += 100;
    progress.update(802, { loss: 2.0 });
    expect(writes.slice(1)).toEqual([
      '\r\x1b[2K',
      'train ████████░░░░░░░░░░░░ 802/2000  40.1% | loss 2 | 16.0 it/s | eta 1m15s',
    ]);
  });

  it('prints log lines above the bar and leaves the final line on done', () => {
    const { stream, clock, now, text } = setup({ isTTY: true, columns: 200 });
    const progress = createProgress({ total: 10, label: 'eval', stream, now });
    clock.t += 1000;
    progress.update(5);
    progress.log('step 5: val loss 1.8857');
    clock.t += 1000;
    progress.update(10); // the last step is always drawn
    progress.done();
    const bar5 = 'eval ██████████░░░░░░░░░░ 5/10  50.0% | 5.00 it/s | eta 1s';
    const bar10 = 'eval ████████████████████ 10/10 100.0% | 5.00 it/s | eta 0ms';
    expect(text()).toBe(`${bar5}\r\x1b[2Kstep 5: val loss 1.8857\n${bar5}\r\x1b[2K${bar10}\r\x1b[2K${bar10}\n`);
  });

  it('fits a narrow terminal: drops the bar, then fields from the right, then cuts the text', () => {
    const draw = (columns: number): string => {
      const { stream, clock, now, writes } = setup({ isTTY: true, columns });
      const progress = createProgress({ total: 4, label: 'train', stream, now });
      clock.t += 1000;
      progress.update(1, { loss: 3.25, 'ms/iter': 1000 });
      return writes[0]!;
    };
    expect(draw(100)).toBe('train █████░░░░░░░░░░░░░░░ 1/4  25.0% | loss 3.2500 | ms/iter 1000 | 1.00 it/s | eta 3s');
    expect(draw(70)).toBe('train 1/4 25.0% | loss 3.2500 | ms/iter 1000 | 1.00 it/s | eta 3s');
    expect(draw(51)).toBe('train 1/4 25.0% | loss 3.2500 | 1.00 it/s | eta 3s');
    expect(draw(50)).toBe('train 1/4 25.0% | 1.00 it/s | eta 3s');
    expect(draw(40)).toBe('train 1/4 25.0% | 1.00 it/s | eta 3s');
    expect(draw(20)).toBe('train 1/4 25.0% | …');
    expect(draw(20).length).toBe(19);
  });
});

describe('createProgress without a terminal', () => {
  it('writes a plain line on the first update, then at most every intervalMs, and on the last step', () => {
    const { stream, clock, now, writes } = setup();
    const progress = createProgress({ total: 300, label: 'train', stream, now, intervalMs: 10_000 });
    for (let step = 1; step <= 300; step++) {
      clock.t += 100; // 10 it/s
      progress.update(step, { loss: 4 - step / 100 });
    }
    progress.done({ loss: 1 });
    expect(writes).toEqual([
      'train 1/300 0.3% | loss 3.9900 | 10.0 it/s | eta 30s\n',
      'train 101/300 33.7% | loss 2.9900 | 10.0 it/s | eta 20s\n',
      'train 201/300 67.0% | loss 1.9900 | 10.0 it/s | eta 10s\n',
      'train 300/300 100.0% | loss 1 | 10.0 it/s | eta 0ms\n',
      'train done: 300/300 in 30s (10.0 it/s) | loss 1\n',
    ]);
  });

  it('writes log lines as they are and ignores updates after done', () => {
    const { stream, now, text } = setup();
    const progress = createProgress({ total: 2, stream, now });
    progress.log('saved out/ckpt.json');
    progress.done();
    progress.update(2);
    expect(text()).toBe('saved out/ckpt.json\ndone: 0/2 in 0ms (? it/s)\n');
  });

  it('counts the rate from `initial` for a resumed run, and shows slow rates as s/it', () => {
    const { stream, clock, now, writes } = setup();
    const progress = createProgress({ total: 2000, label: 'train', stream, now, initial: 1000 });
    clock.t += 4000;
    progress.update(1002);
    expect(writes[0]).toBe('train 1002/2000 50.1% | 2.00 s/it | eta 33m16s\n');
  });
});

describe('createProgress with json', () => {
  it('writes exactly one JSON object per line for every update, log and done', () => {
    const { stream, clock, now, writes } = setup({ isTTY: true });
    const progress = createProgress({ total: 4, label: 'train', json: true, stream, now });
    clock.t += 500;
    progress.update(1, { loss: 4.1676 });
    progress.update(1, { loss: 4.1 }); // never throttled
    progress.log('checkpoint saved');
    clock.t += 500;
    progress.update(2, { loss: 3.5 });
    progress.done();
    expect(writes.every((w) => w.endsWith('\n') && !w.slice(0, -1).includes('\n'))).toBe(true);
    expect(writes.map((w) => JSON.parse(w) as unknown)).toEqual([
      {
        type: 'progress',
        label: 'train',
        current: 1,
        total: 4,
        elapsedMs: 500,
        rate: 2,
        etaMs: 1500,
        fields: { loss: 4.1676 },
      },
      {
        type: 'progress',
        label: 'train',
        current: 1,
        total: 4,
        elapsedMs: 500,
        rate: 2,
        etaMs: 1500,
        fields: { loss: 4.1 },
      },
      { type: 'log', label: 'train', message: 'checkpoint saved' },
      {
        type: 'progress',
        label: 'train',
        current: 2,
        total: 4,
        elapsedMs: 1000,
        rate: 2,
        etaMs: 1000,
        fields: { loss: 3.5 },
      },
      { type: 'done', label: 'train', current: 2, total: 4, elapsedMs: 1000, rate: 2, fields: { loss: 3.5 } },
    ]);
  });

  it('reports rate and ETA as null before any step is done', () => {
    const { stream, now, writes } = setup();
    createProgress({ total: 4, json: true, stream, now }).update(0);
    expect(JSON.parse(writes[0]!)).toMatchObject({ rate: null, etaMs: null });
  });
});

describe('formatField and formatDuration', () => {
  it('show numbers the way training logs read', () => {
    expect([
      formatField(2.42931),
      formatField(61.23),
      formatField(0.000123456),
      formatField(12),
      formatField(123456.7),
      formatField('1.2k'),
    ]).toEqual(['2.4293', '61.230', '0.00012346', '12', '123457', '1.2k']);
    expect([
      formatDuration(850),
      formatDuration(42_400),
      formatDuration(429_000),
      formatDuration(7_380_000),
      formatDuration(Infinity),
    ]).toEqual(['850ms', '42s', '7m09s', '2h03m', '?']);
  });
});
