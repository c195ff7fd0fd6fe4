// The live loss chart of the Train tab (uPlot): the loss of every step, and the train and validation losses of each evaluation.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { RunHistory } from '../gpt/protocol.js';

/** A chart that redraws from a RunHistory at most once per animation frame. */
export class LossChart {
  private readonly plot: uPlot;
  private history: RunHistory = { steps: [], evals: [], samples: [] };
  private queued = false;

  constructor(parent: HTMLElement) {
    this.plot = new uPlot(
      {
        width: Math.min(720, parent.clientWidth || 720),
        height: 260,
        scales: { x: { time: false } },
        axes: [{ label: 'iteration' }, { label: 'loss (nats)' }],
        series: [
          {},
          { label: 'step', stroke: '#9ab', width: 1 },
          { label: 'train (eval)', stroke: '#1f6feb', width: 2, spanGaps: true, points: { show: true } },
          { label: 'val (eval)', stroke: '#d1242f', width: 2, spanGaps: true, points: { show: true } },
        ],
      },
      [[], [], [], []],
      parent,
    );
  }

  /** Shows `history` (kept by reference: call `update()` after appending to it). */
  show(history: RunHistory): void {
    this.history = history;
    this.update();
  }

  update(): void {
    if (this.queued) return;
    this.queued = true;
    requestAnimationFrame(() => {
      this.queued = false;
      const rows = new Map<number, [number | null, number | null, number | null]>();
      for (const [iter, loss] of this.history.steps) rows.set(iter, [loss, null, null]);
      for (const [iter, train, val] of this.history.evals) {
        const row = rows.get(iter) ?? [null, null, null];
        rows.set(iter, [row[0], train, val]);
      }
      const iters = [...rows.keys()].sort((a, b) => a - b);
      const col = (i: 0 | 1 | 2): (number | null)[] => iters.map((it) => rows.get(it)![i]);
      this.plot.setData([iters, col(0), col(1), col(2)]);
    });
  }
}
