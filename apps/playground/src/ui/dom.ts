// Small DOM helpers: build elements, read settings from the URL and write them back, show an error.

/** Creates `<tag>` with attributes (`text` sets textContent) and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string | number | boolean> = {},
  children: (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === 'text') node.textContent = String(value);
    else if (typeof value === 'boolean') node.toggleAttribute(key, value);
    else node.setAttribute(key, String(value));
  }
  node.append(...children);
  return node;
}

/** The page's settings live in the query string, so a view can be shared by its URL. */
export const settings = {
  get(key: string): string | null {
    return new URLSearchParams(location.search).get(key);
  },
  number(key: string, fallback: number): number {
    const raw = settings.get(key);
    const value = raw === null ? NaN : Number(raw);
    return Number.isFinite(value) ? value : fallback;
  },
  set(values: Record<string, string | number | null>): void {
    const params = new URLSearchParams(location.search);
    for (const [key, value] of Object.entries(values)) {
      if (value === null) params.delete(key);
      else params.set(key, String(value));
    }
    history.replaceState(null, '', `${location.pathname}?${params.toString()}`);
  },
};

/** Shows `message` for a few seconds (errors from the worker, bad files). */
export function toast(message: string): void {
  const box = document.getElementById('toast')!;
  box.textContent = message;
  box.hidden = false;
  clearTimeout(Number(box.dataset.timer));
  box.dataset.timer = String(setTimeout(() => (box.hidden = true), 6000));
}

/** A labelled control. */
export function field(label: string, control: HTMLElement): HTMLLabelElement {
  return el('label', { class: 'field' }, [el('span', { text: label }), control]);
}
