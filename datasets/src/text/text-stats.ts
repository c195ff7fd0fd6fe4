// Measures a text corpus the way a character-level model sees it: characters, vocabulary, bytes, lines.

/** What {@link textStats} measures. */
export interface TextStats {
  /** Unicode code points (what Python's `len(text)` counts; equals `text.length` without astral characters). */
  readonly characters: number;
  /** Size of the text encoded as UTF-8. */
  readonly bytes: number;
  /** Line breaks (`\n`), as `wc -l` counts them. */
  readonly lines: number;
  /** The distinct characters, sorted by code point: nanoGPT's `sorted(list(set(data)))`. */
  readonly vocab: readonly string[];
  /** `vocab.length`: the vocabulary size of a character-level tokenizer. */
  readonly vocabSize: number;
}

/**
 * Counts characters, UTF-8 bytes, lines and the character vocabulary of `text`.
 *
 * @example
 * textStats('abca\n'); // { characters: 5, bytes: 5, lines: 1, vocab: ['\n', 'a', 'b', 'c'], vocabSize: 4 }
 */
export function textStats(text: string): TextStats {
  const seen = new Set<string>();
  let characters = 0;
  let lines = 0;
  for (const ch of text) {
    characters++;
    if (ch === '\n') lines++;
    seen.add(ch);
  }
  const vocab = [...seen].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  return { characters, bytes: Buffer.byteLength(text, 'utf8'), lines, vocab, vocabSize: vocab.length };
}
