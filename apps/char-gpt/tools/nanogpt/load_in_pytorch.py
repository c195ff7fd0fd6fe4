"""Loads an exchange directory (pnpm export) into nanoGPT's GPT with load_state_dict and prints its logits for a prompt.

    pnpm export --checkpoint runs/quick --out runs/quick-nanogpt
    python3 apps/char-gpt/tools/nanogpt/load_in_pytorch.py runs/quick-nanogpt --prompt 'Call me Ishmael.'

The model class is tools/nanogpt/model.py (nanoGPT's model.py restated), or with --nanogpt DIR the
GPT and GPTConfig of a nanoGPT checkout's own model.py. load_state_dict runs strict: every parameter
must be in the file under nanoGPT's name with nanoGPT's shape; only the causal-mask buffers
(transformer.h.N.attn.bias, constants nanoGPT registers on PyTorch < 2.0) come from the model itself.

The source may also be nanoGPT's own ckpt.pt (with --meta meta.pkl for the vocabulary), loaded as
nanoGPT's sample.py loads it: the reference for a model converted with export_from_nanogpt.py.

A GPT-2-token model (config.json's "tokenizer": "gpt2", or a ckpt.pt without meta.pkl) encodes the
prompt as sample.py does, with tiktoken's gpt2 encoding. Without the tiktoken package, give the ids
instead: --ids, or --compare, whose file holds the prompt's ids as tinygpt encoded them.

With --compare FILE (the JSON of tools/nanogpt/logits.ts for the same prompt), prints the largest
difference between these logits and tinygpt's.
"""
import argparse
import importlib.util
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tool_errors import ToolError, import_torch, require_model_dir, run  # noqa: E402

torch = import_torch()
from export_from_nanogpt import COMPILE_PREFIX, MODEL_ARGS as NANOGPT_ARGS, find_meta, load_checkpoint, tokenizer_config  # noqa: E402
from model import GPT, MASK_BUFFER  # noqa: E402
from safetensors_io import read_safetensors  # noqa: E402

# nanoGPT's model args but dropout, which inference leaves at 0.
MODEL_ARGS = tuple(k for k in NANOGPT_ARGS if k != 'dropout')


def build_model(config, nanogpt_dir=None):
    """nanoGPT's GPT for config.json's model args: our restatement, or the class in nanogpt_dir/model.py."""
    missing = [k for k in MODEL_ARGS if k not in config]
    if missing:
        raise ToolError(f'config.json lacks {", ".join(missing)}')
    args = {k: config[k] for k in MODEL_ARGS}
    if nanogpt_dir is None:
        return GPT(dict(args, gelu=config.get('gelu', 'none'))), 'tools/nanogpt/model.py'
    if config.get('gelu') == 'tanh':
        print("note: config.json asks for GPT-2's tanh GELU; nanoGPT's model.py has the exact one, so its logits differ slightly")
    path = os.path.join(nanogpt_dir, 'model.py')
    if not os.path.isfile(path):
        raise ToolError(f'{nanogpt_dir} has no model.py; --nanogpt takes a nanoGPT checkout', 2)
    spec = importlib.util.spec_from_file_location('nanogpt_model', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.GPT(module.GPTConfig(**args, dropout=0.0)), path


def read_source(source, meta_path=None):
    """config.json's contents and the state dict: of an exchange directory, or of nanoGPT's ckpt.pt plus its meta.pkl (none: GPT-2's tokens)."""
    if os.path.isdir(source) or not os.path.exists(source):
        require_model_dir(source)
        with open(os.path.join(source, 'config.json'), encoding='utf-8') as f:
            config = json.load(f)
        state = read_safetensors(os.path.join(source, 'model.safetensors'))
    else:
        ckpt = load_checkpoint(source)
        meta = find_meta(ckpt, meta_path)
        config = dict(ckpt['model_args'], **tokenizer_config(meta, ckpt['model_args']['vocab_size']))
        state = ckpt['model']
    # As nanoGPT's sample.py: strip torch.compile's prefix, keep everything else.
    state = {k[len(COMPILE_PREFIX):] if k.startswith(COMPILE_PREFIX) else k: v for k, v in state.items()}
    # The tied pair may be stored under one name only (safetensors' save_model keeps one).
    for name, other in (('lm_head.weight', 'transformer.wte.weight'), ('transformer.wte.weight', 'lm_head.weight')):
        if name not in state and other in state:
            state[name] = state[other]
    return config, state


def load(source, nanogpt_dir=None, meta_path=None):
    """The model of `source` with a strict load_state_dict, in eval mode; its config (with chars) and the class's file."""
    config, state = read_source(source, meta_path)
    model, origin = build_model(config, nanogpt_dir)
    # The masks are constants of the architecture: take them from the model, as nanoGPT's from_pretrained does.
    for name, buffer in model.state_dict().items():
        if MASK_BUFFER.match(name) and name not in state:
            state[name] = buffer
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as e:  # PyTorch lists every missing, unexpected or misshapen tensor
        first = next((line.strip() for line in str(e).splitlines()[1:] if line.strip()), str(e))
        raise ToolError(f'{source}: the weights do not fit the model its config.json describes: {first}') from None
    model.eval()
    return model, config, origin


class Gpt2Text:
    """GPT-2's tokens as sample.py reads them (tiktoken's gpt2 encoding), or, without tiktoken, given ids only."""

    def __init__(self):
        try:
            import tiktoken
            self.enc = tiktoken.get_encoding('gpt2')
        except ImportError:
            self.enc = None

    def encode(self, prompt, ids):
        if ids is not None:
            return ids
        if self.enc is None:
            raise SystemExit("error: this model uses GPT-2's tokens; encoding the prompt needs the tiktoken package "
                             '(pip install tiktoken), or pass the ids with --ids or --compare')
        return self.enc.encode(prompt, allowed_special={'<|endoftext|>'})  # as sample.py

    def show(self, token):
        return repr(self.enc.decode([token])) if self.enc is not None else f'token {token}'


class CharText:
    """A character vocabulary (config.json's chars, meta.pkl's itos)."""

    def __init__(self, chars):
        self.chars = chars
        self.stoi = {ch: i for i, ch in enumerate(chars)}

    def encode(self, prompt, ids):
        if ids is not None:
            return ids
        missing = sorted({ch for ch in prompt if ch not in self.stoi})
        if missing:
            raise SystemExit(f'error: the prompt has characters outside the vocabulary: {missing!r}')
        return [self.stoi[ch] for ch in prompt]

    def show(self, token):
        return repr(self.chars[token])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('source', help="exchange directory (model.safetensors + config.json), or nanoGPT's ckpt.pt")
    parser.add_argument('--meta', help="with a ckpt.pt: the dataset's meta.pkl (default: data/<dataset>/meta.pkl, as sample.py; none there: GPT-2's tokens)")
    parser.add_argument('--prompt', default='\n', help='text to score (default: a newline)')
    parser.add_argument('--ids', help='token ids to score instead of --prompt, comma-separated')
    parser.add_argument('--nanogpt', help="a nanoGPT checkout: use its model.py's GPT instead of tools/nanogpt/model.py")
    parser.add_argument('--compare', help='JSON of tools/nanogpt/logits.ts for the same prompt: print the largest difference')
    a = parser.parse_args()
    model, config, origin = load(a.source, a.nanogpt, a.meta)
    gpt2 = config.get('tokenizer', 'char') == 'gpt2'
    if not gpt2 and 'chars' not in config:
        raise ToolError(f'{a.source}: config.json has neither "chars" nor "tokenizer": "gpt2"')
    text = Gpt2Text() if gpt2 else CharText(config['chars'])
    ours = None
    if a.compare:
        with open(a.compare, encoding='utf-8') as f:
            ours = json.load(f)
    try:
        given = [int(i) for i in a.ids.split(',')] if a.ids else None
    except ValueError:
        raise SystemExit(f'error: --ids must be token ids separated by commas, got {a.ids!r}') from None
    if given is None and ours is not None and gpt2 and text.enc is None:
        if ours['prompt'] != a.prompt:
            raise SystemExit('error: the compared logits are for another prompt')
        given = ours['ids']  # tinygpt's encoding of the same prompt (checked against tiktoken's ids by its tests)
    ids = torch.tensor([text.encode(a.prompt, given)], dtype=torch.long)
    if int(ids.max()) >= config['vocab_size'] or int(ids.min()) < 0:
        raise SystemExit(f'error: a token id is outside the vocabulary [0, {config["vocab_size"]})')
    with torch.no_grad():
        # Targets make nanoGPT's forward return logits at every position, not only the last.
        logits, _ = model(ids, torch.zeros_like(ids))
    logits = logits[0]  # (T, vocab_size)
    print(f'loaded {a.source} into GPT of {origin} with load_state_dict(strict=True): '
          f'{sum(p.numel() for p in model.parameters()):,} parameters')
    shown = f'ids {a.ids}' if a.ids else f'prompt {a.prompt!r}'
    print(f'{shown}: {ids.size(1)} tokens ({"gpt2" if gpt2 else "characters"}); logits ({ids.size(1)}, {logits.size(1)})')
    last = logits[-1]
    print('logits at the last position, first 6:', ' '.join(f'{v:.6f}' for v in last[:6].tolist()))
    print(f'most likely next {"token" if gpt2 else "character"}: {text.show(int(last.argmax()))}')
    if ours is not None:
        if ours['ids'] != ids[0].tolist():
            raise SystemExit('error: the compared logits are for another prompt')
        theirs = torch.tensor(ours['logits'], dtype=torch.float32)
        diff = (theirs - logits).abs()
        rel = (diff / torch.clamp(logits.abs(), min=1.0)).max()
        print(f'tinygpt vs PyTorch: max |difference| {float(diff.max()):.3e} over {diff.numel()} logits '
              f'(max relative {float(rel):.3e})')


if __name__ == '__main__':
    run(main)
