// The playground page: tabs for Train, Sample, Attention and Digits over one GPT worker, the backend line, and the tab kept in the URL.
import './style.css';
import { GptClient } from './gpt/client.js';
import type { ModelInfo } from './gpt/protocol.js';
import { attentionTab } from './ui/attention-tab.js';
import { digitsTab } from './ui/digits-tab.js';
import { el, settings, toast } from './ui/dom.js';
import { sampleTab } from './ui/sample-tab.js';
import { trainTab } from './ui/train-tab.js';

const TABS = ['train', 'sample', 'attention', 'digits'] as const;
type Tab = (typeof TABS)[number];

const nav = document.getElementById('tabs')!;
const views = document.getElementById('views')!;
const panels = Object.fromEntries(
  TABS.map((t) => [t, el('div', { class: 'view', id: `view-${t}`, 'data-testid': `view-${t}` })]),
) as unknown as Record<Tab, HTMLElement>;
views.append(...Object.values(panels));
const select = (tab: Tab): void => {
  for (const t of TABS) {
    panels[t].hidden = t !== tab;
    nav.querySelector(`[data-tab=${t}]`)?.classList.toggle('active', t === tab);
  }
  settings.set({ tab });
};
for (const t of TABS) {
  const button = el('button', { text: t[0]!.toUpperCase() + t.slice(1), 'data-tab': t, 'data-testid': `tab-${t}` });
  button.onclick = () => select(t);
  nav.append(button);
}
const initial = settings.get('tab');
select(TABS.includes(initial as Tab) ? (initial as Tab) : 'train');

// Every core where the page is cross-origin isolated (SharedArrayBuffer), one thread elsewhere.
const isolated = self.crossOriginIsolated;
const threads = isolated
  ? Math.max(1, Math.min(navigator.hardwareConcurrency || 1, settings.number('threads', 64)))
  : 1;
const client = new GptClient();
const backendLine = document.getElementById('backend')!;
const sample = sampleTab(panels.sample, client);
const attention = attentionTab(panels.attention, client);
const onModel = (info: ModelInfo): void => {
  sample.setModel(info);
  attention.setModel(info);
};
trainTab(panels.train, client, onModel);
digitsTab(panels.digits);

try {
  const ready = await client.init(threads);
  backendLine.textContent = ready.isolated
    ? `wasm backend · ${ready.threads} thread${ready.threads === 1 ? '' : 's'} (cross-origin isolated)`
    : `wasm backend · 1 thread (page not cross-origin isolated, so no SharedArrayBuffer)`;
  backendLine.dataset.threads = String(ready.threads);
  const restored = await client.request<boolean>({ type: 'restore' });
  document.body.dataset.ready = restored ? 'restored' : 'fresh';
} catch (err) {
  toast((err as Error).message);
  backendLine.textContent = `the backend did not start: ${(err as Error).message}`;
}
