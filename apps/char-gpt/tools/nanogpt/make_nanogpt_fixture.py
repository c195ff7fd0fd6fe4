"""Writes the from-nanoGPT fixture of tinygpt's char-gpt: a nanoGPT run converted by export_from_nanogpt.py, and PyTorch's logits.

Builds a tiny random model with nanoGPT's architecture (tools/nanogpt/model.py), saves it as
nanoGPT's train.py and prepare.py would (ckpt.pt with the state dict of a torch.compile'd model,
so every name starts with `_orig_mod.`, the causal-mask buffers included; meta.pkl with itos and
stoi), converts that run with export_from_nanogpt.py, and writes into
test/fixtures/parity/from-nanogpt/:
  exchange/    the converted exchange directory (model.safetensors + config.json);
  state-dict/  the checkpoint's state dict saved as it is (prefixes, masks, lm_head and wte) + config.json;
  logits.json  a prompt, its ids and PyTorch's logits (T, vocab_size) from the original model.
test/interop.test.ts loads both directories and requires tinygpt's logits to match; it needs no torch.
The vocabulary has accented and astral characters and the model no biases (nanoGPT's bias=False).

    /usr/bin/python3 apps/char-gpt/tools/nanogpt/make_nanogpt_fixture.py            # the fixture
    /usr/bin/python3 apps/char-gpt/tools/nanogpt/make_nanogpt_fixture.py --run DIR  # only the nanoGPT run, in DIR (new or empty)
"""
import argparse
import json
import os
import pickle
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from tool_errors import import_torch, require_new_dir, run  # noqa: E402

torch = import_torch()
from export_from_nanogpt import export, load_checkpoint  # noqa: E402
from model import GPT  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

OUT = os.path.join(HERE, '..', '..', 'test', 'fixtures', 'parity', 'from-nanogpt')
TEXT = 'To be, or not to be — that is the question: ¿qué será? 😀\n'
MODEL_ARGS = dict(n_layer=2, n_head=2, n_embd=16, block_size=16, bias=False, dropout=0.1)
PROMPT = '¿qué? to be 😀'
SEED = 1337


def nanogpt_run(run_dir):
    """A tiny nanoGPT run in run_dir (ckpt.pt + meta.pkl); returns the model (eval mode) and its chars."""
    torch.manual_seed(SEED)
    chars = sorted(set(TEXT))  # prepare.py's vocabulary
    args = dict(MODEL_ARGS, vocab_size=len(chars))
    model = GPT(args)
    with torch.no_grad():  # spread beyond the 0.02 init, as a trained model's weights
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.3)
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    checkpoint = {
        'model': {f'_orig_mod.{k}': v for k, v in model.state_dict().items()},  # a torch.compile'd model's names
        'optimizer': opt.state_dict(),
        'model_args': args,
        'iter_num': 0,
        'best_val_loss': 1e9,
        'config': {'dataset': 'tiny_char', 'compile': True},
    }
    torch.save(checkpoint, os.path.join(run_dir, 'ckpt.pt'))
    meta = {'vocab_size': len(chars), 'itos': dict(enumerate(chars)), 'stoi': {ch: i for i, ch in enumerate(chars)}}
    with open(os.path.join(run_dir, 'meta.pkl'), 'wb') as f:
        pickle.dump(meta, f)
    model.eval()
    return model, chars


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--run', help='write only the nanoGPT run (ckpt.pt + meta.pkl), into this directory (new or empty)')
    a = parser.parse_args()
    if a.run:
        require_new_dir(a.run)
        os.makedirs(a.run, exist_ok=True)
        _, chars = nanogpt_run(a.run)
        print(f'wrote {a.run}: ckpt.pt and meta.pkl (vocab_size {len(chars)}, model_args {MODEL_ARGS})')
        return
    run_dir = tempfile.mkdtemp()
    try:
        model, chars = nanogpt_run(run_dir)
        ckpt = load_checkpoint(os.path.join(run_dir, 'ckpt.pt'))
        with open(os.path.join(run_dir, 'meta.pkl'), 'rb') as f:
            meta = pickle.load(f)
    finally:
        shutil.rmtree(run_dir)
    shutil.rmtree(OUT, ignore_errors=True)
    config, _ = export(ckpt, meta, os.path.join(OUT, 'exchange'))
    raw = os.path.join(OUT, 'state-dict')
    os.makedirs(raw)
    write_safetensors(os.path.join(raw, 'model.safetensors'), ckpt['model'])
    shutil.copy(os.path.join(OUT, 'exchange', 'config.json'), raw)
    stoi = {ch: i for i, ch in enumerate(chars)}
    ids = torch.tensor([[stoi[ch] for ch in PROMPT]], dtype=torch.long)
    with torch.no_grad():
        logits, _ = model(ids)
    with open(os.path.join(OUT, 'logits.json'), 'w', encoding='utf-8') as f:
        json.dump({
            'generator': 'tools/nanogpt/make_nanogpt_fixture.py',
            'torch': torch.__version__,
            'prompt': PROMPT,
            'ids': ids[0].tolist(),
            'logits': logits[0].tolist(),
        }, f, ensure_ascii=False)
        f.write('\n')
    print(f'vocab_size {config["vocab_size"]}, prompt {len(PROMPT)} characters; wrote {os.path.normpath(OUT)}')


if __name__ == '__main__':
    run(main)
