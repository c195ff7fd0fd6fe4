"""What to_nanogpt_run.py and from_nanogpt_run.py share: run.json, nanoGPT's AdamW groups, and PyTorch's optimizer state.

A run handover directory (written by `pnpm export --run`, or by from_nanogpt_run.py) holds
  model.safetensors      weights under nanoGPT's state-dict names (lm_head.weight beside transformer.wte.weight)
  config.json            nanoGPT's model_args and the tokenizer: "chars" (meta.pkl's itos), or "tokenizer": "gpt2"
  optimizer.safetensors  AdamW's moments: <name>.exp_avg and <name>.exp_avg_sq, one pair per parameter
  run.json               iter_num, best_val_loss, dataset, train.py knobs (config), AdamW step/lr/betas/eps/groups
PyTorch numbers an optimizer's parameters across its groups in order; nanoGPT's configure_optimizers
makes two groups from named_parameters() (the tied lm_head.weight is listed once, as
transformer.wte.weight): every tensor with dim >= 2 decays, the others do not. That order is what
maps the moments by name onto the state indices of ckpt.pt's 'optimizer'.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tool_errors import import_torch, replace_atomically  # noqa: E402

torch = import_torch()
from model import GPT  # noqa: E402

RUN_FORMAT = 'tinygpt-nanogpt-run'
RUN_VERSION = 1
# train.py's knobs that travel in run.json (the model's shape also travels in config.json).
CONFIG_KEYS = ('batch_size', 'block_size', 'gradient_accumulation_steps', 'n_layer', 'n_head', 'n_embd', 'dropout',
               'bias', 'learning_rate', 'max_iters', 'weight_decay', 'beta1', 'beta2', 'grad_clip', 'decay_lr',
               'warmup_iters', 'lr_decay_iters', 'min_lr', 'eval_interval', 'eval_iters', 'log_interval',
               'always_save_checkpoint')
# train.py's knobs that are Python floats (its configurator refuses a command-line override of another type).
FLOAT_KEYS = ('dropout', 'learning_rate', 'weight_decay', 'beta1', 'beta2', 'grad_clip', 'min_lr')
# nanoGPT's best_val_loss before any evaluation.
NO_VAL_LOSS = 1e9


def model_params(model_args, state):
    """nanoGPT's GPT (tools/nanogpt/model.py) of this shape holding `state`'s weights, and its named_parameters() as a dict."""
    model = GPT({**model_args, 'dropout': 0.0})
    params = dict(model.named_parameters())
    with torch.no_grad():
        for name, p in params.items():
            if name not in state:
                raise SystemExit(f'error: the weights lack {name}')
            if tuple(state[name].shape) != tuple(p.shape):
                raise SystemExit(f'error: {name} has shape {list(state[name].shape)}, the model {list(p.shape)}')
            p.copy_(state[name])
    return params


def nanogpt_groups(params):
    """configure_optimizers' two groups as lists of names: the >= 2-D tensors, then the rest, in named_parameters order."""
    return [[n for n, p in params.items() if p.dim() >= 2], [n for n, p in params.items() if p.dim() < 2]]


def adamw(params, groups, weight_decay, lr, betas, eps):
    """The AdamW nanoGPT builds (same groups, same order), over the tensors in `params`."""
    return torch.optim.AdamW(
        [{'params': [params[n] for n in groups[0]], 'weight_decay': weight_decay},
         {'params': [params[n] for n in groups[1]], 'weight_decay': 0.0}],
        lr=lr, betas=tuple(betas), eps=eps)


def step_value(step):
    """AdamW's per-parameter `step` as this PyTorch keeps it: a float tensor since 1.12, an int before."""
    major, minor = (int(x) for x in torch.__version__.split('+')[0].split('.')[:2])
    return torch.tensor(float(step)) if (major, minor) >= (1, 12) else int(step)


def read_json(path):
    try:
        with open(path, encoding='utf-8') as f:
            return json.load(f)
    except FileNotFoundError:
        raise SystemExit(f'error: {path} is missing') from None
    except ValueError:
        raise SystemExit(f'error: {path} is not valid JSON') from None


def read_run_json(path):
    """run.json, with its format checked."""
    run = read_json(path)
    if run.get('format') != RUN_FORMAT or run.get('version') != RUN_VERSION:
        raise SystemExit(f'error: {path} is not a run handover file (format {run.get("format")!r} version {run.get("version")!r})')
    return run


def write_json(path, value):
    text = json.dumps(value, indent=1, ensure_ascii=False) + '\n'
    replace_atomically(path, lambda f: f.write(text), 'w', encoding='utf-8')
