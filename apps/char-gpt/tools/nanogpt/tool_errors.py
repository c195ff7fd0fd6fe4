"""What the tools share for a user's mistakes: one `error:` line on stderr and an exit code, not a traceback.

Exit code 2: a bad argument (a missing file or directory, a directory of the wrong kind, an --out
that is not new); 1: an input that cannot be read (corrupt, truncated, not a PyTorch pickle).
Any other exception is a bug of the tool and keeps its traceback.
"""
import json
import os
import pickle
import sys

CHECKPOINT_FORMAT = 'tinygpt-char-gpt'  # checkpoint.json's "format" in a `pnpm pretrain` out dir


class ToolError(Exception):
    """A user's mistake or an unreadable input; the message is one line, `code` the exit code."""

    def __init__(self, message, code=1):
        super().__init__(message)
        self.code = code


def run(main):
    """Calls main(), turning a ToolError, a file system error or an unreadable file into `error: ...` and an exit code."""
    try:
        main()
    except ToolError as e:
        fail(str(e), e.code)
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as e:
        fail(f'{e.filename}: {e.strerror}', 2)
    except OSError as e:
        fail(f'{e.filename}: {e.strerror}' if e.filename else str(e), 1)
    except pickle.UnpicklingError as e:
        fail(f'not a readable pickle: {e}', 1)
    except json.JSONDecodeError as e:
        fail(f'invalid JSON: {e}', 1)


def import_torch():
    """torch; without it, one `error:` line naming the Python that lacks it (exit 1) instead of a traceback."""
    try:
        import torch
    except ImportError as e:
        tool = os.path.basename(sys.argv[0]) or 'this tool'
        fail(f'{tool} needs PyTorch, which {sys.executable} cannot import ({e}); install it '
             '(apt-get install python3-torch, or pip install torch) or run the tool with a Python that has it', 1)
    return torch


def fail(message, code):
    print(f'error: {message}', file=sys.stderr)
    sys.exit(code)


def require_new_dir(path):
    """Refuses an --out that exists and is not an empty directory: nothing in it is overwritten."""
    if os.path.isdir(path) and not os.listdir(path):
        return
    if os.path.exists(path):
        raise ToolError(f'{path} is not empty; choose a new directory', 2)


def require_model_dir(path, wanted='an exchange directory', command='pnpm export --checkpoint DIR --out NEWDIR'):
    """Refuses `path` unless it holds config.json (an exchange or handover directory), naming what it is instead."""
    if not os.path.exists(path):
        raise ToolError(f'{path}: no such file or directory', 2)
    if not os.path.isdir(path):
        raise ToolError(f'{path} is a file, not {wanted}', 2)
    if os.path.exists(os.path.join(path, 'config.json')):
        return
    meta = os.path.join(path, 'checkpoint.json')
    if not os.path.exists(meta):
        raise ToolError(f'{path} is not {wanted} (it has no config.json)', 2)
    try:
        with open(meta, encoding='utf-8') as f:
            fmt = json.load(f).get('format')
    except (ValueError, AttributeError):
        fmt = None
    if fmt == CHECKPOINT_FORMAT:
        command = command.replace('DIR', path, 1)
        raise ToolError(f'{path} is a char-gpt checkpoint (pnpm pretrain), not {wanted}; run {command} first', 2)
    raise ToolError(f'{path} holds a checkpoint.json of format {fmt!r}, not a char-gpt checkpoint nor {wanted}', 2)


def replace_atomically(path, write, mode='wb', **kwargs):
    """Calls write(file) on path + '.tmp', then renames it over `path`: a reader sees the old file or the whole new one."""
    tmp = path + '.tmp'
    try:
        with open(tmp, mode, **kwargs) as f:
            write(f)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
