// Test helpers shared by the dataset loaders' tests (not part of the package's build).
import { expect } from 'vitest';
import { DatasetError } from './text/dataset-error.js';

/** The message of the DatasetError `fn` throws; fails the test when it throws anything else, or nothing. */
export function datasetErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(DatasetError);
    return (err as Error).message;
  }
  throw new Error('expected a DatasetError, nothing was thrown');
}
