// The memory figures: nanoGPT's baby config for 1,000 training steps and 20,000 tokens (STEPS,
// TOKENS, BACKENDS=wasm,js), no event-loop turn.
import { cpuBackend, getBackend, setBackend } from '@tinygpt/autograd';
import { selectBackend } from '@tinygpt/backend-wasm';
import { babyShape, generationMemory, trainingMemory } from './memory.js';
import type { LoopMemory } from './memory.js';

const MIB = 1 << 20;
const steps = Number(process.env.STEPS ?? 1000);
const tokens = Number(process.env.TOKENS ?? 20_000);
/** Which backends to check (comma-separated), both by default. */
const backends = (process.env.BACKENDS ?? 'wasm,js').split(',');

/** One line per loop: the marks in MiB, and whether the last equals the one after two steps. */
function report(what: string, m: LoopMemory): boolean {
  const mib = (b: number): string => (b / MIB).toFixed(2);
  const flat = m.atEnd.highWater === m.afterTwo.highWater && m.atEnd.memory === m.afterTwo.memory;
  console.log(
    `${what.padEnd(34)} high-water ${mib(m.afterTwo.highWater)} MiB after 2, ${mib(m.atEnd.highWater)} MiB after ${m.count}` +
      (m.atEnd.memory === undefined ? '' : `; wasm memory ${mib(m.afterTwo.memory!)} → ${mib(m.atEnd.memory)} MiB`) +
      `; live after dispose ${m.disposed.live === m.before.live ? 'back to start' : `${m.disposed.live - m.before.live} bytes left`}` +
      ` — ${flat ? 'flat' : 'GREW'} (${(m.ms / m.count).toFixed(1)} ms each)`,
  );
  return flat && m.disposed.live === m.before.live;
}

let ok = true;
console.log(`baby config (4L/4H/128, block 64, batch 12), no event-loop turn`);
if (backends.includes('wasm')) {
  await selectBackend({ backend: 'wasm', threads: 0 }); // the apps' default settings
  const wasm = getBackend();
  ok = report(`wasm: ${steps} training steps`, trainingMemory(babyShape, steps)) && ok;
  ok = report(`wasm: ${tokens} generated tokens`, generationMemory(babyShape, tokens)) && ok;
  (wasm as { close?: () => void }).close?.();
}
if (backends.includes('js')) {
  setBackend(cpuBackend);
  ok = report(`js: ${steps} training steps`, trainingMemory(babyShape, steps)) && ok;
  ok = report(`js: ${tokens} generated tokens`, generationMemory(babyShape, tokens)) && ok;
}
process.exitCode = ok ? 0 : 1;
