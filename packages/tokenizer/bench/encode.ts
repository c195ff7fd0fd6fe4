// Times encoding and decoding 1 MB of text with both tokenizers, and GPT-2's one-off load, against simple baselines in the same run.
import { BpeTokenizer, CharTokenizer } from '../src/index.js';

// About 1 MB of English-like text (tiny Shakespeare's size), built deterministically from a word list.
const words = `the and of to a in that is was he for it with as his on be at by I had not are but from or have an
  they which one you were her all she there would their we him been has when who will more no if out so said what up its
  about into than them can only other new some could time these two may then do first any my now such like our over man
  me even most made after also did many before must through back years where much your way well down should because
  each just those people Mr how too little state good very make world still own see men work long get here between both
  life being under never day same another know while last might us great old year off come since against go came right
  used take three`.split(/\s+/);
const parts: string[] = [];
for (let i = 0, length = 0; length < 1_000_000; i++) {
  const word = words[(i * 7919 + ((i * i) % 131)) % words.length]!;
  const piece = i % 17 === 16 ? `${word}.\n` : i % 7 === 6 ? `${word}, ` : `${word} `;
  parts.push(i % 17 === 0 ? word[0]!.toUpperCase() + piece.slice(1) : piece);
  length += piece.length;
}
const text = parts.join('');
const megabytes = new TextEncoder().encode(text).length / 1e6;

/** Median milliseconds of `rounds` runs of `fn`. */
function time(fn: () => unknown, rounds = 5): number {
  fn();
  const ms: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const start = performance.now();
    fn();
    ms.push(performance.now() - start);
  }
  return ms.sort((a, b) => a - b)[rounds >> 1]!;
}

const loadStart = performance.now();
const gpt2 = await BpeTokenizer.load();
const loadMs = performance.now() - loadStart;

const chars = CharTokenizer.fromText(text);
const stoi = new Map(chars.chars.map((c, i) => [c, i]));
/** The obvious character encoder: a Map lookup per character of `for…of`. */
const naiveEncode = (s: string): Int32Array => Int32Array.from(s, (c) => stoi.get(c)!);
const charIds = chars.encode(text);
const gptIds = gpt2.encode(text);

const rows: [string, number][] = [
  ['CharTokenizer.fromText (build the vocabulary)', time(() => CharTokenizer.fromText(text))],
  ['CharTokenizer.encode', time(() => chars.encode(text))],
  ['  baseline: Map lookup per for…of character', time(() => naiveEncode(text))],
  ['CharTokenizer.decode', time(() => chars.decode(charIds))],
  ['BpeTokenizer.encode (GPT-2)', time(() => gpt2.encode(text), 3)],
  ['BpeTokenizer.decode (GPT-2)', time(() => gpt2.decode(gptIds))],
];
console.log(
  `${megabytes.toFixed(2)} MB of text: ${charIds.length.toLocaleString('en')} characters, ` +
    `${gptIds.length.toLocaleString('en')} GPT-2 tokens`,
);
console.log(`BpeTokenizer.load() (first import of r50k_base): ${loadMs.toFixed(0)} ms\n`);
console.log('| operation | ms | MB/s |');
console.log('| --- | --- | --- |');
for (const [name, ms] of rows) console.log(`| ${name} | ${ms.toFixed(1)} | ${(megabytes / (ms / 1000)).toFixed(1)} |`);
