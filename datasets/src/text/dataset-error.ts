// The one error type every dataset loader throws: a single readable sentence saying what is wrong and what to do.

/**
 * A dataset could not be loaded: the file is missing, malformed, the wrong size, or the download
 * failed. The message is one line meant for the person at the terminal (a CLI prints it as is).
 *
 * @example
 * try { loadTextFile('nope.txt'); } catch (err) { if (err instanceof DatasetError) console.error(err.message); }
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
