"""Builds a tiny GPT-2 in PyTorch, saves it in Hugging Face's published layout and records its logits, for char-gpt's GPT-2 loading test.

    LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OMP_NUM_THREADS=1 \\
      python3 apps/char-gpt/tools/gpt2/make_tiny_gpt2.py [--out DIR] [--expected FILE]
    python3 apps/char-gpt/tools/gpt2/make_tiny_gpt2.py --expected apps/char-gpt/test/fixtures/tiny-gpt2/expected.json

The model has 2 layers, 64 wide, 4 heads, 64 positions and GPT-2's real 50,257-token vocabulary.
Its weights are not random draws but a formula (a 32-bit hash of each tensor's name and element
index, see `uniform`), which apps/char-gpt/test/tiny-gpt2.ts computes bit for bit in TypeScript:
the 12.9 MB token embedding need not be committed, and the test proves it rebuilt the same file by
comparing each tensor's SHA-256 with the ones recorded here.

The tensors are laid out as openai-community/gpt2's model.safetensors: names without the
`transformer.` prefix, Conv1D weights stored (in, out), biases, the causal-mask buffers
`h.N.attn.bias` of shape (1, 1, n_positions, n_positions), no `lm_head.weight` (tied to wte).
They are loaded into a restatement of nanoGPT's GPT exactly as nanoGPT's `GPT.from_pretrained`
loads a Hugging Face GPT-2 (mask buffers skipped, the four Conv1D weights transposed into
Linear), except that the MLP uses GPT-2's tanh GELU (HF's `gelu_new`), as OpenAI's weights need;
nanoGPT's from_pretrained keeps its exact nn.GELU().

With --random-124m DIR it instead writes a directory of openai-community/gpt2's exact shape and
layout (12 layers, 768 wide, 1024 positions; 548 MB) holding seeded N(0, 0.02) weights, to measure
loading and sampling speed where the real weights cannot be downloaded.

Written, only what is asked for: --out DIR (new or empty) gets config.json and model.safetensors;
--expected FILE (the test's is test/fixtures/tiny-gpt2/expected.json) gets the prompt's ids, the
tensors' SHA-256, the logits at every prompt position for every 97th vocabulary id plus each
position's logsumexp over all 50,257 ids, and the greedy continuation of 40 tokens (with its
smallest top-1/top-2 margin).
"""
import argparse
import hashlib
import json
import math
import os
import struct
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'nanogpt'))
from tool_errors import ToolError, import_torch, replace_atomically, require_new_dir, run  # noqa: E402

torch = import_torch()
nn = torch.nn
F = torch.nn.functional

CONFIG = {
    'activation_function': 'gelu_new',
    'architectures': ['GPT2LMHeadModel'],
    'attn_pdrop': 0.1,
    'bos_token_id': 50256,
    'embd_pdrop': 0.1,
    'eos_token_id': 50256,
    'initializer_range': 0.02,
    'layer_norm_epsilon': 1e-5,
    'model_type': 'gpt2',
    'n_ctx': 64,
    'n_embd': 64,
    'n_head': 4,
    'n_layer': 2,
    'n_positions': 64,
    'resid_pdrop': 0.1,
    'vocab_size': 50257,
}
# "Hello, my name is" in GPT-2's tokens (tiktoken's gpt2 encoding); the test checks our tokenizer agrees.
PROMPT = 'Hello, my name is'
PROMPT_IDS = [15496, 11, 616, 1438, 318]
NEW_TOKENS = 40
LOGIT_STRIDE = 97
MASK32 = 0xFFFFFFFF


def fnv1a(name):
    h = 0x811C9DC5
    for c in name.encode('ascii'):
        h = ((h ^ c) * 0x01000193) & MASK32
    return h


def mix(x):
    """lowbias32 on a uint64 array holding 32-bit values."""
    x = x ^ (x >> np.uint64(16))
    x = (x * np.uint64(0x7FEB352D)) & np.uint64(MASK32)
    x = x ^ (x >> np.uint64(15))
    x = (x * np.uint64(0x846CA68B)) & np.uint64(MASK32)
    return x ^ (x >> np.uint64(16))


def uniform(name, shape, scale, offset=0.0):
    """offset + scale * u_i in float64, rounded to float32; u_i in [-1, 1) from mix(fnv1a(name) + i * 0x9E3779B1)."""
    n = int(np.prod(shape))
    i = np.arange(n, dtype=np.uint64)
    h = mix((np.uint64(fnv1a(name)) + i * np.uint64(0x9E3779B1)) & np.uint64(MASK32))
    u = ((h >> np.uint64(8)).astype(np.float64) / 16777216.0) * 2.0 - 1.0
    return (offset + scale * u).astype(np.float32).reshape(shape)


def hf_tensors():
    """The tensors in the published layout, in the order tiny-gpt2.ts lists them."""
    C, L, P, V = CONFIG['n_embd'], CONFIG['n_layer'], CONFIG['n_positions'], CONFIG['vocab_size']
    out = {}

    def add(name, shape, scale, offset=0.0):
        out[name] = uniform(name, shape, scale, offset)

    add('wte.weight', (V, C), 0.5)
    add('wpe.weight', (P, C), 1.0)
    for l in range(L):
        h = f'h.{l}'
        add(f'{h}.ln_1.weight', (C,), 0.25, 1.0)
        add(f'{h}.ln_1.bias', (C,), 0.125)
        add(f'{h}.attn.c_attn.weight', (C, 3 * C), 0.25)
        add(f'{h}.attn.c_attn.bias', (3 * C,), 0.125)
        add(f'{h}.attn.c_proj.weight', (C, C), 0.25)
        add(f'{h}.attn.c_proj.bias', (C,), 0.125)
        add(f'{h}.ln_2.weight', (C,), 0.25, 1.0)
        add(f'{h}.ln_2.bias', (C,), 0.125)
        add(f'{h}.mlp.c_fc.weight', (C, 4 * C), 0.25)
        add(f'{h}.mlp.c_fc.bias', (4 * C,), 0.125)
        add(f'{h}.mlp.c_proj.weight', (4 * C, C), 0.125)
        add(f'{h}.mlp.c_proj.bias', (C,), 0.125)
        out[f'{h}.attn.bias'] = np.tril(np.ones((P, P), dtype=np.float32)).reshape(1, 1, P, P)
    add('ln_f.weight', (C,), 0.25, 1.0)
    add('ln_f.bias', (C,), 0.125)
    return out


def write_safetensors(path, tensors):
    """The safetensors format: 8-byte header length, JSON header (sorted names, F32), data."""
    header, offset, blobs = {'__metadata__': {'format': 'pt'}}, 0, []
    for name in sorted(tensors):
        data = np.ascontiguousarray(tensors[name], dtype='<f4').tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(tensors[name].shape), 'data_offsets': [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    replace_atomically(path, lambda f: f.write(struct.pack('<Q', len(text)) + text + b''.join(blobs)))


# ---- nanoGPT's model.py, restated (bias=True, dropout 0), with GPT-2's tanh GELU ----
class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.n_head, self.n_embd = n_head, n_embd
        self.register_buffer('bias', torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float('-inf'))
        y = F.softmax(att, dim=-1) @ v
        return self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C))


class MLP(nn.Module):
    def __init__(self, n_embd):
        super().__init__()
        self.c_fc = nn.Linear(n_embd, 4 * n_embd)
        self.c_proj = nn.Linear(4 * n_embd, n_embd)

    def forward(self, x):
        return self.c_proj(F.gelu(self.c_fc(x), approximate='tanh'))


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd, eps=1e-5)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size)
        self.ln_2 = nn.LayerNorm(n_embd, eps=1e-5)
        self.mlp = MLP(n_embd)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer, n_head, n_embd):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, n_embd),
            wpe=nn.Embedding(block_size, n_embd),
            h=nn.ModuleList([Block(n_embd, n_head, block_size) for _ in range(n_layer)]),
            ln_f=nn.LayerNorm(n_embd, eps=1e-5),
        ))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying

    def forward(self, idx):
        pos = torch.arange(0, idx.size(1), dtype=torch.long)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))


def from_pretrained(sd_hf):
    """nanoGPT's GPT.from_pretrained, given the Hugging Face state dict instead of downloading it."""
    model = GPT(CONFIG['vocab_size'], CONFIG['n_positions'], CONFIG['n_layer'], CONFIG['n_head'], CONFIG['n_embd'])
    sd = model.state_dict()
    sd_keys = [k for k in sd.keys() if not k.endswith('.attn.bias')]
    sd_keys_hf = ['transformer.' + k for k in sd_hf.keys() if not k.endswith(('.attn.masked_bias', '.attn.bias'))]
    sd_keys_hf.append('lm_head.weight')  # tied: the published file has only wte.weight
    assert sorted(sd_keys_hf) == sorted(sd_keys), (sorted(set(sd_keys_hf) ^ set(sd_keys)))
    transposed = ['attn.c_attn.weight', 'attn.c_proj.weight', 'mlp.c_fc.weight', 'mlp.c_proj.weight']
    with torch.no_grad():
        for k in sd_keys:
            src = sd_hf['wte.weight' if k == 'lm_head.weight' else k[len('transformer.'):]]
            src = torch.from_numpy(src)
            if any(k.endswith(w) for w in transposed):
                assert src.shape[::-1] == sd[k].shape
                sd[k].copy_(src.t())
            else:
                assert src.shape == sd[k].shape
                sd[k].copy_(src)
    return model.eval()


def write_random_124m(out):
    """openai-community/gpt2's config and layout with random weights (numpy, seed 0)."""
    config = dict(CONFIG, n_ctx=1024, n_positions=1024, n_embd=768, n_head=12, n_layer=12)
    C, P, V = 768, 1024, 50257
    rng = np.random.default_rng(0)
    normal = lambda *shape: (rng.standard_normal(shape, dtype=np.float32) * 0.02)
    tensors = {'wte.weight': normal(V, C), 'wpe.weight': normal(P, C),
               'ln_f.weight': np.ones(C, np.float32), 'ln_f.bias': np.zeros(C, np.float32)}
    for l in range(12):
        h = f'h.{l}'
        for ln in ('ln_1', 'ln_2'):
            tensors[f'{h}.{ln}.weight'], tensors[f'{h}.{ln}.bias'] = np.ones(C, np.float32), np.zeros(C, np.float32)
        for name, (i, o) in {'attn.c_attn': (C, 3 * C), 'attn.c_proj': (C, C), 'mlp.c_fc': (C, 4 * C), 'mlp.c_proj': (4 * C, C)}.items():
            tensors[f'{h}.{name}.weight'], tensors[f'{h}.{name}.bias'] = normal(i, o), np.zeros(o, np.float32)
        tensors[f'{h}.attn.bias'] = np.tril(np.ones((P, P), dtype=np.float32)).reshape(1, 1, P, P)
    write_model_dir(out, config, tensors)
    print('wrote %s: GPT-2 124M shape, random weights, %d tensors' % (out, len(tensors)))


def write_model_dir(out, config, tensors):
    """config.json and model.safetensors in `out`, which the caller has checked is new or empty."""
    os.makedirs(out, exist_ok=True)
    text = json.dumps(config, indent=2)
    replace_atomically(os.path.join(out, 'config.json'), lambda f: f.write(text), 'w')
    write_safetensors(os.path.join(out, 'model.safetensors'), tensors)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--random-124m', metavar='DIR', help="write a random-weight model of GPT-2 124M's shape here (new or empty), and nothing else")
    parser.add_argument('--out', metavar='DIR', help='write config.json and model.safetensors (the published layout) here (new or empty)')
    parser.add_argument('--expected', metavar='FILE', help="write the test's expectations here (test/fixtures/tiny-gpt2/expected.json)")
    args = parser.parse_args()
    if args.random_124m:
        require_new_dir(args.random_124m)
        return write_random_124m(args.random_124m)
    if not args.out and not args.expected:
        raise ToolError('nothing to write: give --out DIR, --expected FILE or --random-124m DIR', 2)
    if args.out:
        require_new_dir(args.out)
    torch.manual_seed(0)
    tensors = hf_tensors()
    if args.out:
        write_model_dir(args.out, CONFIG, tensors)
        print('wrote %s: config.json and model.safetensors (%d tensors, the published layout)' % (args.out, len(tensors)))
    if args.expected:
        write_expected(args.expected, tensors)


def write_expected(path, tensors):
    """The test's expectations for `tensors`, from nanoGPT's GPT loaded as from_pretrained does."""
    model = from_pretrained(tensors)
    with torch.no_grad():
        logits = model(torch.tensor([PROMPT_IDS]))[0].double()  # (T, V)
        ids, margins = list(PROMPT_IDS), []
        for _ in range(NEW_TOKENS):  # greedy, recomputing the whole context as nanoGPT's generate does
            last = model(torch.tensor([ids]))[0, -1]
            top = torch.topk(last, 2)
            margins.append(float(top.values[0] - top.values[1]))
            ids.append(int(top.indices[0]))
    expected = {
        'generatedBy': 'apps/char-gpt/tools/gpt2/make_tiny_gpt2.py (torch %s)' % torch.__version__,
        'config': CONFIG,
        'prompt': PROMPT,
        'promptIds': PROMPT_IDS,
        'tensors': {name: {'shape': list(t.shape), 'sha256': hashlib.sha256(np.ascontiguousarray(t, dtype='<f4').tobytes()).hexdigest()}
                    for name, t in sorted(tensors.items())},
        'logitStride': LOGIT_STRIDE,
        'logits': [[round(float(v), 6) for v in row[::LOGIT_STRIDE]] for row in logits],
        'logsumexp': [round(float(v), 6) for v in torch.logsumexp(logits, dim=-1)],
        'greedy': ids[len(PROMPT_IDS):],
        'greedyMinMargin': round(min(margins), 6),
    }
    text = json.dumps(expected, indent=1) + '\n'
    replace_atomically(path, lambda f: f.write(text), 'w')
    print('wrote %s: %d tensors, greedy continuation %s, smallest greedy margin %.4f'
          % (os.path.relpath(path), len(tensors), expected['greedy'][:8], expected['greedyMinMargin']))


if __name__ == '__main__':
    run(main)
