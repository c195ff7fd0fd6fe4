"""Times nanoGPT's training iteration in PyTorch: ms of every step, for char-gpt's benches to print beside their own.

    OMP_NUM_THREADS=1 python3 apps/char-gpt/bench/nanogpt_step.py --iters 200 --data tinyshakespeare.txt

One iteration as nanoGPT's train.py takes it at dropout 0 on a CPU: a batch of random windows of the
corpus (get_batch), forward with targets, backward, global-norm clipping at 1.0, AdamW with
nanoGPT's configure_optimizers groups (decay on 2-D weights only; lr 1e-3, betas (0.9, 0.99),
weight decay 0.1) and zero_grad(set_to_none=True). The model is tools/nanogpt/model.py, the
restatement of nanoGPT's model.py that char-gpt matches logit for logit. Without --data the
batches are random token ids (the same speed). Prints one JSON line: torch's version, its thread
count, the parameter count and the ms of each timed iteration (warm-up excluded).
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tools', 'nanogpt'))
from model import GPT  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--iters', type=int, default=200, help='timed iterations')
    parser.add_argument('--warmup', type=int, default=5, help='untimed iterations first')
    parser.add_argument('--data', help='a text file whose characters are the tokens (else random ids)')
    parser.add_argument('--n-layer', type=int, default=4)
    parser.add_argument('--n-head', type=int, default=4)
    parser.add_argument('--n-embd', type=int, default=128)
    parser.add_argument('--block-size', type=int, default=64)
    parser.add_argument('--batch-size', type=int, default=12)
    parser.add_argument('--bias', action='store_true', help='biases in Linear and LayerNorm (nanoGPT baby: none)')
    parser.add_argument('--seed', type=int, default=1337)
    a = parser.parse_args()
    torch.manual_seed(a.seed)
    if a.data:
        with open(a.data, encoding='utf-8') as f:
            text = f.read()
        chars = sorted(set(text))
        stoi = {ch: i for i, ch in enumerate(chars)}
        data = torch.tensor([stoi[ch] for ch in text[: int(0.9 * len(text))]], dtype=torch.long)
        vocab = len(chars)
    else:
        vocab = 65
        data = torch.randint(vocab, (100_000,), dtype=torch.long)
    T, B = a.block_size, a.batch_size
    model = GPT(dict(n_layer=a.n_layer, n_head=a.n_head, n_embd=a.n_embd, block_size=T, vocab_size=vocab, bias=a.bias))
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    opt = torch.optim.AdamW([
        {'params': [p for p in params if p.dim() >= 2], 'weight_decay': 0.1},
        {'params': [p for p in params if p.dim() < 2], 'weight_decay': 0.0},
    ], lr=1e-3, betas=(0.9, 0.99), eps=1e-8)

    def get_batch():
        ix = torch.randint(len(data) - T, (B,))
        x = torch.stack([data[i:i + T] for i in ix])
        y = torch.stack([data[i + 1:i + 1 + T] for i in ix])
        return x, y

    def step():
        x, y = get_batch()
        _, loss = model(x, y)
        loss.item()  # nanoGPT reads the loss every log_interval (1 in the baby config)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad(set_to_none=True)

    for _ in range(a.warmup):
        step()
    ms = []
    for _ in range(a.iters):
        t0 = time.perf_counter()
        step()
        ms.append((time.perf_counter() - t0) * 1000)
    n_params = sum(p.numel() for p in model.parameters()) - model.transformer.wpe.weight.numel()
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'params': n_params, 'ms': ms}))


if __name__ == '__main__':
    main()
