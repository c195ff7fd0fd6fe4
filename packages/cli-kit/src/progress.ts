// Training progress for three audiences: a live bar with rate and ETA on a terminal, periodic plain lines in logs, JSON lines for machines.

/** Where progress is written: `process.stderr`, `process.stdout`, or anything with `write` (tests). */
export interface ProgressStream {
  write(text: string): unknown;
  /** Draw a live bar only when this is true. */
  readonly isTTY?: boolean;
  /** Terminal width; the bar line is cut to fit. */
  readonly columns?: number;
}

/** Extra figures shown beside the count, e.g. `{ loss: 2.4293, 'tok/s': 1650, 'ms/iter': 61.2 }`. */
export type ProgressFields = Readonly<Record<string, number | string>>;

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** The count that means done (iterations, batches, samples). */
  readonly total: number;
  /** A word before the bar: `'train'`, `'eval'`. */
  readonly label?: string;
  /** Write one JSON object per line and nothing else. */
  readonly json?: boolean;
  /** Default: `process.stdout` with `json`, else `process.stderr` (so stdout stays for results). */
  readonly stream?: ProgressStream;
  /** The count the run starts from (a resumed run's step), so the rate counts only this run's work. */
  readonly initial?: number;
  /** Without a terminal: at least this long between plain lines (default 10 s). */
  readonly intervalMs?: number;
  /** Clock in milliseconds (default `performance.now`); tests pass a fake one. */
  readonly now?: () => number;
}

/** A progress display; see {@link createProgress}. */
export interface Progress {
  /** Reports that `current` of `total` are done, with the latest figures. */
  update(current: number, fields?: ProgressFields): void;
  /** Prints a line of its own (an eval result, a checkpoint note) without breaking the bar. */
  log(line: string): void;
  /** Ends the display with a final line; later updates are ignored. */
  done(fields?: ProgressFields): void;
}

/** Minimum time between two redraws of the live bar. */
const REDRAW_MS = 100;
const BAR_WIDTH = 20;

/**
 * Creates a progress display. What it writes depends on where it writes:
 *
 * - **terminal** (`stream.isTTY`): one line redrawn in place (at most every 100 ms, always for the
 *   last step): `train ████████░░░░░░░░░░░░ 800/2000  40.0% | loss 2.0129 | 15.2 it/s | eta 1m19s`;
 *   on a narrow terminal the bar goes first, then fields from the right, then the text is cut;
 *   `log` lines appear above it; `done` leaves the final line.
 * - **not a terminal** (a pipe or a log file): the same line without the bar, written on the first
 *   update, then at most every `intervalMs` (10 s), and on the last step; `log` writes its line as
 *   is; `done` writes `train done: 2000/2000 in 2m11s (15.3 it/s) | loss 1.7648`.
 * - **`json`**: every call writes exactly one JSON object on its own line —
 *   `{"type":"progress","label","current","total","elapsedMs","rate","etaMs","fields":{…}}` for each
 *   `update` (not throttled), `{"type":"log","label","message"}` for `log`, and
 *   `{"type":"done","label","current","total","elapsedMs","rate","fields":{…}}` for `done`.
 *
 * The rate is the average since creation: (current − initial) / elapsed seconds; the ETA is what
 * remains at that rate (`rate`/`etaMs` are `null` until the first step is done).
 *
 * @example
 * const progress = createProgress({ total: maxIters, label: 'train', json: config.json });
 * for (let iter = 1; iter <= maxIters; iter++) progress.update(iter, { loss: step() });
 * progress.done();
 */
export function createProgress(options: ProgressOptions): Progress {
  const { total, label = '', json = false, initial = 0, intervalMs = 10_000 } = options;
  const stream = options.stream ?? (json ? process.stdout : process.stderr);
  const now = options.now ?? (() => performance.now());
  const start = now();
  const tty = !json && stream.isTTY === true;
  let current = initial;
  let fields: ProgressFields = {};
  let lastDraw = -Infinity; // when the bar or a plain line was last written
  let drawn = false; // a bar line is on screen and must be cleared before other output
  let finished = false;

  const timing = (): { elapsedMs: number; rate: number | null; etaMs: number | null } => {
    const elapsedMs = now() - start;
    const doneSteps = current - initial;
    const rate = doneSteps > 0 && elapsedMs > 0 ? (doneSteps * 1000) / elapsedMs : null;
    const etaMs = rate === null ? null : (Math.max(0, total - current) / rate) * 1000;
    return { elapsedMs, rate, etaMs };
  };
  const emit = (object: Record<string, unknown>): void => {
    stream.write(`${JSON.stringify(object)}\n`);
  };
  /** The status line; `maxWidth` drops the bar, then fields from the right, before cutting the text. */
  const line = (withBar: boolean, maxWidth = Infinity): string => {
    const { rate, etaMs } = timing();
    const fraction = total > 0 ? Math.min(1, current / total) : 1;
    const percent = (fraction * 100).toFixed(1);
    // Beside the bar the percentage keeps its width, so the line does not jitter.
    const head = (showBar: boolean): string =>
      [label, showBar ? bar(fraction) : '', `${current}/${total}`, `${showBar ? percent.padStart(5) : percent}%`]
        .filter(Boolean)
        .join(' ');
    const shown = Object.entries(fields).map(([name, value]) => `${name} ${formatField(value)}`);
    const tail = `${formatRate(rate)} | eta ${etaMs === null ? '?' : formatDuration(etaMs)}`;
    const compose = (showBar: boolean, count: number): string =>
      [head(showBar), ...shown.slice(0, count), tail].join(' | ');
    let text = compose(withBar, shown.length);
    if (text.length <= maxWidth) return text;
    for (let count = shown.length; count >= 0; count--) {
      text = compose(false, count);
      if (text.length <= maxWidth) return text;
    }
    return `${text.slice(0, maxWidth - 1)}…`;
  };
  const clear = (): void => {
    if (drawn) stream.write('\r\x1b[2K');
    drawn = false;
  };
  const redraw = (): void => {
    // One column short of the width, so the cursor never wraps to a new line.
    const text = line(true, (stream.columns || 80) - 1); // a pseudo-terminal may report 0 columns
    clear();
    stream.write(text);
    drawn = true;
    lastDraw = now();
  };

  return {
    update(value, newFields) {
      if (finished) return;
      current = value;
      if (newFields) fields = newFields;
      if (json) {
        emit({ type: 'progress', label, current, total, ...timing(), fields });
      } else if (tty) {
        if (now() - lastDraw >= REDRAW_MS || current >= total) redraw();
      } else if (now() - lastDraw >= intervalMs || current >= total) {
        stream.write(`${line(false)}\n`);
        lastDraw = now();
      }
    },
    log(text) {
      if (json) return emit({ type: 'log', label, message: text });
      const wasDrawn = drawn;
      clear();
      stream.write(`${text}\n`);
      if (wasDrawn && !finished) redraw();
    },
    done(newFields) {
      if (finished) return;
      if (newFields) fields = newFields;
      const { elapsedMs, rate } = timing();
      finished = true;
      if (json) return emit({ type: 'done', label, current, total, elapsedMs, rate, fields });
      if (tty) {
        redraw();
        stream.write('\n');
        drawn = false;
        return;
      }
      const extra = Object.entries(fields).map(([name, value]) => ` | ${name} ${formatField(value)}`);
      stream.write(
        `${label ? `${label} ` : ''}done: ${current}/${total} in ${formatDuration(elapsedMs)} (${formatRate(rate)})${extra.join('')}\n`,
      );
    },
  };
}

function bar(fraction: number): string {
  const full = Math.round(fraction * BAR_WIDTH);
  return '█'.repeat(full) + '░'.repeat(BAR_WIDTH - full);
}

/** Iterations per second, or seconds per iteration when slower than one a second: `16.0 it/s`, `2.50 s/it`. */
function formatRate(rate: number | null): string {
  if (rate === null) return '? it/s';
  const fixed = (x: number): string => x.toFixed(x >= 100 ? 0 : x >= 10 ? 1 : 2);
  return rate >= 1 || rate === 0 ? `${fixed(rate)} it/s` : `${fixed(1 / rate)} s/it`;
}

/**
 * How a field value is shown: strings as they are, integers in full, other numbers with five
 * significant digits (`2.4293`, `61.230`, `0.00012346`), and whole digits from 10,000 up.
 *
 * @example
 * formatField(2.42931); // '2.4293'
 */
export function formatField(value: number | string): string {
  if (typeof value === 'string' || Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 10_000 ? value.toFixed(0) : value.toPrecision(5);
}

/**
 * A duration the way a person reads it: `850ms`, `42s`, `7m09s`, `2h03m`.
 *
 * @example
 * formatDuration(429_000); // '7m09s'
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '?';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
