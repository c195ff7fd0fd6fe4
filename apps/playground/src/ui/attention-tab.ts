// The Attention tab: for the prompt, one T × T causal heatmap per layer and head; hovering a cell reads the two tokens and the weight.
import type { GptClient } from '../gpt/client.js';
import type { ModelInfo } from '../gpt/protocol.js';
import { showChar } from './bars.js';
import { el, field, settings, toast } from './dom.js';
import { hooks } from '../test-hooks.js';

/** The maps the worker returns: the prompt's ids, their tokens as text and, per layer, (nHead, T, T) weights. */
export interface AttentionResult {
  ids: Int32Array;
  tokens: string[];
  maps: Float32Array[];
}

const CELL = 12;

/** Builds the tab; `setModel` redraws for a new model, `last` is what is shown (for tests). */
export function attentionTab(root: HTMLElement, client: GptClient): { setModel(info: ModelInfo): void } {
  const prompt = el('input', { type: 'text', size: 40, 'data-testid': 'attention-prompt' });
  prompt.value = settings.get('attnPrompt') ?? 'Call me Ishmael.';
  const show = el('button', { text: 'Show attention', 'data-testid': 'attention-show' });
  const grid = el('div', { class: 'heads', 'data-testid': 'attention-grid' });
  const readout = el('div', { class: 'status', 'data-testid': 'attention-readout', text: 'hover a cell' });
  root.append(
    el('section', { class: 'controls' }, [el('div', { class: 'row' }, [field('prompt', prompt), show])]),
    readout,
    grid,
  );
  let info: ModelInfo | null = null;

  const draw = ({ ids, maps, ...result }: AttentionResult): void => {
    const T = ids.length;
    const tokens = result.tokens.map(showChar);
    grid.replaceChildren();
    maps.forEach((layer, l) => {
      const nHead = layer.length / (T * T);
      const row = el('div', { class: 'row' }, [el('span', { class: 'layer', text: `layer ${l}` })]);
      for (let h = 0; h < nHead; h++) {
        const canvas = el('canvas', {
          width: T * CELL,
          height: T * CELL,
          title: `layer ${l} head ${h}`,
          'data-testid': `head-${l}-${h}`,
        });
        const ctx = canvas.getContext('2d')!;
        for (let i = 0; i < T; i++) {
          for (let j = 0; j < T; j++) {
            const w = layer[(h * T + i) * T + j]!;
            // Darker = more attention; the masked upper triangle stays white.
            const shade = Math.round(255 * (1 - Math.sqrt(w)));
            ctx.fillStyle = `rgb(${shade},${shade},255)`;
            ctx.fillRect(j * CELL, i * CELL, CELL, CELL);
          }
        }
        canvas.onmousemove = (e) => {
          const i = Math.min(T - 1, Math.floor(e.offsetY / CELL));
          const j = Math.min(T - 1, Math.floor(e.offsetX / CELL));
          const w = layer[(h * T + i) * T + j]!;
          readout.textContent =
            `layer ${l} head ${h}: "${tokens[i]}" (position ${i}) attends to "${tokens[j]}" (position ${j}) ` +
            `with weight ${w.toFixed(4)}`;
        };
        row.append(el('figure', {}, [canvas, el('figcaption', { text: `head ${h}` })]));
      }
      grid.append(row);
    });
  };
  const refresh = async (): Promise<void> => {
    if (!info) return;
    try {
      const result = await client.request<AttentionResult>({ type: 'attention', prompt: prompt.value });
      hooks.attention = result;
      draw(result);
    } catch (err) {
      toast((err as Error).message);
    }
  };
  prompt.oninput = () => settings.set({ attnPrompt: prompt.value });
  show.onclick = () => void refresh();
  return {
    setModel(next: ModelInfo) {
      info = next;
      void refresh();
    },
  };
}
