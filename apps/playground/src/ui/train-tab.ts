// The Train tab: corpus, preset and knobs, start/pause/resume/stop, the live loss chart, samples, tokens per second, download and open.
import type { TrainConfig } from '@tinygpt/char-gpt/browser';
import type { GptClient } from '../gpt/client.js';
import { KNOBS, PRESETS, presetConfig } from '../gpt/presets.js';
import type { PresetName } from '../gpt/presets.js';
import type { DirFiles, FromWorker, ModelInfo, RunHistory, RunState } from '../gpt/protocol.js';
import { downloadZip, readPicked } from './files.js';
import { el, field, settings, toast } from './dom.js';
import { LossChart } from './loss-chart.js';
import { hooks } from '../test-hooks.js';

/**
 * The status line: a run of the page by its state, iteration, corpus and last loss; an opened model by its
 * directory (a checkpoint's iteration and corpus as it records them; an exchange directory records neither).
 */
function describe(info: ModelInfo, state: RunState, iter: number, history: RunHistory): string {
  const size =
    `${info.params.toLocaleString()} parameters · ` +
    `vocabulary ${info.vocabSize}${info.tokenizer === 'gpt2' ? ' (GPT-2 tokens)' : ''}`;
  const { origin } = info;
  if (origin.kind === 'exchange') return `${state} · ${origin.name}: pnpm export directory · ${size}`;
  if (origin.kind === 'checkpoint') {
    const at = `pnpm pretrain checkpoint at iteration ${iter} / ${info.maxIters}`;
    return `${state} · ${origin.name}: ${at} · ${size} · trained on ${info.source}`;
  }
  const last = history.steps.at(-1);
  return (
    `${state} · iteration ${iter} / ${info.maxIters} · ${size} · ${info.source}` +
    (last ? ` · loss ${last[1].toFixed(4)}` : '')
  );
}

/** Builds the tab into `root`; resolves the stored run (if any) once the worker has restored it. */
export function trainTab(root: HTMLElement, client: GptClient, onModel: (info: ModelInfo) => void): void {
  const preset = el(
    'select',
    { 'data-testid': 'preset' },
    Object.keys(PRESETS).map((p) => el('option', { value: p, text: p })),
  );
  preset.value = settings.get('preset') ?? 'small';
  const knobInputs = new Map<keyof TrainConfig, HTMLInputElement>();
  const knobBox = el('div', { class: 'knobs' });
  const fillKnobs = (): void => {
    const config = presetConfig(preset.value as PresetName);
    for (const [key, min, max, step] of KNOBS) {
      let input = knobInputs.get(key);
      if (!input) {
        input = el('input', { type: 'number', min, max, step, 'data-testid': `knob-${key}` });
        input.oninput = () => settings.set({ [key]: input!.value });
        knobInputs.set(key, input);
        knobBox.append(field(key, input));
      }
      input.value = String(settings.number(key, config[key]));
    }
  };
  preset.onchange = () => {
    settings.set({ preset: preset.value, ...Object.fromEntries(KNOBS.map(([k]) => [k, null])) });
    fillKnobs();
  };
  fillKnobs();

  const corpus = el('textarea', {
    rows: 4,
    placeholder: 'Paste or drop a text file here to train on it (empty: a 200 KB slice of Moby Dick)',
    'data-testid': 'corpus',
  });
  corpus.ondragover = (e) => e.preventDefault();
  corpus.ondrop = async (e) => {
    e.preventDefault();
    const file = e.dataTransfer?.files[0];
    if (file) corpus.value = await file.text();
  };

  const buttons = {
    train: el('button', { text: 'Train new', 'data-testid': 'train' }),
    pause: el('button', { text: 'Pause', 'data-testid': 'pause', disabled: true }),
    resume: el('button', { text: 'Resume', 'data-testid': 'resume', disabled: true }),
    stop: el('button', { text: 'Stop', 'data-testid': 'stop', disabled: true }),
    download: el('button', { text: 'Download checkpoint (.zip)', 'data-testid': 'download', disabled: true }),
  };
  const openFiles = el('input', {
    type: 'file',
    multiple: true,
    accept: '.json,.safetensors,.zip',
    'data-testid': 'open-files',
  });
  const forget = el('button', { text: 'Forget the saved run', title: 'delete the checkpoint kept in this browser' });
  const openDir = el('input', { type: 'file', webkitdirectory: true, 'data-testid': 'open-dir' });
  const status = el('div', { class: 'status', 'data-testid': 'train-status', text: 'no run yet' });
  const speed = el('div', { class: 'status', 'data-testid': 'speed' });
  const chartBox = el('div', { class: 'chart' });
  const samples = el('div', { class: 'samples', 'data-testid': 'samples' });
  root.append(
    el('section', { class: 'controls' }, [
      field('preset', preset),
      knobBox,
      corpus,
      el('div', { class: 'row' }, [...Object.values(buttons), forget]),
      el('div', { class: 'row' }, [field('open checkpoint files or zip', openFiles), field('open a folder', openDir)]),
    ]),
    el('section', {}, [status, speed, chartBox, el('h3', { text: 'Samples at each evaluation' }), samples]),
  );
  const chart = new LossChart(chartBox);
  let history: RunHistory = { steps: [], evals: [], samples: [] };
  let info: ModelInfo | null = null;
  let iter = 0;
  let state: RunState = 'empty';

  const showState = (next: RunState): void => {
    state = next;
    buttons.pause.disabled = state !== 'training';
    buttons.resume.disabled = !(info?.trainable && (state === 'paused' || state === 'stopped'));
    buttons.stop.disabled = state !== 'training' && state !== 'paused';
    buttons.download.disabled = info === null;
    buttons.train.disabled = state === 'training';
    root.dataset.state = state;
    status.dataset.iter = String(iter);
    status.textContent = info ? describe(info, state, iter, history) : 'no run yet';
  };
  const addSample = (sampleIter: number, text: string): void => {
    samples.prepend(el('pre', { text: `iter ${sampleIter}:\n${text}` }));
  };

  client.listen((msg: FromWorker) => {
    switch (msg.type) {
      case 'model':
        info = msg.info;
        iter = msg.info.iter;
        history = msg.history;
        hooks.history = history;
        hooks.info = info;
        chart.show(history);
        samples.replaceChildren();
        for (const [i, text] of history.samples) addSample(i, text);
        onModel(msg.info);
        showState(msg.state);
        break;
      case 'step':
        iter = msg.iter;
        history.steps.push([msg.iter - 1, msg.loss]);
        speed.textContent = `${Math.round(msg.tokensPerSec).toLocaleString()} tokens/s · ${msg.ms.toFixed(0)} ms/step`;
        speed.dataset.tokensPerSec = String(msg.tokensPerSec);
        (hooks.stepMs ??= []).push(msg.ms);
        chart.update();
        showState('training');
        break;
      case 'eval':
        history.evals.push([msg.iter, msg.train, msg.val]);
        chart.update();
        break;
      case 'sample':
        history.samples.push([msg.iter, msg.text]);
        addSample(msg.iter, msg.text);
        break;
      case 'state':
        iter = msg.iter;
        if (info) info.iter = msg.iter;
        showState(msg.state);
        break;
      case 'error':
        toast(msg.message);
        break;
    }
  });

  buttons.train.onclick = async () => {
    const overrides: Partial<TrainConfig> = {};
    for (const [key, input] of knobInputs) (overrides as Record<string, number>)[key] = Number(input.value);
    const config = presetConfig(preset.value as PresetName, overrides);
    let text = corpus.value;
    let name = 'pasted text';
    if (!text) {
      text = await (await fetch(new URL('generated/moby-dick.txt', document.baseURI))).text();
      name = 'moby-dick (first 200,000 characters)';
    }
    client.send({ type: 'train', config: { ...config, data: name }, text, corpusName: name });
  };
  buttons.pause.onclick = () => client.send({ type: 'pause' });
  buttons.resume.onclick = () => client.send({ type: 'resume' });
  buttons.stop.onclick = () => client.send({ type: 'stop' });
  buttons.download.onclick = async () => downloadZip('tinygpt-run', await client.request<DirFiles>({ type: 'export' }));
  const open = async (list: FileList | null): Promise<void> => {
    if (!list?.length) return;
    try {
      const { name, files } = await readPicked(list);
      await client.request<ModelInfo>({ type: 'open', files, name });
    } catch (err) {
      toast((err as Error).message);
    }
  };
  forget.onclick = async () => {
    await client.request<boolean>({ type: 'forget' });
    toast('the saved run is deleted from this browser; the run in memory stays until you reload');
  };
  openFiles.onchange = () => void open(openFiles.files);
  openDir.onchange = () => void open(openDir.files);
  showState('empty');
}
