// Scores a trained network on the MNIST test images: accuracy and the confusion matrix of true against predicted digits.
import type { MnistSet } from '@tinygpt/datasets/mnist';
import type { Mlp } from '@tinygpt/mlp';
import { predictSet } from './model.js';

/** Test accuracy and the 10×10 confusion matrix. */
export interface Evaluation {
  /** Images scored. */
  count: number;
  /** Fraction classified correctly, in [0, 1]. */
  accuracy: number;
  /** `confusion[label][prediction]` = how many images of digit `label` the network called `prediction`. */
  confusion: number[][];
}

/** Classifies every image of `set` and tallies the results. */
export function evaluate(model: Mlp, set: MnistSet): Evaluation {
  const predictions = predictSet(model, set);
  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  let correct = 0;
  for (let i = 0; i < set.count; i++) {
    const label = set.labels[i]!;
    const predicted = predictions[i]!;
    confusion[label]![predicted]!++;
    if (label === predicted) correct++;
  }
  return { count: set.count, accuracy: set.count === 0 ? 0 : correct / set.count, confusion };
}

/**
 * The confusion matrix as a text table: one row per true digit, one column per predicted digit,
 * the diagonal (correct answers) in brackets, and each row's accuracy at its end.
 *
 * @example
 * formatConfusion(evaluate(model, test).confusion);
 * // true\pred     0      1 …      9    right
 * //         0  [971]      0 …      1    99.1%
 */
export function formatConfusion(confusion: number[][]): string {
  // Every number ends in the same column as its header digit; the diagonal's brackets sit around it.
  const cell = (n: number, diagonal: boolean): string => (diagonal ? `[${n}]`.padStart(7) : `${n} `.padStart(7));
  const lines = [`true\\pred${Array.from({ length: 10 }, (_, d) => `${d} `.padStart(7)).join('')}   right`];
  confusion.forEach((row, label) => {
    const total = row.reduce((a, b) => a + b, 0);
    const right = total === 0 ? '-' : `${((100 * row[label]!) / total).toFixed(1)}%`;
    lines.push(`${String(label).padStart(9)}${row.map((n, p) => cell(n, p === label)).join('')}  ${right.padStart(6)}`);
  });
  return lines.join('\n');
}
