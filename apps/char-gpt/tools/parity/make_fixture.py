"""Writes the PyTorch parity fixture for tinygpt's char-gpt (the llm.c test_gpt2 idea).

Builds small models with exactly nanoGPT's architecture and initialisation (tools/nanogpt/model.py,
nanoGPT's model.py restated: pre-LayerNorm blocks, fused c_attn, causal attention scaled by
1/sqrt(head size), exact-erf GELU MLP, tied lm_head, normal(0, 0.02) init with c_proj scaled by
1/sqrt(2 * n_layer)), runs one batch, and records the weights, the batch, the logits, the loss,
every parameter's gradient and the losses of 10 AdamW steps configured as nanoGPT's
configure_optimizers + train.py (decay on 2-D weights only, global-norm clipping at 1.0): one
fixture with biases (parity.*), one without (parity-nobias.*). The TypeScript test
test/parity.test.ts loads them; it needs no torch.

Run by hand (Debian: apt-get install python3-torch):
    /usr/bin/python3 apps/char-gpt/tools/parity/make_fixture.py
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'nanogpt'))
from tool_errors import import_torch  # noqa: E402

torch = import_torch()
from model import GPT, MASK_BUFFER  # noqa: E402  (tools/nanogpt/model.py: nanoGPT's model.py restated)
from safetensors_io import write_safetensors  # noqa: E402

OUT = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'parity')

# name -> (model args, batch size, sequence length). `parity` has biases and T = block_size;
# `parity-nobias` has none (nanoGPT's default), 4 heads, and T < block_size.
CASES = {
    'parity': (dict(n_layer=2, n_head=2, n_embd=16, block_size=8, vocab_size=11, bias=True, dropout=0.0), 3, 8),
    'parity-nobias': (dict(n_layer=2, n_head=4, n_embd=16, block_size=16, vocab_size=13, bias=False, dropout=0.0), 2, 11),
}
OPTIM = dict(learning_rate=1e-2, weight_decay=0.1, beta1=0.9, beta2=0.99, grad_clip=1.0, steps=10)
SEED = 1337


def make_case(case, config, batch, seq):
    """Writes <case>.safetensors and <case>.json for a model of `config` and one (batch, seq) batch."""
    torch.manual_seed(SEED)
    model = GPT(config)
    # Weights with more spread than the 0.02 init, so the fixture exercises the nonlinearities.
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.add_(torch.randn_like(p) * 0.3)
    idx = torch.randint(0, config['vocab_size'], (batch, seq))
    targets = torch.randint(0, config['vocab_size'], (batch, seq))
    targets[0, 0] = -1  # one ignored position, as nanoGPT's ignore_index=-1

    state = {k: v.clone() for k, v in model.state_dict().items() if not MASK_BUFFER.match(k)}
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
    write_safetensors(os.path.join(OUT, f'{case}.safetensors'), tensors)
    with open(os.path.join(OUT, f'{case}.json'), 'w') as f:
        json.dump({
            'generator': 'tools/parity/make_fixture.py',
            'torch': torch.__version__,
            'config': config,
            'optim': OPTIM,
            'idx': idx.tolist(),
            'targets': targets.tolist(),
            'loss': float(loss),
            'adamw_losses': losses,
            'grad_norms': norms,
        }, f, indent=1)
    print(f'{case}: loss {float(loss):.6f}; 10 AdamW losses {losses[0]:.6f} … {losses[-1]:.6f}; wrote {OUT}')


def main():
    for case, (config, batch, seq) in CASES.items():
        make_case(case, config, batch, seq)


if __name__ == '__main__':
    main()
