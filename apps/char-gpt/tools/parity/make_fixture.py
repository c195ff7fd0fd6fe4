"""Writes the PyTorch parity fixture for tinygpt's char-gpt (the llm.c test_gpt2 idea).

Builds a small model with exactly nanoGPT's architecture and initialisation (model.py: pre-LayerNorm
blocks, fused c_attn, causal attention scaled by 1/sqrt(head size), exact-erf GELU MLP, tied
lm_head, normal(0, 0.02) init with c_proj scaled by 1/sqrt(2 * n_layer)), runs one batch, and
records the weights, the batch, the logits, the loss, every parameter's gradient and the losses of
10 AdamW steps configured as nanoGPT's configure_optimizers + train.py (decay on 2-D weights only,
global-norm clipping at 1.0). The TypeScript test test/parity.test.ts loads the fixture; it
needs no torch.

Run by hand (Debian: apt-get install python3-torch):
    /usr/bin/python3 apps/char-gpt/tools/parity/make_fixture.py
"""
import json
import math
import os
import struct

import torch
import torch.nn as nn
from torch.nn import functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'parity')

CONFIG = dict(n_layer=2, n_head=2, n_embd=16, block_size=8, vocab_size=11, bias=True, dropout=0.0)
BATCH, SEQ = 3, 8
OPTIM = dict(learning_rate=1e-2, weight_decay=0.1, beta1=0.9, beta2=0.99, grad_clip=1.0, steps=10)
SEED = 1337


class LayerNorm(nn.Module):
    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_attn = nn.Linear(c['n_embd'], 3 * c['n_embd'], bias=c['bias'])
        self.c_proj = nn.Linear(c['n_embd'], c['n_embd'], bias=c['bias'])
        self.n_head, self.n_embd = c['n_head'], c['n_embd']
        T = c['block_size']
        self.register_buffer('mask', torch.tril(torch.ones(T, T)).view(1, 1, T, T))

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # (B, nh, T, hs)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float('-inf'))
        att = F.softmax(att, dim=-1)
        y = att @ v  # (B, nh, T, hs)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class MLP(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c_fc = nn.Linear(c['n_embd'], 4 * c['n_embd'], bias=c['bias'])
        self.gelu = nn.GELU()
        self.c_proj = nn.Linear(4 * c['n_embd'], c['n_embd'], bias=c['bias'])

    def forward(self, x):
        return self.c_proj(self.gelu(self.c_fc(x)))


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.ln_1 = LayerNorm(c['n_embd'], c['bias'])
        self.attn = CausalSelfAttention(c)
        self.ln_2 = LayerNorm(c['n_embd'], c['bias'])
        self.mlp = MLP(c)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(c['vocab_size'], c['n_embd']),
            wpe=nn.Embedding(c['block_size'], c['n_embd']),
            h=nn.ModuleList([Block(c) for _ in range(c['n_layer'])]),
            ln_f=LayerNorm(c['n_embd'], c['bias']),
        ))
        self.lm_head = nn.Linear(c['n_embd'], c['vocab_size'], bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # weight tying, as nanoGPT
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith('c_proj.weight'):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * c['n_layer']))

    def _init_weights(self, module):
        if isinstance(module, nn.Linear):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                torch.nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)

    def forward(self, idx, targets):
        b, t = idx.size()
        pos = torch.arange(0, t, dtype=torch.long)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        return logits, loss


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().contiguous().to(torch.float32).numpy().tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(t.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(',', ':')).encode()
    raw += b' ' * (-len(raw) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)


def main():
    torch.manual_seed(SEED)
    model = GPT(CONFIG)
    # Weights with more spread than the 0.02 init, so the fixture exercises the nonlinearities.
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.add_(torch.randn_like(p) * 0.3)
    idx = torch.randint(0, CONFIG['vocab_size'], (BATCH, SEQ))
    targets = torch.randint(0, CONFIG['vocab_size'], (BATCH, SEQ))
    targets[0, 0] = -1  # one ignored position, as nanoGPT's ignore_index=-1

    state = {k: v.clone() for k, v in model.state_dict().items() if not k.endswith('.mask')}
    logits, loss = model(idx, targets)
    loss.backward()
    grads = {f'grad.{n}': p.grad.clone() for n, p in model.named_parameters()}

    # nanoGPT's configure_optimizers: weight decay on params with dim >= 2, none on the rest.
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    opt = torch.optim.AdamW([
        {'params': decay, 'weight_decay': OPTIM['weight_decay']},
        {'params': no_decay, 'weight_decay': 0.0},
    ], lr=OPTIM['learning_rate'], betas=(OPTIM['beta1'], OPTIM['beta2']), eps=1e-8)
    opt.zero_grad(set_to_none=True)
    losses, norms = [], []
    for _ in range(OPTIM['steps']):
        _, step_loss = model(idx, targets)
        step_loss.backward()
        norms.append(float(torch.nn.utils.clip_grad_norm_(model.parameters(), OPTIM['grad_clip'])))
        opt.step()
        opt.zero_grad(set_to_none=True)
        losses.append(float(step_loss))

    os.makedirs(OUT, exist_ok=True)
    tensors = dict(state)
    tensors.update(grads)
    tensors['logits'] = logits
    write_safetensors(os.path.join(OUT, 'parity.safetensors'), tensors)
    with open(os.path.join(OUT, 'parity.json'), 'w') as f:
        json.dump({
            'generator': 'tools/parity/make_fixture.py',
            'torch': torch.__version__,
            'config': CONFIG,
            'optim': OPTIM,
            'idx': idx.tolist(),
            'targets': targets.tolist(),
            'loss': float(loss),
            'adamw_losses': losses,
            'grad_norms': norms,
        }, f, indent=1)
    print(f'loss {float(loss):.6f}; 10 AdamW losses {losses[0]:.6f} … {losses[-1]:.6f}; wrote {OUT}')


if __name__ == '__main__':
    main()
