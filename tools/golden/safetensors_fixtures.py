#!/usr/bin/python3
"""Writes the safetensors fixtures for nn/src/test/java/dev/tapegrad/nn/SafeTensorsFixtureTest.java.

Run with /usr/bin/python3 (torch 1.13 installed) from the repository root:

    /usr/bin/python3 tools/golden/safetensors_fixtures.py

The Python `safetensors` package is not available here (no PyPI), so the files are written by hand from the
format's specification: 8-byte little-endian header length N, N bytes of UTF-8 JSON header, then the
little-endian row-major data buffer, tensor bytes at [begin, end) of it. PyTorch supplies what the Java side
must reproduce independently: the float32 -> bfloat16/float16 rounding (round to nearest even) that makes the
stored bits, and the bfloat16/float16 -> float32 widening that gives the expected values. A small PyTorch MLP
is stored too, with an input and PyTorch's output, to check that a PyTorch state dict loads by name.

Output (nn/src/test/resources/safetensors/): *.safetensors and expected.txt, a line-based file:
    tensor <file> <name> <file dtype> <java dtype> <shape: 2x3, or - for a scalar> <values...>
        values in row-major order: float32/float64 as the hex bits of the expected value, ints in decimal
    meta <file> <key> <value>
    reject <file> <words expected in the error message>
"""

import json
import math
import os
import struct

import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nn", "src", "test", "resources", "safetensors")
SIZES = {"F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U8": 1, "U16": 2, "BOOL": 1}
ALIGN_ORDER = ["BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]

expected_lines = []


def write_file(name, tensors, metadata=None, layout="reference", pretty=False):
    """tensors: list of (name, dtype, shape, raw little-endian bytes).

    layout "reference": data sorted by dtype alignment descending then name, compact JSON padded to 8 bytes.
    layout "by-name": data in name order, header keys in reverse order, JSON with spaces and newlines.
    """
    for t_name, dtype, shape, raw in tensors:
        assert len(raw) == math.prod(shape) * SIZES[dtype], t_name
    if layout == "reference":
        ordered = sorted(tensors, key=lambda t: (-ALIGN_ORDER.index(t[1]), t[0].encode()))
    else:
        ordered = sorted(tensors, key=lambda t: t[0])
    header, offset = {}, 0
    for t_name, dtype, shape, raw in ordered:
        header[t_name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    items = list(header.items())
    if layout != "reference":
        items.reverse()
    if metadata:
        items.insert(0, ("__metadata__", metadata))
    if pretty:
        text = json.dumps(dict(items), indent=1, ensure_ascii=False)
    else:
        text = json.dumps(dict(items), separators=(",", ":"), ensure_ascii=False)
    head = text.encode("utf-8")
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(struct.pack("<Q", len(head)))
        f.write(head)
        for _, _, _, raw in ordered:
            f.write(raw)


def shape_text(shape):
    return "x".join(str(s) for s in shape) if len(shape) else "-"


def expect(file, t_name, file_dtype, java_dtype, shape, values):
    expected_lines.append(" ".join(["tensor", file, t_name, file_dtype, java_dtype, shape_text(shape)] + values))


def f32_bits(t):
    return ["%08x" % (v & 0xFFFFFFFF) for v in t.contiguous().view(torch.int32).flatten().tolist()]


def f64_bits(t):
    return ["%016x" % (v & 0xFFFFFFFFFFFFFFFF) for v in t.contiguous().view(torch.int64).flatten().tolist()]


def raw_of(t):
    """Little-endian bytes of a tensor (this machine is little-endian; checked below)."""
    t = t.contiguous()
    if t.dtype in (torch.bfloat16, torch.float16):
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def float_fixtures():
    inf, nan = float("inf"), float("nan")
    f32 = torch.tensor([0.0, -0.0, 1.0, 0.1, 1e-45, 1.1754942e-38, 1.17549435e-38, 3.4028235e38,
                        inf, -inf, nan, -1.5], dtype=torch.float32).reshape(3, 4)
    f64 = torch.tensor([0.1, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, inf,
                        -inf, nan, -0.0, 1.0 / 3.0, math.pi], dtype=torch.float64).reshape(2, 5)
    # Values that round when narrowed (ties to even, carries into the exponent, overflow to inf,
    # gradual underflow to subnormals and to zero), then the special values.
    to_round = torch.tensor([1.0, 1.00390625, 1.01171875, 1.0 / 3.0, 0.1, -2.7182817, 65504.0, 65519.0,
                             65520.0, 3.3895314e38, 3.4028235e38, 6e-8, 2.98e-8, 1e-40, 9.2e-41, 1e-45,
                             inf, -inf, nan, -0.0, 0.0, 1e-5, 5.9604645e-8, 6.1035156e-5],
                            dtype=torch.float32)
    bf16 = to_round.to(torch.bfloat16)
    f16 = to_round.to(torch.float16)
    # Bit patterns chosen directly: smallest/largest subnormals, smallest normal, largest finite,
    # infinities, quiet NaN, NaN with payload, negative NaN, negative zero.
    bf16_bits = torch.tensor([0x0001, 0x007F, 0x0080, 0x7F7F, 0x7F80, -0x0080, 0x7FC0, 0x7F81, -0x003F, -0x8000],
                             dtype=torch.int16).view(torch.bfloat16)
    f16_bits = torch.tensor([0x0001, 0x03FF, 0x0400, 0x7BFF, 0x7C00, -0x0400, 0x7E00, 0x7D01, -0x0200, -0x8000],
                            dtype=torch.int16).view(torch.float16)
    scalar = torch.tensor(2.5, dtype=torch.float32)
    empty = torch.zeros(0, 3, dtype=torch.float32)
    tensors = [("f32", "F32", f32), ("f64", "F64", f64), ("bf16.rounded", "BF16", bf16.reshape(4, 6)),
               ("f16.rounded", "F16", f16.reshape(2, 3, 4)), ("bf16.bits", "BF16", bf16_bits),
               ("f16.bits", "F16", f16_bits), ("scalar", "F32", scalar), ("empty", "F32", empty)]
    write_file("floats.safetensors", [(n, d, tuple(t.shape), raw_of(t)) for n, d, t in tensors],
               metadata={"format": "pt", "note": "values exercise rounding, subnormals, inf and NaN"})
    for n, d, t in tensors:
        if d == "F64":
            expect("floats.safetensors", n, d, "float64", tuple(t.shape), f64_bits(t))
        else:
            expect("floats.safetensors", n, d, "float32", tuple(t.shape), f32_bits(t.to(torch.float32)))
    expected_lines.append("meta floats.safetensors format pt")


def int_fixtures():
    tensors = [
        ("num_batches_tracked", "I64", torch.tensor(7, dtype=torch.int64)),
        ("i64", "I64", torch.tensor([-2**31, 2**31 - 1, 0, -1], dtype=torch.int64)),
        ("i32", "I32", torch.tensor([[-2**31, 2**31 - 1], [123456789, -1]], dtype=torch.int32)),
        ("i16", "I16", torch.tensor([-32768, 32767, -1], dtype=torch.int16)),
        ("i8", "I8", torch.tensor([-128, 127, -1], dtype=torch.int8)),
        ("u8", "U8", torch.tensor([0, 255, 7], dtype=torch.uint8)),
        ("mask", "BOOL", torch.tensor([[True, False, True]], dtype=torch.bool)),
    ]
    write_file("ints.safetensors", [(n, d, tuple(t.shape), raw_of(t)) for n, d, t in tensors])
    for n, d, t in tensors:
        expect("ints.safetensors", n, d, "bool" if d == "BOOL" else "int32", tuple(t.shape),
               [str(int(v)) for v in t.flatten().tolist()])
    too_big = torch.tensor([1, 2**31], dtype=torch.int64)
    write_file("int_overflow.safetensors", [("big", "I64", (2,), raw_of(too_big))])
    expected_lines.append("reject int_overflow.safetensors element 1 = 2147483648 does not fit in int32")
    bad_bool = torch.tensor([0, 2], dtype=torch.uint8)
    write_file("bad_bool.safetensors", [("flag", "BOOL", (2,), raw_of(bad_bool))])
    expected_lines.append("reject bad_bool.safetensors element 1 = 2 is not a boolean")


def layout_fixture():
    """Data in name order, header keys reversed, pretty-printed JSON, a non-ASCII name: all legal."""
    a = torch.arange(6, dtype=torch.float64).reshape(2, 3) / 7
    b = torch.tensor([1.5, -2.25], dtype=torch.float32)
    c = torch.tensor([3, -4, 5], dtype=torch.int32)
    tensors = [("a", "F64", a), ("b\u00e9\u4e2d", "F32", b), ("c.weight", "I32", c)]
    write_file("by_name.safetensors", [(n, d, tuple(t.shape), raw_of(t)) for n, d, t in tensors],
               metadata={"k\u00e9y": "v\"al\\ue\n"}, layout="by-name", pretty=True)
    expect("by_name.safetensors", "a", "F64", "float64", (2, 3), f64_bits(a))
    expect("by_name.safetensors", "b\u00e9\u4e2d", "F32", "float32", (2,), f32_bits(b))
    expect("by_name.safetensors", "c.weight", "I32", "int32", (3,), [str(v) for v in c.tolist()])


def mlp_fixture():
    """A PyTorch Sequential(Linear(3, 4), ReLU(), Linear(4, 2)) state dict, an input and PyTorch's output."""
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
    x = torch.randn(5, 3)
    with torch.no_grad():
        y = model(x)
    state = model.state_dict()
    write_file("torch_mlp.safetensors", [(k, "F32", tuple(v.shape), raw_of(v)) for k, v in state.items()],
               metadata={"format": "pt"})
    # The same weights stored as bfloat16, to load into float32 and float64 modules.
    write_file("torch_mlp_bf16.safetensors",
               [(k, "BF16", tuple(v.shape), raw_of(v.to(torch.bfloat16))) for k, v in state.items()])
    for k, v in state.items():
        expect("torch_mlp_bf16.safetensors", k, "BF16", "float32", tuple(v.shape), f32_bits(v.to(torch.bfloat16).float()))
    write_file("torch_mlp_io.safetensors", [("x", "F32", tuple(x.shape), raw_of(x)), ("y", "F32", tuple(y.shape), raw_of(y))])


def main():
    assert struct.pack("=I", 1) == struct.pack("<I", 1), "this script assumes a little-endian machine"
    os.makedirs(OUT, exist_ok=True)
    float_fixtures()
    int_fixtures()
    layout_fixture()
    mlp_fixture()
    with open(os.path.join(OUT, "expected.txt"), "w", encoding="utf-8") as f:
        f.write("# written by tools/golden/safetensors_fixtures.py; see that script for the format\n")
        f.write("\n".join(expected_lines) + "\n")


if __name__ == "__main__":
    main()
