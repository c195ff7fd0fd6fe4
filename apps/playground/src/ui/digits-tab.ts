// The Digits tab: a canvas to draw on, its MNIST-preprocessed 28 × 28 input, the hidden and output neurons lighting
// up, in-page training, an opened checkpoint, and the first layer's weights as pictures.
import { SIDE, centerDigit } from '@tinygpt/mnist-mlp/preprocess';
import {
  accuracy,
  activations,
  decodeDigits,
  newDigitNet,
  openDigitCheckpoint,
  trainDigitNet,
} from '../digits/digit-net.js';
import type { DigitNet, DigitSet } from '../digits/digit-net.js';
import { el, field, settings, toast } from './dom.js';
import { readPicked } from './files.js';

const PAD = 280;

async function fetchDigits(split: 'train' | 'test'): Promise<DigitSet> {
  const res = await fetch(new URL(`generated/mnist-${split}.bin`, document.baseURI));
  if (!res.ok) throw new Error(`could not load the ${split} digits (${res.status})`);
  return decodeDigits(new Uint8Array(await res.arrayBuffer()));
}

/** Paints a 28 × 28 grey image (values in [0, 1]) into `canvas`, scaled. */
function paintDigit(canvas: HTMLCanvasElement, pixels: Float32Array, signed = false): void {
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(SIDE, SIDE);
  const max = signed ? Math.max(1e-6, ...pixels.map(Math.abs)) : 1;
  pixels.forEach((v, i) => {
    const a = Math.min(1, Math.abs(v) / max);
    const [r, g, b] = signed
      ? v > 0
        ? [255 * (1 - a), 255 * (1 - a), 255]
        : [255, 255 * (1 - a), 255 * (1 - a)]
      : [255 * v, 255 * v, 255 * v];
    img.data.set([r, g, b, 255], i * 4);
  });
  const tmp = new OffscreenCanvas(SIDE, SIDE);
  tmp.getContext('2d')!.putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
}

/** Builds the tab into `root`. */
export function digitsTab(root: HTMLElement): void {
  const pad = el('canvas', { width: PAD, height: PAD, class: 'draw', 'data-testid': 'digit-pad' });
  const input = el('canvas', { width: 112, height: 112, 'data-testid': 'digit-input' });
  const clear = el('button', { text: 'Clear', 'data-testid': 'digit-clear' });
  const epochs = el('input', {
    type: 'number',
    min: 1,
    max: 30,
    value: settings.number('epochs', 3),
    'data-testid': 'digit-epochs',
  });
  epochs.oninput = () => settings.set({ epochs: epochs.value });
  const train = el('button', { text: 'Train 784-16-16-10 here', 'data-testid': 'digit-train' });
  const open = el('input', {
    type: 'file',
    multiple: true,
    accept: '.json,.safetensors,.zip',
    'data-testid': 'digit-open',
  });
  const status = el('div', {
    class: 'status',
    'data-testid': 'digit-status',
    text: 'an untrained network: train it here or open a `pnpm mnist train` checkpoint',
  });
  const layersBox = el('div', { 'data-testid': 'digit-layers' });
  const prediction = el('div', { class: 'status', 'data-testid': 'digit-prediction' });
  const weights = el('div', { class: 'weights', 'data-testid': 'digit-weights' });
  root.append(
    el('div', { class: 'digits' }, [
      el('div', {}, [pad, el('div', { class: 'row' }, [clear])]),
      el('div', {}, [el('div', { text: 'what the network sees (28 × 28)' }), input, prediction, layersBox]),
    ]),
    el('div', { class: 'row' }, [field('epochs', epochs), train, field('open an MNIST checkpoint', open)]),
    status,
    el('h3', { text: 'First-layer weights (blue +, red −), one picture per hidden neuron' }),
    weights,
  );
  const ctx = pad.getContext('2d', { willReadFrequently: true })!;
  const wipe = (): void => {
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, PAD, PAD);
  };
  wipe();
  let net: DigitNet = newDigitNet();

  const showWeights = (): void => {
    const first = net.model.layers[0]!.weight; // (16, 784)
    const [H] = first.shape as [number, number];
    weights.replaceChildren();
    for (let h = 0; h < H; h++) {
      const c = el('canvas', { width: 56, height: 56, title: `hidden neuron ${h}` });
      paintDigit(c, first.data.subarray(h * 784, (h + 1) * 784), true);
      weights.append(c);
    }
  };
  const update = (): void => {
    const rgba = ctx.getImageData(0, 0, PAD, PAD).data;
    const gray = new Float32Array(PAD * PAD);
    for (let i = 0; i < gray.length; i++) gray[i] = rgba[i * 4]! / 255;
    const pixels = centerDigit(gray, PAD, PAD);
    layersBox.replaceChildren();
    if (!pixels) {
      prediction.textContent = 'draw a digit';
      delete prediction.dataset.digit;
      return;
    }
    paintDigit(input, pixels);
    const acts = activations(net, pixels);
    acts.forEach((layer, l) => {
      const output = l === acts.length - 1;
      const row = el('div', { class: 'neurons' });
      // Sigmoids and softmax lie in [0, 1]; ReLU activations are shown relative to the layer's largest.
      const top = Math.max(1, ...layer);
      layer.forEach((a, i) => {
        const shade = Math.round((255 * a) / top);
        row.append(
          el('div', {
            class: 'neuron',
            style: `background: rgb(${shade},${shade},${shade}); color: ${a / top > 0.5 ? '#000' : '#fff'}`,
            text: output ? i : '',
            title: a.toFixed(3),
          }),
        );
      });
      layersBox.append(el('div', { text: output ? 'outputs 0–9' : `hidden layer ${l + 1}` }), row);
    });
    const out = Array.from(acts.at(-1)!);
    const best = out.indexOf(Math.max(...out));
    prediction.dataset.digit = String(best);
    prediction.textContent = `it reads ${best} (${out[best]!.toFixed(3)})`;
  };

  let drawing = false;
  let queued = false;
  const queue = (): void => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      update();
    });
  };
  pad.onpointerdown = (e) => {
    drawing = true;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = 22;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(e.offsetX, e.offsetY);
    ctx.lineTo(e.offsetX + 0.1, e.offsetY);
    ctx.stroke();
    queue();
  };
  pad.onpointermove = (e) => {
    if (!drawing) return;
    ctx.lineTo(e.offsetX, e.offsetY);
    ctx.stroke();
    queue();
  };
  pad.onpointerup = pad.onpointerleave = () => {
    drawing = false;
    queue();
  };
  clear.onclick = () => {
    wipe();
    update();
  };
  train.onclick = async () => {
    train.disabled = true;
    try {
      const [data, test] = await Promise.all([fetchDigits('train'), fetchDigits('test')]);
      net = newDigitNet();
      const t0 = performance.now();
      await trainDigitNet(net, data, {
        epochs: Math.max(1, Math.round(Number(epochs.value))),
        onEpoch: (epoch, cost) => {
          status.textContent = `epoch ${epoch}: cost ${cost.toFixed(4)}`;
          showWeights();
        },
      });
      const secs = (performance.now() - t0) / 1000;
      const percent = (accuracy(net, test) * 100).toFixed(1);
      status.textContent =
        `trained on ${data.count} digits in ${secs.toFixed(1)} s · ` +
        `test accuracy ${percent} % on ${test.count} test digits`;
      update();
    } catch (err) {
      toast((err as Error).message);
    } finally {
      train.disabled = false;
    }
  };
  open.onchange = async () => {
    if (!open.files?.length) return;
    try {
      const { name, files } = await readPicked(open.files);
      net = openDigitCheckpoint(files, name);
      const test = await fetchDigits('test');
      const percent = (accuracy(net, test) * 100).toFixed(1);
      status.textContent = `opened ${name}: ${net.about} · test accuracy ${percent} % on ${test.count} test digits`;
      status.dataset.opened = name;
      showWeights();
      update();
    } catch (err) {
      toast((err as Error).message);
    }
  };
  showWeights();
}
