"""Turns a run handover directory written by `pnpm export --run` into a run nanoGPT's train.py resumes (ckpt.pt + meta.pkl).

Reads DIR/{model.safetensors, config.json, optimizer.safetensors, run.json} and
DIR/nanogpt/data/DATASET/meta.json, and writes, beside the train.bin, val.bin and config file that
pnpm export already put under DIR/nanogpt/:
  DIR/nanogpt/out-DATASET/ckpt.pt      {'model', 'optimizer', 'model_args', 'iter_num', 'best_val_loss', 'config'}
  DIR/nanogpt/data/DATASET/meta.pkl    {'vocab_size', 'itos', 'stoi'}, as data/shakespeare_char/prepare.py
                                       (none for a GPT-2-token run: nanoGPT then uses tiktoken's gpt2, as for data/shakespeare)
'optimizer' is the state_dict() of the AdamW nanoGPT's configure_optimizers builds (two groups, PyTorch's
layout of the running torch: exp_avg, exp_avg_sq and step per parameter). Copy the tree into a nanoGPT
checkout and resume:

    python3 apps/char-gpt/tools/nanogpt/to_nanogpt_run.py runs/quick-handover
    cp -r runs/quick-handover/nanogpt/. nanoGPT/ && cd nanoGPT
    python train.py config/resume_DATASET.py

nanoGPT's attention keeps a causal-mask buffer (transformer.h.N.attn.bias) in its state dict only on
PyTorch < 2.0 (no flash attention); --mask-buffers auto includes it when the torch running this script
has no scaled_dot_product_attention, so convert with the PyTorch major version that will resume the run.
"""
import argparse
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tool_errors import import_torch, replace_atomically, require_model_dir, run  # noqa: E402

torch = import_torch()
from run_handover import (  # noqa: E402
    CONFIG_KEYS, FLOAT_KEYS, NO_VAL_LOSS, adamw, model_params, nanogpt_groups, read_json, read_run_json, step_value)
from safetensors_io import read_safetensors  # noqa: E402

MODEL_ARGS = ('n_layer', 'n_head', 'n_embd', 'block_size', 'bias', 'vocab_size', 'dropout')  # train.py's order


def nanogpt_checkpoint(handover, masks):
    """The ckpt.pt dict of the run in `handover`, its dataset name and its character vocabulary (None: GPT-2's tokens)."""
    args = read_json(os.path.join(handover, 'config.json'))
    run = read_run_json(os.path.join(handover, 'run.json'))
    weights = read_safetensors(os.path.join(handover, 'model.safetensors'))
    moments = read_safetensors(os.path.join(handover, 'optimizer.safetensors'))
    model_args = {k: args[k] for k in MODEL_ARGS if k in args}
    model_args['dropout'] = float(run['config'].get('dropout', model_args.get('dropout', 0.0)))
    params = model_params(model_args, weights)
    groups = nanogpt_groups(params)
    if groups != [g['params'] for g in run['optimizer']['groups']]:
        raise SystemExit("error: run.json's optimizer groups are not nanoGPT's configure_optimizers groups for this model")
    opt = run['optimizer']
    optimizer = adamw(params, groups, opt['groups'][0]['weight_decay'], opt['lr'], opt['betas'], opt['eps'])
    for name in groups[0] + groups[1]:
        p = params[name]
        state = {'step': step_value(opt['step'])}
        for key in ('exp_avg', 'exp_avg_sq'):
            t = moments.get(f'{name}.{key}')
            if t is None:
                raise SystemExit(f'error: optimizer.safetensors lacks {name}.{key}')
            state[key] = t.reshape(p.shape).clone()
        optimizer.state[p] = state
    # The state dict in named_parameters order with the tied head, as GPT.state_dict() lists it.
    model = {}
    for name, t in weights.items():
        model[name] = t.clone()
    if masks:
        T = model_args['block_size']
        for i in range(model_args['n_layer']):
            model[f'transformer.h.{i}.attn.bias'] = torch.tril(torch.ones(T, T)).view(1, 1, T, T)
    dataset = run['dataset']
    config = {k: run['config'][k] for k in CONFIG_KEYS if k in run['config']}
    config.update({k: float(v) for k, v in config.items() if k in FLOAT_KEYS})
    config.update(dataset=dataset, out_dir=f'out-{dataset}', init_from='resume')
    best = run['best_val_loss']
    ckpt = {
        'model': model,
        'optimizer': optimizer.state_dict(),
        'model_args': model_args,
        'iter_num': run['iter_num'],
        'best_val_loss': NO_VAL_LOSS if best is None else torch.tensor(best, dtype=torch.float64),  # exact
        'config': config,
    }
    return ckpt, dataset, (None if args.get('tokenizer') == 'gpt2' else args['chars'])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('handover', help='the directory pnpm export --run wrote')
    parser.add_argument('--mask-buffers', choices=('auto', 'yes', 'no'), default='auto',
                        help="include nanoGPT's causal-mask buffers (needed by nanoGPT on PyTorch < 2.0); "
                             'auto: when this torch lacks flash attention')
    a = parser.parse_args()
    masks = a.mask_buffers == 'yes' or (
        a.mask_buffers == 'auto' and not hasattr(torch.nn.functional, 'scaled_dot_product_attention'))
    require_model_dir(a.handover, 'a run handover directory', 'pnpm export --checkpoint DIR --out NEWDIR --run')
    ckpt, dataset, chars = nanogpt_checkpoint(a.handover, masks)
    root = os.path.join(a.handover, 'nanogpt')
    data_dir = os.path.join(root, 'data', dataset)
    if not os.path.exists(os.path.join(data_dir, 'train.bin')):
        raise SystemExit(f'error: {data_dir}/train.bin is missing; write the handover with pnpm export --run')
    out_dir = os.path.join(root, f'out-{dataset}')
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, 'ckpt.pt')
    torch.save(ckpt, path + '.tmp')
    os.replace(path + '.tmp', path)
    if chars is None:
        vocab = f'no meta.pkl: GPT-2 tokens, vocab_size {ckpt["model_args"]["vocab_size"]}'
    else:
        meta = {'vocab_size': len(chars), 'itos': dict(enumerate(chars)), 'stoi': {ch: i for i, ch in enumerate(chars)}}
        replace_atomically(os.path.join(data_dir, 'meta.pkl'), lambda f: pickle.dump(meta, f))
        vocab = f'{data_dir}/meta.pkl (vocab_size {len(chars)})'
    print(f'wrote {path} (iter_num {ckpt["iter_num"]}, {len(ckpt["optimizer"]["state"])} AdamW states, '
          f'mask buffers {"in" if masks else "out"}) and {vocab}')
    print(f'next: cp -r {root}/. <nanoGPT checkout>/ and there: python train.py config/resume_{dataset}.py')


if __name__ == '__main__':
    run(main)
