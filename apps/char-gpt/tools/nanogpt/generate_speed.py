"""Times nanoGPT's generate() on an exchange directory: tokens per second, start-up left out, for char-gpt's generation bench.

    python3 apps/char-gpt/tools/nanogpt/generate_speed.py runs/quick-nanogpt --tokens 1000 --repeats 2
    python3 apps/char-gpt/tools/nanogpt/generate_speed.py gpt2-exchange-dir --ids 464,2068,7586 --tokens 32

Loads the directory as load_in_pytorch.py does (strict load_state_dict into tools/nanogpt/model.py's
GPT), then runs nanoGPT's generate() loop as model.py writes it: crop the context to block_size,
forward, scale the last position's logits by 1/temperature, keep the top_k, softmax, draw with
torch.multinomial, append. Like nanoGPT's forward at inference, the lm head sees only the last
position. top_k=1 is greedy. Prints one JSON line: tokens/s of each repeat and the tokens of the first.
"""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tool_errors import import_torch  # noqa: E402

torch = import_torch()
F = torch.nn.functional
from load_in_pytorch import load  # noqa: E402


def last_logits(model, idx):
    """nanoGPT's GPT.forward without targets: logits (b, 1, vocab_size) of the last position only."""
    t = idx.size(1)
    pos = torch.arange(0, t, dtype=torch.long)
    x = model.transformer.wte(idx) + model.transformer.wpe(pos)
    for block in model.transformer.h:
        x = block(x)
    x = model.transformer.ln_f(x)
    return model.lm_head(x[:, [-1], :])


@torch.no_grad()
def generate(model, idx, max_new_tokens, temperature=1.0, top_k=None):
    """nanoGPT's GPT.generate: one full forward of the cropped context per new token."""
    block_size = model.transformer.wpe.weight.size(0)
    for _ in range(max_new_tokens):
        idx_cond = idx if idx.size(1) <= block_size else idx[:, -block_size:]
        logits = last_logits(model, idx_cond)
        logits = logits[:, -1, :] / temperature
        if top_k is not None:
            v, _ = torch.topk(logits, min(top_k, logits.size(-1)))
            logits[logits < v[:, [-1]]] = -float('Inf')
        probs = F.softmax(logits, dim=-1)
        idx_next = torch.multinomial(probs, num_samples=1)
        idx = torch.cat((idx, idx_next), dim=1)
    return idx


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('source', help='exchange directory (model.safetensors + config.json)')
    parser.add_argument('--tokens', type=int, default=1000, help='new tokens per repeat')
    parser.add_argument('--repeats', type=int, default=1, help='timed repeats (after one short warm-up)')
    parser.add_argument('--prompt', default='\n', help='text to continue (default: a newline)')
    parser.add_argument('--ids', help='token ids to continue instead of --prompt, comma-separated (GPT-2 tokens)')
    parser.add_argument('--top-k', type=int, default=1, help='top_k of generate(); 1 is greedy')
    parser.add_argument('--temperature', type=float, default=1.0)
    parser.add_argument('--seed', type=int, default=1337)
    a = parser.parse_args()
    model, config, _ = load(a.source)
    if a.ids is not None:
        prompt = [int(i) for i in a.ids.split(',')]
    else:
        stoi = {ch: i for i, ch in enumerate(config['chars'])}
        prompt = [stoi[ch] for ch in a.prompt]
    idx = torch.tensor([prompt], dtype=torch.long)
    torch.manual_seed(a.seed)
    generate(model, idx, 8, a.temperature, a.top_k)  # warm-up
    rates, first = [], None
    for _ in range(a.repeats):
        torch.manual_seed(a.seed)
        t0 = time.perf_counter()
        out = generate(model, idx, a.tokens, a.temperature, a.top_k)
        rates.append(a.tokens / (time.perf_counter() - t0))
        if first is None:
            first = out[0, idx.size(1):].tolist()
    print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(), 'tokensPerSecond': rates, 'ids': first}))


if __name__ == '__main__':
    main()
