"""Converts a nanoGPT checkpoint (ckpt.pt, with meta.pkl for a character model) into an exchange directory that tinygpt's char-gpt loads.

nanoGPT's train.py saves out_dir/ckpt.pt = {'model': state_dict, 'model_args': {...}, 'optimizer': ...,
'iter_num', 'best_val_loss', 'config'}; its data/shakespeare_char/prepare.py saves meta.pkl =
{'vocab_size', 'itos', 'stoi'}. This writes EXDIR/model.safetensors (the state dict in float32 under
nanoGPT's names, written by hand: no safetensors package needed) and EXDIR/config.json (model_args
plus "tokenizer": "char" and the vocabulary as "chars", itos in id order). On the way it strips
torch.compile's `_orig_mod.` prefix and drops the causal-mask buffers `transformer.h.N.attn.bias` that
nanoGPT registers when flash attention is unavailable; the tied lm_head.weight is written beside
transformer.wte.weight, as state_dict() lists it. The optimizer state is not converted (the exchange
directory holds a model).

    python3 apps/char-gpt/tools/nanogpt/export_from_nanogpt.py --ckpt out-shakespeare-char/ckpt.pt \\
        --meta data/shakespeare_char/meta.pkl --out exchange/shakespeare-char
    pnpm generate --checkpoint exchange/shakespeare-char

Without --meta, meta.pkl is looked for where nanoGPT's sample.py looks: data/<dataset>/meta.pkl with
the dataset of the checkpoint's config, from the current directory. When there is none, the model is
taken to use GPT-2's tokens, as sample.py then assumes (data/shakespeare, data/openwebtext, a run
started from GPT-2): config.json says "tokenizer": "gpt2" and holds no "chars".
"""
import argparse
import json
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tool_errors import ToolError, import_torch, replace_atomically, require_new_dir, run  # noqa: E402

torch = import_torch()
from model import MASK_BUFFER  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

COMPILE_PREFIX = '_orig_mod.'
MODEL_ARGS = ('n_layer', 'n_head', 'n_embd', 'block_size', 'vocab_size', 'bias', 'dropout')
# GPT-2's BPE (tiktoken's gpt2 encoding): 50,257 tokens; nanoGPT pads a model's vocabulary to 50,304.
GPT2_TOKENS = 50257


def load_checkpoint(path):
    """nanoGPT's ckpt.pt, loaded as nanoGPT's sample.py loads it (a pickle: convert only checkpoints you trust)."""
    if os.path.isdir(path):
        raise ToolError(f'{path} is a directory; --ckpt takes nanoGPT\'s ckpt.pt', 2)
    try:
        ckpt = torch.load(path, map_location='cpu')
    except (pickle.UnpicklingError, EOFError, RuntimeError) as e:
        raise ToolError(f'{path} is not a PyTorch checkpoint ({e})') from None
    if not isinstance(ckpt, dict) or 'model' not in ckpt or 'model_args' not in ckpt:
        raise ToolError(f'{path} is not a nanoGPT checkpoint (no \'model\' and \'model_args\')')
    return ckpt


def clean_state_dict(state):
    """The parameters only, under nanoGPT's plain names: `_orig_mod.` stripped, mask buffers dropped, all float32."""
    out = {}
    for name, t in state.items():
        if name.startswith(COMPILE_PREFIX):
            name = name[len(COMPILE_PREFIX):]
        if MASK_BUFFER.match(name):
            continue
        if name in out:
            raise SystemExit(f'error: the state dict holds {name} twice (with and without {COMPILE_PREFIX})')
        out[name] = t.detach().to(torch.float32).contiguous()
    if 'lm_head.weight' not in out and 'transformer.wte.weight' in out:
        out['lm_head.weight'] = out['transformer.wte.weight']
    return out


def vocabulary(meta, vocab_size):
    """meta.pkl's itos as a list in id order; a char model has exactly one id per character."""
    itos = meta['itos']
    chars = [itos[i] for i in range(len(itos))]
    if len(chars) != vocab_size:
        raise SystemExit(
            f'error: the model has vocab_size {vocab_size} but meta.pkl holds {len(chars)} characters; '
            'a character model has one id per character (a GPT-2-token model has no meta.pkl: leave out --meta)')
    return chars


def find_meta(ckpt, meta_path=None):
    """meta.pkl's contents, or None for GPT-2's tokens: sample.py's rule (data/<dataset>/meta.pkl, else GPT-2)."""
    if meta_path is None:
        meta_path = os.path.join('data', ckpt.get('config', {}).get('dataset', ''), 'meta.pkl')
        if not os.path.exists(meta_path):
            print(f'no meta.pkl at {meta_path}: assuming GPT-2 encodings, as nanoGPT\'s sample.py does')
            return None
    elif not os.path.exists(meta_path):
        raise SystemExit(f'error: no meta.pkl at {meta_path} (leave out --meta for a GPT-2-token model)')
    with open(meta_path, 'rb') as f:
        try:
            meta = pickle.load(f)
        except (pickle.UnpicklingError, EOFError) as e:
            raise ToolError(f'{meta_path} is not a readable pickle ({e})') from None
    if not isinstance(meta, dict) or 'itos' not in meta:
        raise ToolError(f'{meta_path} is not a nanoGPT meta.pkl (no \'itos\')')
    return meta


def tokenizer_config(meta, vocab_size):
    """config.json's tokenizer keys: "char" and the vocabulary from meta.pkl, or "gpt2" when there is no meta.pkl."""
    if meta is not None:
        return {'tokenizer': 'char', 'chars': vocabulary(meta, vocab_size)}
    if vocab_size < GPT2_TOKENS:
        raise SystemExit(f'error: the model has vocab_size {vocab_size}, fewer than GPT-2\'s {GPT2_TOKENS} tokens, '
                         'and no meta.pkl was found: pass --meta PATH (the character vocabulary of the dataset)')
    return {'tokenizer': 'gpt2'}


def export(ckpt, meta, out_dir):
    """Writes the exchange directory (new, or empty) for a loaded checkpoint dict and meta dict (None: GPT-2's tokens); returns its config.json contents."""
    args = ckpt['model_args']
    missing = [k for k in MODEL_ARGS if k != 'dropout' and k not in args]
    if missing:
        raise SystemExit(f'error: the checkpoint\'s model_args lack {", ".join(missing)}')
    config = {k: args[k] for k in MODEL_ARGS if k in args}
    config.update(tokenizer_config(meta, args['vocab_size']))
    state = clean_state_dict(ckpt['model'])
    os.makedirs(out_dir, exist_ok=True)
    write_safetensors(os.path.join(out_dir, 'model.safetensors'), state, metadata={'format': 'pt'})
    text = json.dumps(config, indent=1, ensure_ascii=False) + '\n'
    replace_atomically(os.path.join(out_dir, 'config.json'), lambda f: f.write(text), 'w', encoding='utf-8')
    return config, state


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--ckpt', required=True, help="nanoGPT's checkpoint (out_dir/ckpt.pt)")
    parser.add_argument('--meta', help="the dataset's meta.pkl (default: data/<dataset>/meta.pkl, as sample.py; none there: GPT-2's tokens)")
    parser.add_argument('--out', required=True, help='exchange directory to write, new or empty (model.safetensors + config.json)')
    a = parser.parse_args()
    require_new_dir(a.out)
    ckpt = load_checkpoint(a.ckpt)
    config, state = export(ckpt, find_meta(ckpt, a.meta), a.out)
    params = sum(t.numel() for n, t in state.items() if n != 'lm_head.weight')
    print(f'wrote {a.out}: model.safetensors ({len(state)} tensors, {params:,} parameters) and config.json '
          f'(n_layer {config["n_layer"]}, n_head {config["n_head"]}, n_embd {config["n_embd"]}, '
          f'block_size {config["block_size"]}, vocab_size {config["vocab_size"]}, bias {config["bias"]}, '
          f'tokenizer {config["tokenizer"]})')


if __name__ == '__main__':
    run(main)
