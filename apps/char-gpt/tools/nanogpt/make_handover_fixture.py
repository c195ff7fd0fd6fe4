"""Writes the run-handover fixture of tinygpt's char-gpt: a char-gpt run sent to nanoGPT's ckpt.pt and back, with the ckpt.pt's layout.

Trains a tiny char-gpt run (pnpm pretrain: 2 layers, n_embd 8, biases, dropout 0.1, 6 iterations),
hands it over with `pnpm export --run`, converts that with to_nanogpt_run.py into nanoGPT's ckpt.pt,
and back with from_nanogpt_run.py, and writes into test/fixtures/handover/:
  corpus.txt        the text trained on;
  ours/             the handover pnpm export --run wrote (model, config, optimizer moments, run.json);
  back/             from_nanogpt_run.py's handover of the ckpt.pt made from ours/ (its names prefixed
                    `_orig_mod.`, as a torch.compile'd nanoGPT run saves them);
  ckpt-layout.json  what that ckpt.pt holds: its keys, state-dict names and shapes, model_args, iter_num,
                    best_val_loss, config, AdamW's param_groups and, per state index, step, shape and
                    the SHA-256 of exp_avg and exp_avg_sq.
test/handover.test.ts requires back/ to equal ours/ bit for bit and ckpt-layout.json to be nanoGPT's
layout of ours/ (groups, order, one state for the tied head); it needs no torch. Where torch is present,
it also runs this script with --out into a scratch directory and holds that fresh fixture to the same
checks, and to the committed one up to the numbers of training. Run from anywhere:

    python3 apps/char-gpt/tools/nanogpt/make_handover_fixture.py             # rewrites test/fixtures/handover/
    python3 apps/char-gpt/tools/nanogpt/make_handover_fixture.py --out DIR   # writes DIR (new or empty) instead
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tool_errors import import_torch, require_new_dir, run as run_tool  # noqa: E402

torch = import_torch()
from run_handover import write_json  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
APP = os.path.normpath(os.path.join(HERE, '..', '..'))
OUT = os.path.join(APP, 'test', 'fixtures', 'handover')
DATASET = 'tiny_char'
HANDOVER_FILES = ('model.safetensors', 'config.json', 'optimizer.safetensors', 'run.json')
PRETRAIN = ['--n-layer', '2', '--n-head', '2', '--n-embd', '8', '--block-size', '8', '--bias',
            '--dropout', '0.1', '--batch-size', '4', '--max-iters', '6', '--eval-interval', '3', '--eval-iters', '2',
            '--warmup-iters', '2', '--lr-decay-iters', '20', '--weight-decay', '0.1', '--beta2', '0.95',
            '--sample-chars', '0', '--backend', 'js']


def corpus():
    """A few kilobytes of words over a small alphabet, with an accented and an astral character."""
    rng = random.Random(1337)
    words = 'the cat sat on a mat; café dog ran 😀 to log'.split()
    return ''.join(' '.join(rng.choice(words) for _ in range(8)) + '.\n' for _ in range(60))


def run(cmd, cwd=APP):
    print('$', ' '.join(os.path.basename(c) if os.path.isabs(c) else c for c in cmd))
    subprocess.run(cmd, cwd=cwd, check=True)


def sha256(t):
    return hashlib.sha256(t.detach().contiguous().to(torch.float32).numpy().tobytes()).hexdigest()


def layout(ckpt):
    """ckpt.pt's structure and numbers' fingerprints, as JSON."""
    opt = ckpt['optimizer']
    return {
        'generator': 'tools/nanogpt/make_handover_fixture.py',
        'torch': torch.__version__,
        'keys': list(ckpt.keys()),
        'model': [[name, list(t.shape)] for name, t in ckpt['model'].items()],
        'model_args': ckpt['model_args'],
        'iter_num': ckpt['iter_num'],
        'best_val_loss': float(ckpt['best_val_loss']),
        'config': ckpt['config'],
        'param_groups': [{k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()} for g in opt['param_groups']],
        'state': [{'index': i, 'step': float(s['step']), 'shape': list(s['exp_avg'].shape),
                   'exp_avg': sha256(s['exp_avg']), 'exp_avg_sq': sha256(s['exp_avg_sq'])}
                  for i, s in sorted(opt['state'].items())],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--out', default=OUT, help='the directory to (re)write (default: test/fixtures/handover)')
    out = os.path.abspath(parser.parse_args().out)
    # The committed fixture is rewritten whole; any other --out must be new or empty, as for the other tools.
    if out != OUT:
        require_new_dir(out)
    tmp = tempfile.mkdtemp()
    try:
        text_path = os.path.join(tmp, 'corpus.txt')
        with open(text_path, 'w', encoding='utf-8') as f:
            f.write(corpus())
        run_dir, handover = os.path.join(tmp, 'run'), os.path.join(tmp, 'handover')
        run(['pnpm', '-s', 'pretrain', '--data', text_path, '--out-dir', run_dir, *PRETRAIN])
        run(['pnpm', '-s', 'export', '--checkpoint', run_dir, '--out', handover, '--run', '--dataset', DATASET])
        run([sys.executable, os.path.join(HERE, 'to_nanogpt_run.py'), handover, '--mask-buffers', 'yes'])
        ckpt_path = os.path.join(handover, 'nanogpt', f'out-{DATASET}', 'ckpt.pt')
        # Back from the checkpoint as a torch.compile'd nanoGPT saves it: every state-dict name prefixed `_orig_mod.`.
        compiled = torch.load(ckpt_path, map_location='cpu')
        compiled['model'] = {f'_orig_mod.{k}': v for k, v in compiled['model'].items()}
        compiled_path = os.path.join(tmp, 'ckpt-compiled.pt')
        torch.save(compiled, compiled_path)
        back = os.path.join(tmp, 'back')
        run([sys.executable, os.path.join(HERE, 'from_nanogpt_run.py'), '--ckpt', compiled_path,
             '--meta', os.path.join(handover, 'nanogpt', 'data', DATASET, 'meta.pkl'), '--out', back])
        ckpt = torch.load(ckpt_path, map_location='cpu')
        shutil.rmtree(out, ignore_errors=True)
        os.makedirs(out)
        shutil.copy(text_path, out)
        for name, src in (('ours', handover), ('back', back)):
            os.makedirs(os.path.join(out, name))
            for f in HANDOVER_FILES:
                shutil.copy(os.path.join(src, f), os.path.join(out, name, f))
        # The corpus's absolute path is a detail of this machine: name it relative to the fixture.
        ours_run = os.path.join(out, 'ours', 'run.json')
        with open(ours_run, encoding='utf-8') as f:
            run_json = json.load(f)
        run_json['corpus']['source'] = 'corpus.txt'
        write_json(ours_run, run_json)
        with open(os.path.join(out, 'ckpt-layout.json'), 'w', encoding='utf-8') as f:
            json.dump(layout(ckpt), f, indent=1, ensure_ascii=False)
            f.write('\n')
    finally:
        shutil.rmtree(tmp)
    print(f'wrote {os.path.relpath(out, APP) if out == OUT else out}')


if __name__ == '__main__':
    run_tool(main)
