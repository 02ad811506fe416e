#!/usr/bin/env python3
"""PyTorch reference for bench/SharpGrad.Bench: the same workloads, the same JSON lines (same field names).

    python3 bench/torch_reference.py [workload ...] [--data DIR] [--threads N]

Fashion-MNIST is read from the IDX files (plain or .gz) with a small numpy reader, converted once to float32 in [0, 1]
(what ToTensor gives), and batched by indexing with a random permutation (no per-sample collate), the fastest plain
PyTorch way to feed an in-memory dataset. "alloc_bytes" has no PyTorch counterpart and is null; "gen2" counts
CPython's generation-2 garbage collections.

OMP_WAIT_POLICY defaults to PASSIVE here: Debian's torch runs its own OpenMP threads next to OpenBLAS's pthreads, and
with OpenMP's default spin-waiting the two pools fight over the cores (measured on 2 cores: regression 1.8 s per epoch
with the default policy, 0.15 s with PASSIVE). Set OMP_WAIT_POLICY yourself to override.
"""
import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads libgomp; see the module docstring

import gc
import gzip
import json
import math
import resource
import sys
import time

import numpy as np
import torch
from torch import nn

DEBIAN_ROOT = "/usr/share/datasets/fashion-mnist"


class Meter:
    """Seconds and CPython gen-2 collections of a region."""

    def __enter__(self):
        self.gen2 = gc.get_stats()[2]["collections"]
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.gen2 = gc.get_stats()[2]["collections"] - self.gen2
        return False


def per_unit(seconds, gen2, units, per):
    return {"seconds": round(seconds / units, 6), "per": per, "alloc_bytes": None, "gen2": round(gen2 / units, 3)}


# ---------------------------------------------------------------- Fashion-MNIST IDX

def read_idx(path):
    """Reads an IDX file (optionally .gz) of unsigned bytes into a numpy array."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    if data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = data[3]
    shape = tuple(int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def find_idx(root, name):
    for candidate in (os.path.join(root, name), os.path.join(root, name + ".gz")):
        if os.path.exists(candidate):
            return candidate
    raise FileNotFoundError(f"{name}(.gz) not found in {root}")


def load_fashion(root, train):
    prefix = "train" if train else "t10k"
    images = read_idx(find_idx(root, f"{prefix}-images-idx3-ubyte"))
    labels = read_idx(find_idx(root, f"{prefix}-labels-idx1-ubyte"))
    x = torch.from_numpy(images.astype(np.float32) / 255.0).unsqueeze(1)  # ToTensor: [N, 1, 28, 28] in [0, 1]
    y = torch.from_numpy(labels.astype(np.int64))
    return x, y


def batches(x, y, batch_size, shuffle):
    n = x.shape[0]
    order = torch.randperm(n) if shuffle else torch.arange(n)
    for i in range(0, n, batch_size):
        idx = order[i:i + batch_size]
        yield x[idx], y[idx]


# ---------------------------------------------------------------- workloads

def fashion_load(args):
    best = None
    for _ in range(3):
        with Meter() as m:
            xtr, _ = load_fashion(args.data, True)
            xte, _ = load_fashion(args.data, False)
        if best is None or m.seconds < best.seconds:
            best = m
    r = per_unit(best.seconds, best.gen2, 1, "load")
    r.update(train_images=xtr.shape[0], test_images=xte.shape[0])
    yield r


def sgemm_cases():
    for n in (128, 256, 512, 1024, 2048):
        yield f"{n}", n, n, n, False, False
    for batch, inputs, outputs in ((200, 784, 200), (64, 700, 700)):
        yield f"{batch}x{inputs}*({outputs}x{inputs})^T fwd", batch, inputs, outputs, False, True
        yield f"{batch}x{outputs}*{outputs}x{inputs} dX", batch, outputs, inputs, False, False
        yield f"({batch}x{outputs})^T*{batch}x{inputs} dW", outputs, batch, inputs, True, False


def sgemm(args):
    g = torch.Generator().manual_seed(1)
    for shape, m, k, n, trans_a, trans_b in sgemm_cases():
        a = torch.randn(k, m, generator=g).t() if trans_a else torch.randn(m, k, generator=g)
        b = torch.randn(n, k, generator=g).t() if trans_b else torch.randn(k, n, generator=g)
        t0 = time.perf_counter()
        torch.mm(a, b)
        first = time.perf_counter() - t0
        iterations = int(min(max(0.05 / max(first, 1e-7), 1), 100_000))
        for _ in range(min(iterations, 10)):
            torch.mm(a, b)
        best = None
        for _ in range(5):
            with Meter() as meter:
                for _ in range(iterations):
                    torch.mm(a, b)
            if best is None or meter.seconds < best.seconds:
                best = meter
        r = per_unit(best.seconds, best.gen2, iterations, "product")
        r.update(shape=shape, m=m, k=k, n=n, gflops=round(2.0 * m * n * k / (best.seconds / iterations) / 1e9, 2))
        yield r


def run_fit(x, y, steps):
    net = nn.Sequential(nn.Linear(1, 10), nn.ReLU(), nn.Linear(10, 1))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.2)
    loss_fn = nn.MSELoss()
    for _ in range(steps):
        loss = loss_fn(net(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return loss.item()


def fit(args):
    torch.manual_seed(1)
    x = torch.unsqueeze(torch.linspace(-1, 1, 100), dim=1)
    y = x.pow(2) + 0.2 * torch.rand(x.size())
    run_fit(x, y, 50)
    with Meter() as m:
        loss = run_fit(x, y, 1000)
    r = per_unit(m.seconds, m.gen2, 1, "1000 steps")
    r["final_loss"] = round(loss, 6)
    yield r


def run_sine(x, y, steps):
    p = [torch.rand((), requires_grad=True) for _ in range(4)]
    learning_rate = 1e-6
    for _ in range(steps):
        y_pred = p[0] + p[1] * x + p[2] * x ** 2 + p[3] * x ** 3
        loss = torch.square(y_pred - y).sum()
        loss.backward()
        with torch.no_grad():
            for q in p:
                q -= learning_rate * q.grad
                q.grad = None
    return loss.item()


def sine(args):
    torch.manual_seed(1)
    x = torch.linspace(-math.pi, math.pi, 2000)
    y = torch.sin(x)
    run_sine(x, y, 50)
    with Meter() as m:
        loss = run_sine(x, y, 2000)
    r = per_unit(m.seconds, m.gen2, 1, "2000 steps")
    r["final_loss"] = round(loss, 3)
    yield r


def regression(args):
    torch.manual_seed(1)
    num_inputs, num_hiddens, num_examples, batch_size, lr = 500, 256, 10_000, 50, 0.01
    true_w = torch.ones(num_inputs, 1) * 0.0056
    features = torch.normal(0, 1, (num_examples, num_inputs))
    labels = torch.mm(features, true_w) + 0.028
    labels += torch.normal(0, 0.01, labels.shape)
    train_x, train_y = features[:7000], labels[:7000]
    test_x, test_y = features[7000:], labels[7000:]
    w1 = torch.normal(0, 0.01, (num_inputs, num_hiddens)).requires_grad_()
    b1 = torch.zeros(1).requires_grad_()
    w2 = torch.normal(0, 0.01, (num_hiddens, 1)).requires_grad_()
    b2 = torch.zeros(1).requires_grad_()
    params = [w1, b1, w2, b2]
    loss = nn.MSELoss()

    def net(x):
        return torch.relu(torch.matmul(x.view(-1, num_inputs), w1) + b1).matmul(w2) + b2

    def epoch():
        for x, y in batches(train_x, train_y, batch_size, True):
            l = loss(net(x), y)
            for p in params:
                if p.grad is not None:
                    p.grad.zero_()
            l.backward()
            with torch.no_grad():
                for p in params:
                    p -= lr * p.grad / batch_size
        with torch.no_grad():
            return loss(net(train_x), train_y).item(), loss(net(test_x), test_y).item()

    epoch()
    seconds, gen2 = 0.0, 0
    for _ in range(3):
        with Meter() as m:
            train_loss, test_loss = epoch()
        seconds, gen2 = seconds + m.seconds, gen2 + m.gen2
    r = per_unit(seconds, gen2, 3, "epoch")
    r.update(train_loss=round(train_loss, 6), test_loss=round(test_loss, 6))
    yield r


def train_epoch(net, optimizer, loss_fn, x, y, batch_size):
    net.train()
    for xb, yb in batches(x, y, batch_size, True):
        loss = loss_fn(net(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def accuracy(net, x, y):
    net.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in batches(x, y, 1000, False):
            correct += (net(xb).argmax(dim=1) == yb).sum().item()
    return correct / x.shape[0]


def mlp(args):
    torch.manual_seed(1)
    xtr, ytr = load_fashion(args.data, True)
    xte, yte = load_fashion(args.data, False)
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 200), nn.ReLU(), nn.Linear(200, 200), nn.ReLU(), nn.Linear(200, 10))
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    seconds, gen2, epoch_seconds = 0.0, 0, []
    for _ in range(3):
        with Meter() as m:
            train_epoch(net, optimizer, loss_fn, xtr, ytr, 200)
        seconds, gen2 = seconds + m.seconds, gen2 + m.gen2
        epoch_seconds.append(round(m.seconds, 3))
    r = per_unit(seconds, gen2, 3, "epoch")
    r.update(epoch_seconds=epoch_seconds, test_accuracy=round(accuracy(net, xte, yte), 4))
    yield r


def deep(args):
    torch.manual_seed(1)
    xtr, ytr = load_fashion(args.data, True)
    xte, yte = load_fashion(args.data, False)
    layers = [nn.Flatten(), nn.Linear(784, 700), nn.ReLU()]
    for _ in range(5):
        layers += [nn.Linear(700, 700), nn.ReLU()]
    layers += [nn.Linear(700, 10), nn.LogSoftmax(dim=1)]
    net = nn.Sequential(*layers)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.01, weight_decay=0.002)
    loss_fn = nn.NLLLoss()
    with Meter() as m:
        train_epoch(net, optimizer, loss_fn, xtr, ytr, 64)
    r = per_unit(m.seconds, m.gen2, 1, "epoch")
    r["test_accuracy"] = round(accuracy(net, xte, yte), 4)
    yield r


def cnn(args):
    torch.manual_seed(1)
    net = nn.Sequential(
        nn.Conv2d(3, 32, 5, 1, 2), nn.MaxPool2d(2),
        nn.Conv2d(32, 32, 5, 1, 2), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, 1, 2), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 4 * 4, 64), nn.Linear(64, 10))
    optimizer = torch.optim.RMSprop(net.parameters(), lr=1e-4)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(64, 3, 32, 32)
    y = torch.randint(0, 10, (64,))
    last = [0.0]

    def step():
        loss = loss_fn(net(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        last[0] = loss.item()

    for _ in range(30):
        step()
    with Meter() as m:
        for _ in range(50):
            step()
    r = per_unit(m.seconds, m.gen2, 50, "step")
    r["final_loss"] = round(last[0], 4)
    yield r


WORKLOADS = {
    "fashion-load": fashion_load, "sgemm": sgemm, "fit": fit, "sine": sine,
    "regression": regression, "mlp": mlp, "deep": deep, "cnn": cnn,
}


class Args:
    data = DEBIAN_ROOT
    threads = 2


def blas_library():
    """The BLAS library this process has loaded (Debian's torch uses whatever libblas.so.3 points to)."""
    torch.mm(torch.ones(2, 2), torch.ones(2, 2))
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1]
            if "blas" in os.path.basename(path):
                return os.path.realpath(path)
    return None


def main(argv):
    args, names = Args(), []
    i = 0
    while i < len(argv):
        if argv[i] == "--data" and i + 1 < len(argv):
            args.data = argv[i + 1]
            i += 1
        elif argv[i] == "--threads" and i + 1 < len(argv):
            args.threads = int(argv[i + 1])
            i += 1
        elif argv[i] in ("-h", "--help"):
            print("usage: torch_reference.py [workload ...] [--data DIR] [--threads N]\nworkloads: " + ", ".join(WORKLOADS))
            return 0
        else:
            names.append(argv[i])
        i += 1
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        print(f"torch_reference: unknown workload '{unknown[0]}'; known: {', '.join(WORKLOADS)}", file=sys.stderr)
        return 2
    torch.set_num_threads(args.threads)
    blas = blas_library()
    for name in names or list(WORKLOADS):
        for result in WORKLOADS[name](args):
            line = {"impl": "pytorch", "workload": name}
            line.update(result)
            line["threads"] = torch.get_num_threads()
            line["blas"] = blas
            line["omp_wait_policy"] = os.environ["OMP_WAIT_POLICY"]
            line["peak_working_set_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)
            print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
