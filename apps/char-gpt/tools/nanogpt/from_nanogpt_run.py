"""Turns a nanoGPT run (ckpt.pt, and meta.pkl for a character model) into a run handover directory that `pnpm pretrain --init-from resume` continues.

Writes OUT/model.safetensors and OUT/config.json (as export_from_nanogpt.py: nanoGPT's names, the
`_orig_mod.` prefix stripped, the mask buffers dropped, the tied lm_head written beside wte), plus
  OUT/optimizer.safetensors  AdamW's exp_avg and exp_avg_sq under the parameter names
  OUT/run.json               iter_num, best_val_loss, dataset, train.py's knobs, AdamW's step, lr, betas, eps, groups
The optimizer state is read by loading ckpt['optimizer'] into the AdamW nanoGPT's configure_optimizers
builds for this model, so its indices map to names exactly as in train.py.

    python3 apps/char-gpt/tools/nanogpt/from_nanogpt_run.py --ckpt out-shakespeare-char/ckpt.pt \\
        --meta data/shakespeare_char/meta.pkl --out runs/back
    pnpm pretrain --init-from resume --out-dir runs/back --data tinyshakespeare --max-iters 5100

Without meta.pkl (none given and none at data/<dataset>/meta.pkl) the run is taken to use GPT-2's
tokens, as nanoGPT's sample.py assumes.

OUT is also an exchange directory (pnpm generate --checkpoint OUT samples from it); the first
`--init-from resume` turns it into a char-gpt checkpoint in place.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tool_errors import import_torch, require_new_dir, run  # noqa: E402

torch = import_torch()
from export_from_nanogpt import clean_state_dict, export, find_meta, load_checkpoint  # noqa: E402
from run_handover import (  # noqa: E402
    CONFIG_KEYS, NO_VAL_LOSS, RUN_FORMAT, RUN_VERSION, adamw, model_params, nanogpt_groups, write_json)
from safetensors_io import write_safetensors  # noqa: E402


def run_state(ckpt, dataset):
    """run.json's contents and the moments by name, from a loaded nanoGPT checkpoint."""
    model_args = ckpt['model_args']
    params = model_params(model_args, clean_state_dict(ckpt['model']))
    groups = nanogpt_groups(params)
    saved = ckpt['optimizer']
    if len(saved['param_groups']) != 2:
        raise SystemExit(f"error: the checkpoint's optimizer has {len(saved['param_groups'])} parameter groups; nanoGPT's has 2")
    g0, g1 = saved['param_groups']
    optimizer = adamw(params, groups, g0['weight_decay'], g0['lr'], g0['betas'], g0['eps'])
    optimizer.load_state_dict(saved)  # checks the group sizes; maps PyTorch's indices onto this model's tensors
    moments, steps = {}, set()
    for name in groups[0] + groups[1]:
        p = params[name]
        state = optimizer.state.get(p, {})
        for key in ('exp_avg', 'exp_avg_sq'):
            t = state.get(key)
            moments[f'{name}.{key}'] = torch.zeros_like(p) if t is None else t.detach().to(torch.float32)
        steps.add(int(float(state.get('step', 0))))
    if len(steps) != 1:
        raise SystemExit(f'error: the parameters have taken different numbers of AdamW steps ({sorted(steps)}); char-gpt keeps one count')
    if g1['weight_decay'] != 0 or tuple(g1['betas']) != tuple(g0['betas']) or g1['eps'] != g0['eps']:
        raise SystemExit("error: the optimizer's second group is not nanoGPT's (no weight decay, the same betas and eps)")
    config = ckpt.get('config', {})
    best = float(ckpt['best_val_loss'])
    run = {
        'format': RUN_FORMAT,
        'version': RUN_VERSION,
        'writer': 'nanogpt',
        'iter_num': int(ckpt['iter_num']),
        'best_val_loss': None if best >= NO_VAL_LOSS else best,
        'dataset': dataset,
        'config': {k: config[k] for k in CONFIG_KEYS if k in config and isinstance(config[k], (int, float, bool))},
        'optimizer': {'step': steps.pop(), 'lr': float(g0['lr']), 'betas': [float(b) for b in g0['betas']],
                      'eps': float(g0['eps']),
                      'groups': [{'weight_decay': float(g0['weight_decay']), 'params': groups[0]},
                                 {'weight_decay': 0.0, 'params': groups[1]}]},
    }
    return run, moments


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ckpt', required=True, help="nanoGPT's checkpoint (out_dir/ckpt.pt)")
    parser.add_argument('--meta', help="the dataset's meta.pkl (default: data/<dataset>/meta.pkl, as sample.py; none there: GPT-2's tokens)")
    parser.add_argument('--out', required=True, help='the directory to write (new, or empty)')
    a = parser.parse_args()
    require_new_dir(a.out)
    ckpt = load_checkpoint(a.ckpt)
    dataset = ckpt.get('config', {}).get('dataset', 'corpus')
    meta = find_meta(ckpt, a.meta)
    run, moments = run_state(ckpt, dataset)
    export(ckpt, meta, a.out)
    write_safetensors(os.path.join(a.out, 'optimizer.safetensors'), moments)
    write_json(os.path.join(a.out, 'run.json'), run)
    print(f'wrote {a.out}: iteration {run["iter_num"]}, AdamW step {run["optimizer"]["step"]}, '
          f'{len(moments) // 2} parameters with both moments, dataset {dataset}')
    print(f'next: pnpm pretrain --init-from resume --out-dir {a.out} --data CORPUS')


if __name__ == '__main__':
    run(main)
