// The Sample tab: temperature, top-k and top-p; streaming text whose characters show the distribution they were drawn
// from; the live next-token bar chart.
import type { GptClient } from '../gpt/client.js';
import type { Distribution, FromWorker, ModelInfo, SampleKnobs } from '../gpt/protocol.js';
import { drawBars, showChar } from './bars.js';
import { el, field, settings, toast } from './dom.js';
import { hooks } from '../test-hooks.js';

/** Builds the tab; `refresh()` recomputes the distribution (after training steps or a new model). */
export function sampleTab(root: HTMLElement, client: GptClient): { setModel(info: ModelInfo): void } {
  const temperature = el('input', { type: 'range', min: 0, max: 2, step: 0.05, 'data-testid': 'temperature' });
  temperature.value = String(settings.number('temperature', 0.8));
  const tempShown = el('output', { 'data-testid': 'temperature-value' });
  const topK = el('input', { type: 'number', min: 0, max: 500, step: 1, 'data-testid': 'top-k' });
  topK.value = String(settings.number('topK', 0));
  const topP = el('input', { type: 'range', min: 0.05, max: 1, step: 0.05, 'data-testid': 'top-p' });
  topP.value = String(settings.number('topP', 1));
  const topPShown = el('output');
  const prompt = el('textarea', { rows: 2, 'data-testid': 'prompt' });
  prompt.value = settings.get('prompt') ?? 'Call me ';
  const length = el('input', {
    type: 'number',
    min: 1,
    max: 2000,
    value: settings.number('length', 200),
    'data-testid': 'length',
  });
  // Not `seed`: that is the training run's (the Train tab's knob).
  const seed = el('input', {
    type: 'number',
    min: 0,
    value: settings.number('sampleSeed', 1337),
    'data-testid': 'sample-seed',
  });
  const go = el('button', { text: 'Generate', 'data-testid': 'generate' });
  const stop = el('button', { text: 'Stop', disabled: true });
  const output = el('div', { class: 'generated', 'data-testid': 'generated' });
  const canvas = el('canvas', { width: 640, height: 240, 'data-testid': 'bars' });
  const caption = el('div', { class: 'status', 'data-testid': 'dist-caption' });
  root.append(
    el('section', { class: 'controls' }, [
      field('prompt', prompt),
      el('div', { class: 'row' }, [
        field('temperature', temperature),
        tempShown,
        field('top-k (0 = off)', topK),
        field('top-p', topP),
        topPShown,
      ]),
      el('div', { class: 'row' }, [field('characters', length), field('seed', seed), go, stop]),
    ]),
    el('section', {}, [output, caption, canvas]),
  );
  let info: ModelInfo | null = null;
  /** The token whose distribution is shown, or null for the next one after the prompt. */
  let picked: { span: HTMLElement; dist: Distribution } | null = null;
  let asking = false;
  let again = false;

  const knobs = (): SampleKnobs => ({
    temperature: Number(temperature.value),
    topK: Math.max(0, Math.round(Number(topK.value))),
    topP: Number(topP.value),
  });
  /** Draws `dist`, drawn under `used` (the knobs of the generation a clicked character came from, else the sliders'). */
  const show = (dist: Distribution, what: string, used: SampleKnobs = knobs()): void => {
    const h = drawBars(canvas, dist);
    caption.dataset.entropy = String(h);
    const filters = (used.topK > 0 ? ` · top-k ${used.topK}` : '') + (used.topP < 1 ? ` · top-p ${used.topP}` : '');
    caption.textContent = `${what} · entropy ${h.toFixed(3)} nats${filters} · temperature ${used.temperature}`;
  };
  /** Asks the worker for the next-token distribution after the prompt, coalescing slider moves. */
  const refresh = async (): Promise<void> => {
    if (picked || !info) return;
    if (asking) {
      again = true;
      return;
    }
    asking = true;
    try {
      const asked = knobs(); // labelled with the knobs it was computed under, not the sliders' by the time it arrives
      const dist = await client.request<Distribution>({ type: 'dist', prompt: prompt.value, knobs: asked });
      // A character clicked meanwhile keeps its distribution on show.
      if (!picked) show(dist, `next ${info.tokenizer === 'gpt2' ? 'token' : 'character'} after the prompt`, asked);
    } catch (err) {
      caption.textContent = (err as Error).message;
    } finally {
      asking = false;
      if (again) {
        again = false;
        void refresh();
      }
    }
  };
  const onKnobs = (): void => {
    tempShown.textContent = Number(temperature.value).toFixed(2);
    topPShown.textContent = Number(topP.value).toFixed(2);
    settings.set({ temperature: temperature.value, topK: topK.value, topP: topP.value, prompt: prompt.value });
    picked?.span.classList.remove('picked');
    picked = null;
    void refresh();
  };
  for (const input of [temperature, topK, topP, prompt]) input.oninput = onKnobs;
  onKnobs();
  length.oninput = seed.oninput = () => settings.set({ length: length.value, sampleSeed: seed.value });
  /** The knobs of the generation in progress (or last), which its characters were drawn under. */
  let drawnWith = knobs();

  client.listen((msg: FromWorker) => {
    if (msg.type === 'eval') void refresh(); // the model being trained has changed
    if (msg.type !== 'token') return;
    // A GPT-2 token that ends inside a multi-byte character shows nothing until a later one completes it.
    const span = el('span', {
      text: msg.text.replace(/\n/g, '⏎\n'),
      title: `token ${msg.token} "${showChar(msg.label)}": click for the distribution it was drawn from`,
    });
    const { dist } = msg;
    const used = drawnWith;
    span.onclick = () => {
      picked?.span.classList.remove('picked');
      picked = { span, dist };
      span.classList.add('picked');
      show(dist, `distribution "${showChar(msg.label)}" was drawn from`, used);
    };
    output.append(span);
    hooks.generated = (hooks.generated ?? '') + msg.text;
    (hooks.generatedIds ??= []).push(msg.token);
  });
  go.onclick = async () => {
    output.replaceChildren(el('span', { class: 'prompt', text: prompt.value }));
    hooks.generated = '';
    hooks.generatedIds = [];
    delete output.dataset.done;
    go.disabled = true;
    stop.disabled = false;
    drawnWith = knobs();
    try {
      // The reply is what the stream decoder still held (an unfinished character: U+FFFD).
      const tail = await client.request<string>({
        type: 'generate',
        prompt: prompt.value,
        maxNewTokens: Math.max(1, Math.round(Number(length.value))),
        knobs: drawnWith,
        seed: Number(seed.value),
      });
      if (tail) {
        output.append(el('span', { text: tail }));
        hooks.generated += tail;
      }
    } catch (err) {
      toast((err as Error).message);
    } finally {
      go.disabled = false;
      stop.disabled = true;
      output.dataset.done = 'true';
    }
  };
  stop.onclick = () => client.send({ type: 'stopGenerate' });
  return {
    setModel(next: ModelInfo) {
      info = next;
      length.previousSibling!.textContent = next.tokenizer === 'gpt2' ? 'tokens' : 'characters';
      picked = null;
      void refresh();
    },
  };
}
