// The run's loss log, `log.csv` in the out dir: one row per iteration and one per evaluation, for plotting.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeError } from '@tinygpt/cli-kit';

/** The columns of log.csv; a training row fills loss, lr and ms, an evaluation row trainLoss and valLoss. */
export const LOG_HEADER = 'iter,loss,lr,ms,trainLoss,valLoss';

/** One row of log.csv. */
export type LogRow =
  { iter: number; loss: number; lr: number; ms: number } | { iter: number; trainLoss: number; valLoss: number };

/** Appends rows to `<outDir>/log.csv`, which the checkpoint writer carries into each new checkpoint. */
export class LossLog {
  readonly path: string;

  constructor(outDir: string) {
    this.path = join(outDir, 'log.csv');
  }

  /** Starts an empty log (a run from scratch). */
  reset(): void {
    this.#write(() => writeFileSync(this.path, `${LOG_HEADER}\n`));
  }

  /**
   * Keeps only the rows a resumed run has already produced: training rows before `iter`, and the
   * evaluation at `iter` when the checkpoint was written after it. Rows written after the
   * checkpoint (by a run that crashed later) would otherwise appear twice.
   */
  truncateTo(iter: number, evaluated: boolean): void {
    if (!existsSync(this.path)) return this.reset();
    const [header, ...rows] = readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    const kept = rows.filter((line) => {
      const cells = line.split(',');
      const rowIter = Number(cells[0]);
      const isEval = cells[4] !== '' && cells[4] !== undefined;
      return rowIter < iter || (evaluated && isEval && rowIter === iter);
    });
    this.#write(() => writeFileSync(this.path, [header === LOG_HEADER ? header : LOG_HEADER, ...kept, ''].join('\n')));
  }

  /** Appends one row. */
  append(row: LogRow): void {
    const cells =
      'loss' in row
        ? [row.iter, row.loss, row.lr, row.ms.toFixed(1), '', '']
        : [row.iter, '', '', '', row.trainLoss, row.valLoss];
    this.#write(() => appendFileSync(this.path, `${cells.join(',')}\n`));
  }

  /** Runs a write of the log, a file-system error (a full disk, say) turned into one sentence. */
  #write(write: () => void): void {
    try {
      write();
    } catch (err) {
      throw writeError(`the loss log ${this.path}`, err);
    }
  }
}
