// The benchmark workloads, built from @tinygpt/autograd alone: the MNIST app's MLP and nanoGPT's baby GPT, op for op.
import { crossEntropy, indexSelect, LayerNorm, Linear, matmul, Module, tensor } from '@tinygpt/autograd';
import type { Rng, Tensor } from '@tinygpt/autograd';

/** The MNIST app's 784-128-64-10 perceptron: Linear, ReLU, Linear, ReLU, Linear (raw logits). */
export class Mlp extends Module {
  layers: Linear[];
  constructor(sizes: readonly number[], rng: Rng) {
    super();
    this.layers = sizes.slice(1).map((out, i) => new Linear(sizes[i]!, out, { rng, std: Math.sqrt(2 / sizes[i]!) }));
  }
  forward(x: Tensor): Tensor {
    this.layers.forEach((layer, i) => {
      x = layer.forward(x); // (N, out)
      if (i < this.layers.length - 1) x = x.relu();
    });
    return x;
  }
}

/** What the GPT layers read, as in apps/char-gpt's GptConfig. */
export interface GptShape {
  vocabSize: number;
  blockSize: number;
  nLayer: number;
  nHead: number;
  nEmbd: number;
}

/** nanoGPT's CausalSelfAttention, the computation of @tinygpt/attention without cache or dropout. */
class Attention extends Module {
  cAttn: Linear;
  cProj: Linear;
  private readonly nHead: number;
  private readonly mask: Tensor;
  constructor(c: GptShape, rng: Rng) {
    super();
    this.cAttn = new Linear(c.nEmbd, 3 * c.nEmbd, { bias: false, rng });
    this.cProj = new Linear(c.nEmbd, c.nEmbd, { bias: false, rng, std: 0.02 / Math.sqrt(2 * c.nLayer) });
    this.nHead = c.nHead;
    const T = c.blockSize;
    const data = new Float32Array(T * T);
    for (let i = 0; i < T; i++) data.fill(1, i * T + i + 1, (i + 1) * T);
    this.mask = tensor(data, [T, T]); // 1 above the diagonal: key j > query i is hidden
  }
  forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape as [number, number, number];
    const nh = this.nHead,
      hs = C / nh;
    const qkv = this.cAttn.forward(x); // (B, T, 3C)
    const q = qkv.slice(2, 0, C).reshape([B, T, nh, hs]).transpose(1, 2); // (B, nh, T, hs)
    const k = qkv
      .slice(2, C, 2 * C)
      .reshape([B, T, nh, hs])
      .transpose(1, 2); // (B, nh, T, hs)
    const v = qkv
      .slice(2, 2 * C, 3 * C)
      .reshape([B, T, nh, hs])
      .transpose(1, 2); // (B, nh, T, hs)
    const att = matmul(q, k, { transB: true })
      .mul(1 / Math.sqrt(hs))
      .maskedFill(this.mask, -Infinity)
      .softmax(-1); // (B, nh, T, T)
    const y = att.matmul(v).transpose(1, 2).reshape([B, T, C]); // (B, nh, T, hs) → (B, T, C)
    return this.cProj.forward(y); // (B, T, C)
  }
}

/** nanoGPT's Block: x + attn(ln1(x)), then x + mlp(ln2(x)), the MLP 4C wide with exact GELU. */
class Block extends Module {
  ln1: LayerNorm;
  attn: Attention;
  ln2: LayerNorm;
  cFc: Linear;
  cProj: Linear;
  constructor(c: GptShape, rng: Rng) {
    super();
    this.ln1 = new LayerNorm(c.nEmbd, { bias: false });
    this.attn = new Attention(c, rng);
    this.ln2 = new LayerNorm(c.nEmbd, { bias: false });
    this.cFc = new Linear(c.nEmbd, 4 * c.nEmbd, { bias: false, rng });
    this.cProj = new Linear(4 * c.nEmbd, c.nEmbd, { bias: false, rng, std: 0.02 / Math.sqrt(2 * c.nLayer) });
  }
  forward(x: Tensor): Tensor {
    x = x.add(this.attn.forward(this.ln1.forward(x))); // (B, T, C)
    return x.add(this.cProj.forward(this.cFc.forward(this.ln2.forward(x)).gelu())); // (B, T, C)
  }
}

/** nanoGPT's GPT: token and position embeddings, the blocks, a final LayerNorm, the lm head tied to wte. */
export class Gpt extends Module {
  wte: Tensor;
  wpe: Tensor;
  h: Block[];
  lnF: LayerNorm;
  private readonly c: GptShape;
  constructor(c: GptShape, rng: Rng) {
    super();
    const init = (rows: number) =>
      tensor(
        Float32Array.from({ length: rows * c.nEmbd }, () => rng.normal() * 0.02),
        [rows, c.nEmbd],
        { requiresGrad: true },
      );
    this.wte = init(c.vocabSize);
    this.wpe = init(c.blockSize);
    this.h = Array.from({ length: c.nLayer }, () => new Block(c, rng));
    this.lnF = new LayerNorm(c.nEmbd, { bias: false });
    this.c = c;
  }
  /** Mean next-token cross-entropy of a (B, T) batch of ids against targets. */
  loss(ids: Int32Array, targets: Int32Array, B: number, T: number): Tensor {
    const { nEmbd } = this.c;
    const tok = indexSelect(this.wte, ids, [B, T]); // (B, T, C)
    const pos = this.wpe.slice(0, 0, T); // (T, C)
    let x = tok.add(pos); // (B, T, C)
    for (const block of this.h) x = block.forward(x); // (B, T, C)
    const logits = matmul(this.lnF.forward(x).reshape([B * T, nEmbd]), this.wte, { transB: true }); // (B·T, V)
    return crossEntropy(logits, targets); // scalar
  }
}
