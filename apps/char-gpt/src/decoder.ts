// A Gpt's forward pass for sampling only: straight onto the backend's kernels, into buffers reused from step to step,
// no graph and no tensors.
import { getBackend } from '@tinygpt/autograd';
import type { Backend } from '@tinygpt/autograd';
import type { Gpt } from './model/gpt.js';

/** The buffers of one step shape (T new positions per row), allocated once and reused. */
interface Workspace {
  x: Float32Array; // (B, T, C) the residual stream
  xn: Float32Array; // (B, T, C) after a LayerNorm
  mean: Float32Array; // (B·T) LayerNorm statistics (unused, the kernel writes them)
  rstd: Float32Array; // (B·T)
  pos: Float32Array; // (T, C) position embeddings
  qkv: Float32Array; // (B, T, 3C)
  qkvP: Float32Array; // (B, 3, nh, T, hs)
  kv: Float32Array; // (B, nh, T, hs) new keys or values, on their way into the cache
  att: Float32Array; // (B, nh, T, ≤ blockSize) scores
  attP: Float32Array; // (B, nh, T, ≤ blockSize) weights
  yP: Float32Array; // (B, T, C)
  o: Float32Array; // (B, T, C) a sub-layer's output
  h: Float32Array; // (B, T, 4C)
  g: Float32Array; // (B, T, 4C) after GELU
  last: Float32Array; // (B, C) the last position of each row
  logits: Float32Array; // (B, V)
}

/**
 * Runs a {@link Gpt} forward for generation: the same kernels, in the same order, on the same
 * numbers as `model.forward(ids, shape, { caches, lastOnly: true })` under `noGrad` in eval mode
 * (tested bit for bit), but without tensors, graph nodes or fresh buffers: every intermediate
 * lives in a buffer made on first use of a step shape and reused by every later step of that
 * shape, and the keys and values of each block stay in one (B, nHead, blockSize, headSize)
 * buffer that new positions are copied into.
 *
 * When a step fills the context to blockSize, nothing can be appended afterwards (the next step
 * recomputes the cropped window from position 0), so the last block computes its queries, MLP
 * and LayerNorm for the last position of each row only.
 *
 * @example
 * const decoder = new GptDecoder(model, 1);
 * let logits = decoder.forward(prompt, prompt.length); // (1, V) after the prompt
 * logits = decoder.forward(Int32Array.of(next), 1);    // one more position
 * decoder.dispose();
 */
export class GptDecoder {
  /** Rows generated side by side (B). */
  readonly batch: number;
  readonly #model: Gpt;
  readonly #be: Backend;
  readonly #keys: Float32Array[];
  readonly #values: Float32Array[];
  readonly #spaces = new Map<number, Workspace>();
  readonly #scale: number;
  #length = 0;

  constructor(model: Gpt, batch: number) {
    if (!Number.isInteger(batch) || batch < 1) throw new RangeError(`GptDecoder: batch must be ≥ 1, got ${batch}`);
    const { nLayer, blockSize, nEmbd, nHead } = model.config;
    this.batch = batch;
    this.#model = model;
    this.#be = getBackend();
    const size = batch * blockSize * nEmbd; // (B, nh, blockSize, hs)
    this.#keys = Array.from({ length: nLayer }, () => this.#be.alloc(size));
    this.#values = Array.from({ length: nLayer }, () => this.#be.alloc(size));
    // The model multiplies by a scalar tensor, which holds 1/√hs rounded to float32.
    this.#scale = Math.fround(1 / Math.sqrt(nEmbd / nHead));
  }

  /** Positions cached so far (the same for every row). */
  get length(): number {
    return this.#length;
  }

  /** Forgets the cached positions (the buffers stay). */
  reset(): void {
    this.#length = 0;
  }

  /** Returns every buffer to the backend; the decoder is unusable afterwards. */
  dispose(): void {
    const buffers = [...this.#keys, ...this.#values];
    for (const ws of this.#spaces.values()) buffers.push(...Object.values(ws));
    for (const buffer of buffers) this.#be.free(buffer);
    this.#spaces.clear();
    this.#keys.length = 0;
    this.#values.length = 0;
  }

  /**
   * Feeds T new positions per row (`ids` (B, T) row-major) after the cached ones and returns the
   * logits (B, V) of each row's last position. The array is the decoder's own and is overwritten
   * by the next call: read it (or copy it) before then.
   * @throws RangeError when the cached plus new positions would pass blockSize.
   */
  forward(ids: Int32Array, T: number): Float32Array {
    const { blockSize, nEmbd: C, vocabSize: V } = this.#model.config;
    const B = this.batch;
    const past = this.#length;
    if (!Number.isInteger(T) || T < 1 || ids.length !== B * T) {
      throw new RangeError(`GptDecoder: ${ids.length} ids do not fill (${B}, ${T})`);
    }
    if (past + T > blockSize) {
      throw new RangeError(
        `GptDecoder: ${past} cached + ${T} new positions exceed blockSize ${blockSize}; reset first`,
      );
    }
    for (const id of ids)
      if (!(id >= 0 && id < V)) throw new RangeError(`GptDecoder: token id ${id} outside [0, ${V})`);
    const be = this.#be;
    const { transformer, lmHead } = this.#model;
    const ws = this.#space(T);
    const ws1 = this.#space(1);
    const R = B * T;

    // Embeddings: x = wte[ids] + wpe[past .. past + T)
    be.indexSelect(transformer.wte.weight.data, C, ids, ws.x); // (B, T, C)
    const positions = Int32Array.from({ length: T }, (_, t) => past + t);
    be.indexSelect(transformer.wpe.weight.data, C, positions, ws.pos); // (T, C)
    be.binary('add', ws.x, [B, T, C], ws.pos, [T, C], ws.x, [B, T, C], false);

    const blocks = transformer.h;
    // After filling the context nothing more is appended, so the last block needs only the last positions.
    const lastOnly = T > 1 && past + T === blockSize;
    blocks.forEach((block, layer) => {
      const final = lastOnly && layer === blocks.length - 1;
      this.#layerNorm(block.ln1, ws.x, R, ws.xn, ws);
      this.#linear(block.attn.cAttn, ws.xn, R, ws.qkv); // (B, T, 3C)
      this.#attention(layer, ws, final ? ws1 : ws, T, final);
      let w = ws;
      if (final) {
        be.copyAxis(ws.x, T, T - 1, ws1.x, 1, 0, B, 1, C, false); // (B, C): the last position of each row
        w = ws1;
      }
      const r = final ? B : R;
      this.#linear(block.attn.cProj, w.yP, r, w.o);
      be.binary('add', w.x, [r, C], w.o, [r, C], w.x, [r, C], false); // x + attn(ln1(x))
      this.#layerNorm(block.ln2, w.x, r, w.xn, w);
      this.#linear(block.mlp.cFc, w.xn, r, w.h); // (r, 4C)
      be.unary(block.mlp.gelu === 'tanh' ? 'geluTanh' : 'gelu', w.h, w.g);
      this.#linear(block.mlp.cProj, w.g, r, w.o);
      be.binary('add', w.x, [r, C], w.o, [r, C], w.x, [r, C], false); // x + mlp(ln2(x))
    });
    this.#length = past + T;

    // The last position of each row: lnF, then the lm head (B, V).
    const xLast = lastOnly ? ws1.x : T === 1 ? ws.x : ws1.last;
    if (!lastOnly && T > 1) be.copyAxis(ws.x, T, T - 1, ws1.last, 1, 0, B, 1, C, false);
    this.#layerNorm(transformer.lnF, xLast, B, ws1.xn, ws1);
    be.sgemm(false, true, B, V, C, ws1.xn, 0, lmHead.weight.data, 0, ws1.logits, 0, false);
    return ws1.logits;
  }

  /**
   * Causal self-attention of block `layer` from `ws.qkv` (B, T, 3C) into `out.yP`: the new keys
   * and values go into the cache, then every new position (only the last with `lastQuery`)
   * attends over all cached ones.
   */
  #attention(layer: number, ws: Workspace, out: Workspace, T: number, lastQuery: boolean): void {
    const { blockSize, nEmbd: C, nHead: nh } = this.#model.config;
    const be = this.#be;
    const B = this.batch;
    const hs = C / nh;
    const past = this.#length;
    const Tk = past + T;
    const keys = this.#keys[layer]!;
    const values = this.#values[layer]!;
    be.permute(ws.qkv, [B, T, 3, nh, hs], [0, 2, 3, 1, 4], ws.qkvP, false); // (B, 3, nh, T, hs)
    // Keys (part 1 of 3), then values (part 2) into the cache (B·nh, blockSize, hs) at `past`.
    for (const [part, cache] of [
      [1, keys],
      [2, values],
    ] as const) {
      be.copyAxis(ws.qkvP, 3, part, ws.kv, 1, 0, B, 1, nh * T * hs, false); // (B, nh, T, hs)
      be.copyAxis(ws.kv, T, 0, cache, blockSize, past, B * nh, T, hs, false);
    }
    const Tq = lastQuery ? 1 : T;
    // Query t of the last Tq sits at position Tk − Tq + t and sees the keys up to it: the causal
    // products skip the rest (about half of each when Tq = Tk; a single query sees every key).
    const diagonal = Tk - Tq;
    const [perHead, perRow] = [Tq * Tk, nh * Tq * Tk];
    for (let b = 0; b < B; b++) {
      const q = (b * 3 * nh * T + (T - Tq)) * hs; // head 0's first query in qkvP; heads T·hs apart
      const kv = b * nh * blockSize * hs; // head 0 of row b in the cache; heads blockSize·hs apart
      // (Tq, hs) · (Tk, hs)ᵀ → (Tq, Tk), every head of row b in one call
      be.sgemmBatched(
        false,
        true,
        Tq,
        Tk,
        hs,
        nh,
        ws.qkvP,
        q,
        T * hs,
        keys,
        kv,
        blockSize * hs,
        out.att,
        b * perRow,
        perHead,
        false,
        'lowerC',
        diagonal,
      );
    }
    // Scale, causal mask (query t, at position past + t, sees keys 0 .. past + t) and softmax in one
    // kernel, as the model's attention does: masked scores are never exponentiated.
    be.causalSoftmax(out.att, B * nh * Tq, Tq, Tk, this.#scale, out.attP);
    const lead = { a: Tk, b: hs, c: C };
    for (let b = 0; b < B; b++) {
      const kv = b * nh * blockSize * hs;
      // (Tq, Tk) · (Tk, hs) → (Tq, hs) per head, written side by side into yP (B, Tq, C)
      be.sgemmBatched(
        false,
        false,
        Tq,
        hs,
        Tk,
        nh,
        out.attP,
        b * perRow,
        perHead,
        values,
        kv,
        blockSize * hs,
        out.yP,
        b * Tq * C,
        hs,
        false,
        'lowerA',
        diagonal,
        lead,
      );
    }
  }

  /** out (rows, outF) = x (rows, inF) · Wᵀ + b, as `linear`. */
  #linear(
    layer: { weight: { data: Float32Array; shape: readonly number[] }; bias: { data: Float32Array } | null },
    x: Float32Array,
    rows: number,
    out: Float32Array,
  ): void {
    const [outF, inF] = layer.weight.shape as [number, number];
    this.#be.sgemm(false, true, rows, outF, inF, x, 0, layer.weight.data, 0, out, 0, false);
    if (layer.bias) this.#be.binary('add', out, [rows, outF], layer.bias.data, [outF], out, [rows, outF], false);
  }

  /** out = LayerNorm(x) over rows of C. */
  #layerNorm(
    ln: { weight: { data: Float32Array }; bias: { data: Float32Array } | null; eps: number },
    x: Float32Array,
    rows: number,
    out: Float32Array,
    ws: Workspace,
  ): void {
    const C = this.#model.config.nEmbd;
    this.#be.layerNorm(x, rows, C, ln.weight.data, ln.bias?.data ?? null, ln.eps, out, ws.mean, ws.rstd);
  }

  /** The workspace of steps of T new positions per row, made on first use. */
  #space(T: number): Workspace {
    let ws = this.#spaces.get(T);
    if (!ws) {
      const { blockSize, nEmbd: C, vocabSize: V } = this.#model.config;
      const R = this.batch * T;
      const alloc = (n: number): Float32Array => this.#be.alloc(n);
      const attSize = R * this.#model.config.nHead * blockSize;
      ws = {
        x: alloc(R * C),
        xn: alloc(R * C),
        mean: alloc(R),
        rstd: alloc(R),
        pos: alloc(T * C),
        qkv: alloc(3 * R * C),
        qkvP: alloc(3 * R * C),
        kv: alloc(R * C),
        att: alloc(attSize),
        attP: alloc(attSize),
        yP: alloc(R * C),
        o: alloc(R * C),
        h: alloc(4 * R * C),
        g: alloc(4 * R * C),
        last: alloc(this.batch * C),
        logits: alloc(this.batch * V),
      };
      this.#spaces.set(T, ws);
    }
    return ws;
  }
}
