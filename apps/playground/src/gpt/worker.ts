// The GPT worker: owns the wasm backend and the run, trains it step by step (nanoGPT's loop), and answers the page's
// sampling and attention questions between steps.
import { Rng, clipGradNorm, constantLr, cosineLr } from '@tinygpt/autograd';
import { useWasmBackend } from '@tinygpt/backend-wasm';
import { estimateLoss, generate, getBatch } from '@tinygpt/char-gpt/browser';
import { describeDistribution, tokenLabel } from './distribution.js';
import { attentionMaps, filteredProbs, nextLogits } from './model-views.js';
import type { Distribution, FromWorker, RunHistory, RunState, SampleKnobs, ToWorker } from './protocol.js';
import { newRun, openRun, runInfo, saveRun } from './run.js';
import type { PlayRun } from './run.js';
import { deleteRun, getRun, putRun } from './store.js';

/** char-gpt's loops yield with Node's setImmediate; a worker gets the same macrotask turn from a MessageChannel. */
const g = globalThis as unknown as { setImmediate?: (fn: () => void) => void };
if (!g.setImmediate) {
  const channel = new MessageChannel();
  const queue: (() => void)[] = [];
  channel.port1.onmessage = () => queue.shift()?.();
  g.setImmediate = (fn) => {
    queue.push(fn);
    channel.port2.postMessage(null);
  };
}
const nextTurn = (): Promise<void> => new Promise((resolve) => g.setImmediate!(resolve));

/** Seconds between automatic saves while training (besides every evaluation, pause and stop). */
const SAVE_EVERY_MS = 10_000;

let run: PlayRun | null = null;
let text: string | null = null;
let state: RunState = 'empty';
let history: RunHistory = { steps: [], evals: [], samples: [] };
let generating = false;
let stopGeneration = false;

const post = (message: FromWorker): void => postMessage(message);

/**
 * The distribution of the next token after `context` under `knobs`, over the tokenizer's ids only:
 * the pad rows of a padded GPT-2 vocabulary (50,304 rows for 50,257 tokens) are never offered.
 */
function nextDistribution(r: PlayRun, context: ArrayLike<number>, knobs: SampleKnobs): Distribution {
  const logits = nextLogits(r.model, context).subarray(0, r.tokenizer.vocabSize);
  return describeDistribution(filteredProbs(logits, knobs), r.tokenizer);
}

/** Where a sample starts: a newline, or a character run's first character when its text has none. */
function sampleStart(r: PlayRun): Int32Array {
  try {
    return r.tokenizer.encode('\n');
  } catch {
    return Int32Array.of(0);
  }
}

/** Whether the browser refused to store this run once already (said once, not at every save). */
let storageRefused = false;

/**
 * Keeps the run in this browser (IndexedDB) for a reload; false when the browser refuses (no room
 * left, a private window's small quota). Training goes on either way: the page says once that the
 * run is not kept and that the download keeps it.
 */
async function save(): Promise<boolean> {
  if (!run) return false;
  // A run saved mid-training comes back paused; one paused, stopped or finished comes back so.
  const kept = state === 'stopped' || state === 'finished' ? state : 'paused';
  try {
    await putRun({ files: saveRun(run), text, name: run.corpus.name, history, state: kept });
    return true;
  } catch (err) {
    if (!storageRefused) {
      const why = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      post({
        type: 'error',
        message: `this browser would not keep the run (${why}); training goes on: download the checkpoint to keep it`,
      });
    }
    storageRefused = true;
    return false;
  }
}

/** nanoGPT's loop from wherever the run stands, until paused, stopped or done. */
async function trainLoop(): Promise<void> {
  const r = run!;
  const splits = r.splits!;
  const { config } = r;
  const { batchSize: B, blockSize: T, gradAccum, evalInterval, maxIters } = config;
  const lrAt = config.decayLr ? cosineLr(config) : constantLr(config.learningRate);
  const params = r.model.parameters();
  const { optimizer } = r.opt;
  let lastSave = performance.now();
  r.model.train();
  while (state === 'training') {
    if ((r.iter % evalInterval === 0 || r.iter === maxIters) && !r.evaluated) {
      const losses = await estimateLoss(r.model, splits, { ...config, rng: r.rng });
      r.bestValLoss = Math.min(losses.val, r.bestValLoss ?? Infinity);
      history.evals.push([r.iter, losses.train, losses.val]);
      post({ type: 'eval', iter: r.iter, train: losses.train, val: losses.val });
      const ids = await generate(r.model, sampleStart(r), {
        maxNewTokens: config.sampleChars,
        temperature: 0.8,
        topK: 200,
        rng: r.rng,
        sampleableIds: r.tokenizer.vocabSize,
      });
      const sample = r.tokenizer.decode(ids);
      history.samples.push([r.iter, sample]);
      post({ type: 'sample', iter: r.iter, text: sample });
      r.evaluated = true;
      await save();
      lastSave = performance.now();
    }
    if (r.iter >= maxIters) {
      state = 'finished';
      break;
    }
    const t0 = performance.now();
    const lr = lrAt(r.iter);
    optimizer.lr = lr;
    let loss = 0;
    for (let micro = 0; micro < gradAccum; micro++) {
      const { x, y, shape } = getBatch(splits.train, B, T, r.rng);
      const microLoss = r.model.forward(x, shape, { targets: y }).loss!;
      loss += microLoss.item() / gradAccum;
      microLoss.div(gradAccum).backward();
    }
    if (!Number.isFinite(loss)) {
      state = 'stopped';
      post({ type: 'error', message: `the loss became ${loss} at iteration ${r.iter}; lower the learning rate` });
      break;
    }
    if (config.gradClip > 0) clipGradNorm(params, config.gradClip);
    optimizer.step();
    optimizer.zeroGrad();
    const ms = performance.now() - t0;
    history.steps.push([r.iter, loss]);
    r.iter++;
    r.evaluated = false;
    post({ type: 'step', iter: r.iter, loss, ms, tokensPerSec: (B * T * gradAccum * 1000) / ms });
    if (performance.now() - lastSave > SAVE_EVERY_MS) {
      await save();
      lastSave = performance.now();
    }
    await nextTurn();
  }
  post({ type: 'state', state, iter: r.iter, saved: await save() });
}

function announce(): void {
  if (run) post({ type: 'model', info: runInfo(run), history, state });
}

async function handle(msg: ToWorker): Promise<void> {
  switch (msg.type) {
    case 'init': {
      const backend = await useWasmBackend({ threads: msg.threads });
      post({ type: 'ready', threads: backend.threads, isolated: self.crossOriginIsolated });
      return;
    }
    case 'train':
      if (state === 'training') throw new Error('a run is already training: stop it first');
      run = newRun(msg.config, msg.text, msg.corpusName);
      text = msg.text;
      storageRefused = false;
      history = { steps: [], evals: [], samples: [] };
      state = 'training';
      announce();
      return trainLoop();
    case 'pause':
      if (state === 'training') state = 'paused';
      return;
    case 'stop':
      if (state === 'training') state = 'stopped';
      else if (state === 'paused') {
        state = 'stopped';
        post({ type: 'state', state, iter: run?.iter ?? 0, saved: await save() });
      }
      return;
    case 'resume':
      if (!run?.splits || (state !== 'paused' && state !== 'stopped' && state !== 'loaded')) return;
      if (run.iter >= run.config.maxIters && run.evaluated) return;
      state = 'training';
      post({ type: 'state', state, iter: run.iter, saved: false });
      return trainLoop();
    case 'restore': {
      const stored = await getRun();
      if (stored && state === 'empty') {
        run = await openRun(stored.files, stored.name, stored.text);
        text = stored.text;
        history = stored.history;
        state = stored.state ?? 'paused';
        announce();
      }
      post({ type: 'reply', id: msg.id, value: stored !== null });
      return;
    }
    case 'forget':
      await deleteRun();
      post({ type: 'reply', id: msg.id, value: true });
      return;
    case 'export':
      if (!run) throw new Error('there is no model to download yet');
      post({ type: 'reply', id: msg.id, value: saveRun(run) });
      return;
    case 'open': {
      if (state === 'training') throw new Error('stop the training run before opening another model');
      run = await openRun(msg.files, msg.name, null);
      text = null;
      history = { steps: [], evals: [], samples: [] };
      state = 'loaded';
      announce();
      post({ type: 'reply', id: msg.id, value: runInfo(run) });
      return;
    }
    case 'dist': {
      if (!run) throw new Error('there is no model yet: train one or open a checkpoint');
      const context = run.tokenizer.encode(msg.prompt || '\n');
      post({ type: 'reply', id: msg.id, value: nextDistribution(run, context, msg.knobs) });
      return;
    }
    case 'generate': {
      if (!run) throw new Error('there is no model yet: train one or open a checkpoint');
      if (generating) throw new Error('already generating');
      const r = run;
      const prompt = r.tokenizer.encode(msg.prompt || '\n');
      const context = Array.from(prompt);
      // Text is released as characters complete: a GPT-2 token may end inside a multi-byte one.
      const stream = r.tokenizer.streamDecoder();
      generating = true;
      stopGeneration = false;
      try {
        await generate(r.model, prompt, {
          maxNewTokens: msg.maxNewTokens,
          temperature: msg.knobs.temperature,
          topK: msg.knobs.topK > 0 ? msg.knobs.topK : undefined,
          topP: msg.knobs.topP < 1 ? msg.knobs.topP : undefined,
          rng: new Rng(msg.seed),
          sampleableIds: r.tokenizer.vocabSize, // never a pad row of a padded vocabulary
          onToken: (id) => {
            if (stopGeneration) throw new GenerationStopped();
            // The distribution this token was drawn from, for the page to show when it is clicked.
            const dist = nextDistribution(r, context, msg.knobs);
            context.push(id);
            const label = tokenLabel(r.tokenizer, id);
            post({ type: 'token', id: msg.id, token: id, text: stream.write(id), label, dist });
          },
        });
      } catch (err) {
        if (!(err instanceof GenerationStopped)) throw err;
      } finally {
        generating = false;
      }
      post({ type: 'reply', id: msg.id, value: stream.end() });
      return;
    }
    case 'stopGenerate':
      stopGeneration = true;
      return;
    case 'attention': {
      if (!run) throw new Error('there is no model yet: train one or open a checkpoint');
      const ids = run.tokenizer.encode(msg.prompt || '\n').slice(-run.model.config.blockSize);
      const tokens = Array.from(ids, (id) => tokenLabel(run!.tokenizer, id));
      post({ type: 'reply', id: msg.id, value: { ids, tokens, maps: attentionMaps(run.model, ids) } });
      return;
    }
  }
}

class GenerationStopped extends Error {}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  handle(msg).catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    post({ type: 'error', message, ...('id' in msg ? { id: msg.id } : {}) });
  });
};
