#!/usr/bin/env python3
"""Writes the safetensors test files next to this script with Python's standard library only.

This is an independent writer for SafeTensorsTests: it follows the published format (8-byte
little-endian header length, UTF-8 JSON header padded with spaces to a multiple of 8, then the
little-endian row-major data) and, for reference_order.safetensors, the ordering and compact JSON of
the Hugging Face writer (safetensors.torch.save_file): tensors sorted by descending dtype alignment
(I64, F64, F32, ..., BOOL) and then by name, "__metadata__" first. Neither torch nor the safetensors
package was available where the files were made, so this script stands in for them.

    python3 make_testdata.py          # rewrites the .safetensors files
    python3 make_testdata.py FILE...  # parses and checks files (e.g. one SharpGrad wrote) and prints them
"""
import json
import os
import struct
import sys

# name -> (item size, struct code); BF16 is handled by hand (upper half of a float32).
DTYPES = {"BOOL": (1, "?"), "U8": (1, "B"), "I8": (1, "b"), "I16": (2, "h"), "U16": (2, "H"), "F16": (2, "e"),
          "BF16": (2, None), "I32": (4, "i"), "U32": (4, "I"), "F32": (4, "f"), "F64": (8, "d"), "I64": (8, "q")}
ALIGNMENT_ORDER = ["BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64"]


def pack(dtype, values):
    if dtype == "BF16":
        return b"".join(struct.pack("<f", v)[2:] for v in values)
    return struct.pack("<%d%s" % (len(values), DTYPES[dtype][1]), *values)


def unpack(dtype, raw):
    size, code = DTYPES[dtype]
    n = len(raw) // size
    if dtype == "BF16":
        return [struct.unpack("<f", b"\0\0" + raw[2 * i:2 * i + 2])[0] for i in range(n)]
    return list(struct.unpack("<%d%s" % (n, code), raw))


def write(path, tensors, metadata=None, reference_order=True, separators=(",", ":")):
    """tensors: list of (name, dtype, shape, flat values in row-major order)."""
    if reference_order:
        tensors = sorted(tensors, key=lambda t: (-ALIGNMENT_ORDER.index(t[1]), t[0].encode("utf-8")))
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        # The reference writer keeps metadata in a hash map (no set order); SharpGrad sorts the keys.
        header["__metadata__"] = dict(sorted(metadata.items(), key=lambda kv: kv[0].encode("utf-8")))
    for name, dtype, shape, values in tensors:
        blob = pack(dtype, values)
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    if not reference_order:
        # Header keys in reverse of the data order: readers must not rely on them matching.
        header = dict(reversed(list(header.items())))
    text = json.dumps(header, separators=separators, ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def check(path):
    data = open(path, "rb").read()
    (n,) = struct.unpack("<Q", data[:8])
    assert n <= 100_000_000 and 8 + n <= len(data), "bad header length"
    header = json.loads(data[8:8 + n].decode("utf-8"))
    metadata = header.pop("__metadata__", None)
    buffer = data[8 + n:]
    spans = sorted((info["data_offsets"], name) for name, info in header.items())
    end = 0
    for (b, e), name in spans:
        assert b == end, "gap or overlap at %s" % name
        end = e
    assert end == len(buffer), "buffer not covered"
    print("metadata", metadata)
    for name, info in header.items():
        b, e = info["data_offsets"]
        count = 1
        for s in info["shape"]:
            count *= s
        assert e - b == count * DTYPES[info["dtype"]][0], "size mismatch at %s" % name
        print(name, info["dtype"], info["shape"], unpack(info["dtype"], buffer[b:e]))


def main():
    if len(sys.argv) > 1:
        for path in sys.argv[1:]:
            check(path)
        return
    here = os.path.dirname(os.path.abspath(__file__))
    # The four dtypes SharpGrad writes; SafeTensorsTests checks that SharpGrad writes these exact bytes.
    write(os.path.join(here, "reference_order.safetensors"), [
        ("weight", "F32", [2, 3], [0.5, -1.25, 3.0, 1e-3, -0.0, 65504.0]),
        ("bias", "F32", [3], [1.0, 2.0, -3.5]),
        ("scale", "F64", [], [3.141592653589793]),
        ("labels", "I64", [4], [0, -1, 9007199254740993, -(2 ** 63)]),
        ("mask", "BOOL", [2, 2], [True, False, False, True]),
        ("empty", "F32", [0, 4], []),
    ], metadata={"format": "pt", "epoch": "3"})
    # Dtypes SharpGrad converts on load, header with spaces and keys not in data order, no metadata.
    write(os.path.join(here, "converted_dtypes.safetensors"), [
        ("half", "F16", [2, 2], [1.0, -2.5, 0.099975586, 65504.0]),
        ("brain", "BF16", [3], [1.5, -2.0, 3.140625]),
        ("i32", "I32", [2], [-2147483648, 2147483647]),
        ("i16", "I16", [2], [-32768, 32767]),
        ("i8", "I8", [3], [-128, 0, 127]),
        ("u8", "U8", [3], [0, 128, 255]),
        ("u16", "U16", [1], [65535]),
        ("u32", "U32", [1], [4294967295]),
    ], reference_order=False, separators=(", ", ": "))


if __name__ == "__main__":
    main()
