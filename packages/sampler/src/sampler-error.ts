// The one error type of the sampler, so a command-line tool can print its message and exit.

/**
 * Thrown for bad sampling input: NaN or +Infinity logits, a temperature, topK, topP or minP out of
 * range, a missing or broken random number generator. Its message is one line, fit to print as is.
 */
export class SamplerError extends Error {
  override readonly name = 'SamplerError';
}
