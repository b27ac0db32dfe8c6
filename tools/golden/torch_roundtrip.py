#!/usr/bin/python3
"""Round trip of model weights between PyTorch and tapegrad through safetensors files.

Run with /usr/bin/python3 (torch 1.13 installed) from the repository root:

    /usr/bin/python3 tools/golden/torch_roundtrip.py           # PyTorch -> tapegrad fixtures
    /usr/bin/python3 tools/golden/torch_roundtrip.py --check   # tapegrad -> PyTorch check

Models (each in float32 and float64, named <model>_f32 / <model>_f64), built by hand so that their
state_dict() keys, shapes and math are exactly tapegrad's:
    mlp  nn.Sequential(Linear(8, 16), Tanh(), Linear(16, 4))       input float [5, 8]
    gpt  dev.tapegrad.nn.GptDecoder: vocab 11, context 8, 2 layers, 2 heads, embedding 8, gated attention,
         untied head; pre-norm causal blocks, exact GELU, LayerNorm eps 1e-5      input int32 tokens [2, 6]

Default mode writes, into nn/src/test/resources/roundtrip/:
    model_<name>.safetensors   the seeded PyTorch model's state dict (layer norms perturbed away from 1/0)
    outputs_<name>.txt         its input and PyTorch's output
tapegrad's TorchRoundTripTest loads each model with StateDicts.load and must reproduce the outputs. That
test also writes (with -Dtapegrad.regenerate=true) tapegrad_written_<name>.safetensors (a seeded tapegrad
model saved with StateDicts.save) and tapegrad_outputs_<name>.txt (tapegrad's outputs for the same inputs).

--check reads each tapegrad_written file, load_state_dict(strict=True)s it into the PyTorch model (so every
name and shape must match), runs the inputs of tapegrad_outputs_<name>.txt and compares; it also re-writes
the loaded tensors with this script's writer and compares the bytes with tapegrad's file. It prints a
table and writes torch_check_<name>.txt (deviations, the SHA-256 of the two files checked, PASS/FAIL),
which is committed: the Java test asserts PASS for the committed files' hashes, so CI knows the last check
passed on exactly those files without running Python.

The Python `safetensors` package is not available here (no PyPI), so this script reads and writes the format
by hand from its specification: 8-byte little-endian header length N, N bytes of UTF-8 JSON header
{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}, then the little-endian
row-major data buffer, tensor bytes at [begin, end) of it. The writer uses the reference layout (tensors
sorted by dtype alignment descending, then name; compact JSON padded with spaces to a multiple of 8;
metadata first). Tensors get into PyTorch with model.load_state_dict, not with safetensors.torch.

Text files, one record per line ('#' lines are comments):
    model <name> | dtype float32|float64 | config <key=value ...>
    input <dtype> <shape, e.g. 2x6> <values...>      output <dtype> <shape> <values...>
Floats are written with repr (shortest text that reads back to the same double; float32 values are exact
as doubles).
"""

import hashlib
import json
import math
import os
import struct
import sys

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "nn", "src", "test", "resources", "roundtrip")
DTYPES = {"F32": torch.float32, "F64": torch.float64}
NAMES = {torch.float32: "float32", torch.float64: "float64", torch.int32: "int32", torch.int64: "int32"}
TOL = {torch.float32: 1e-5, torch.float64: 1e-12}  # |a - b| <= tol * (1 + |b|)
ALIGN_ORDER = ["BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64"]
GPT = dict(vocab=11, context=8, layers=2, heads=2, embed=8, gated=True, tied=False)


# ---------------------------------------------------------------- models (tapegrad's names and math)

class Attention(nn.Module):
    """dev.tapegrad.nn.MultiHeadAttention: proj((heads of causal SDPA(x qkv^T + b)) * sigmoid(x gate^T))."""

    def __init__(self, c, heads, gated):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.gate = nn.Linear(c, c, bias=False) if gated else None

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = (z.reshape(b, t, self.heads, c // self.heads).transpose(1, 2) for z in self.qkv(x).chunk(3, -1))
        scores = q @ k.transpose(-2, -1) / math.sqrt(c // self.heads)
        causal = torch.ones(t, t, dtype=torch.bool).tril()
        y = scores.masked_fill(~causal, float("-inf")).softmax(-1) @ v
        y = y.transpose(1, 2).reshape(b, t, c)
        if self.gate is not None:
            y = y * torch.sigmoid(self.gate(x))
        return self.proj(y)


class Block(nn.Module):
    """dev.tapegrad.nn.TransformerBlock: h = x + attn(ln1(x)); out = h + mlp(ln2(h))."""

    def __init__(self, c, heads, gated):
        super().__init__()
        self.ln1 = nn.LayerNorm(c, eps=1e-5)
        self.attn = Attention(c, heads, gated)
        self.ln2 = nn.LayerNorm(c, eps=1e-5)
        self.mlp = nn.Sequential(nn.Linear(c, 4 * c), nn.GELU(), nn.Linear(4 * c, c))

    def forward(self, x):
        h = x + self.attn(self.ln1(x))
        return h + self.mlp(self.ln2(h))


class Gpt(nn.Module):
    """dev.tapegrad.nn.GptDecoder: logits = ln_f(blocks(wte[tokens] + wpe[0..T-1])) head^T."""

    def __init__(self, vocab, context, layers, heads, embed, gated, tied):
        super().__init__()
        self.wte = nn.Embedding(vocab, embed)
        self.wpe = nn.Embedding(context, embed)
        self.blocks = nn.Sequential(*[Block(embed, heads, gated) for _ in range(layers)])
        self.ln_f = nn.LayerNorm(embed, eps=1e-5)
        self.head = None if tied else nn.Linear(embed, vocab, bias=False)

    def forward(self, tokens):
        h = self.wte(tokens) + self.wpe(torch.arange(tokens.shape[1]))
        h = self.ln_f(self.blocks(h))
        return h @ (self.wte.weight if self.head is None else self.head.weight).t()


def build(model, dtype):
    """A freshly initialised model of the given kind and dtype (parameters drawn directly in that dtype)."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        if model == "mlp":
            return nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 4))
        return Gpt(**GPT)
    finally:
        torch.set_default_dtype(previous)


def config_text(model):
    if model == "mlp":
        return "in=8 hidden=16 out=4 activation=tanh"
    return " ".join("%s=%s" % (k, str(v).lower()) for k, v in GPT.items())


def make_input(model, dtype):
    if model == "mlp":
        return torch.randn(5, 8, dtype=dtype)
    return torch.randint(0, GPT["vocab"], (2, 6), dtype=torch.int64)


# ---------------------------------------------------------------- safetensors by hand

def safetensors_bytes(tensors, metadata):
    """The file for {name: tensor} (float32/float64) in the reference writer's layout."""
    kinds = {torch.float32: "F32", torch.float64: "F64"}
    ordered = sorted(tensors.items(), key=lambda kv: (-ALIGN_ORDER.index(kinds[kv[1].dtype]), kv[0].encode()))
    header, raws, offset = {"__metadata__": metadata}, [], 0
    for name, t in ordered:
        raw = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": kinds[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        raws.append(raw)
        offset += len(raw)
    head = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    head += b" " * ((8 - len(head) % 8) % 8)
    return struct.pack("<Q", len(head)) + head + b"".join(raws)


def read_safetensors(path):
    """{name: tensor} of an F32/F64 safetensors file, after checking that the tensors tile the buffer."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert 8 + n <= len(data), "header length %d exceeds the file" % n
    header = json.loads(data[8:8 + n].decode("utf-8"))
    header.pop("__metadata__", None)
    buffer = data[8 + n:]
    entries = sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0])
    out, expected_begin = {}, 0
    for name, e in entries:
        dtype = DTYPES[e["dtype"]]
        begin, end = e["data_offsets"]
        assert begin == expected_begin, "%s: data does not start where the previous tensor ends" % name
        assert end - begin == math.prod(e["shape"]) * torch.finfo(dtype).bits // 8, "%s: wrong byte count" % name
        out[name] = torch.frombuffer(bytearray(buffer[begin:end]), dtype=dtype).reshape(e["shape"]).clone()
        expected_begin = end
    assert expected_begin == len(buffer), "the data buffer has %d bytes after the last tensor" % (len(buffer) - expected_begin)
    return out


# ---------------------------------------------------------------- text records

def tensor_line(kind, t):
    values = t.flatten().tolist()
    text = [str(int(v)) for v in values] if not t.dtype.is_floating_point else [repr(float(v)) for v in values]
    return " ".join([kind, NAMES[t.dtype], "x".join(str(s) for s in t.shape)] + text)


def parse_records(path):
    """{key: fields} for the model/dtype/config lines, {key: tensor} for input/output lines."""
    fields, tensors = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            key, *rest = line.split()
            if key in ("input", "output"):
                dtype = {"float32": torch.float32, "float64": torch.float64, "int32": torch.int64}[rest[0]]
                shape = [int(s) for s in rest[1].split("x")]
                values = [int(v) if dtype == torch.int64 else float(v) for v in rest[2:]]
                tensors[key] = torch.tensor(values, dtype=dtype).reshape(shape)
            else:
                fields[key] = " ".join(rest)
    return fields, tensors


def variants():
    for model in ("mlp", "gpt"):
        for suffix, dtype in (("f32", torch.float32), ("f64", torch.float64)):
            yield model, dtype, "%s_%s" % (model, suffix)


def deviation(got, want):
    """(max |a - b|, max |a - b| / (1 + |b|)) over all elements."""
    diff = (got.double() - want.double()).abs()
    return diff.max().item(), (diff / (1 + want.double().abs())).max().item()


# ---------------------------------------------------------------- modes

def generate():
    os.makedirs(OUT, exist_ok=True)
    for seed, (model, dtype, name) in enumerate(variants()):
        torch.manual_seed(1000 + seed)
        net = build(model, dtype)
        with torch.no_grad():  # layer norms away from their 1/0 initialisation, so a swap would show
            for key, p in net.state_dict().items():
                if ".ln" in "." + key:
                    p.copy_(torch.randn(p.shape, dtype=dtype) * 0.1 + (1.0 if key.endswith("weight") else 0.0))
            x = make_input(model, dtype)
            y = net(x)
        weights = os.path.join(OUT, "model_%s.safetensors" % name)
        with open(weights, "wb") as f:
            f.write(safetensors_bytes(net.state_dict(), {"format": "pt"}))
        back = build(model, dtype)  # our own reader must give the same model back
        back.load_state_dict(read_safetensors(weights), strict=True)
        with torch.no_grad():
            assert torch.equal(back(x), y), name
        with open(os.path.join(OUT, "outputs_%s.txt" % name), "w", encoding="utf-8") as f:
            f.write("# written by tools/golden/torch_roundtrip.py with PyTorch %s; see that script\n" % torch.__version__)
            f.write("model %s\ndtype %s\nconfig %s\n" % (model, NAMES[dtype], config_text(model)))
            f.write(tensor_line("input", x.to(torch.int32) if model == "gpt" else x) + "\n")
            f.write(tensor_line("output", y) + "\n")
        print("wrote model_%s.safetensors (%d tensors) and outputs_%s.txt" % (name, len(net.state_dict()), name))


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def check():
    print("%-8s %-8s %8s %-10s %-12s %-12s %-9s %s" % ("model", "dtype", "tensors", "strict", "max abs", "max rel", "tol", "bytes / result"))
    failed = False
    for model, dtype, name in variants():
        weights = os.path.join(OUT, "tapegrad_written_%s.safetensors" % name)
        outputs = os.path.join(OUT, "tapegrad_outputs_%s.txt" % name)
        fields, tensors = parse_records(outputs)
        assert fields["model"] == model and fields["config"] == config_text(model), outputs
        state = read_safetensors(weights)
        net = build(model, dtype)
        net.load_state_dict(state, strict=True)  # raises on any missing/unexpected name or shape
        with open(weights, "rb") as f:
            same_bytes = f.read() == safetensors_bytes(net.state_dict(), {"format": "pt"})
        with torch.no_grad():
            y = net(tensors["input"])
        abs_dev, rel_dev = deviation(y, tensors["output"])
        ok = y.dtype == dtype and y.shape == tensors["output"].shape and rel_dev <= TOL[dtype] and same_bytes
        failed |= not ok
        result = "PASS" if ok else "FAIL"
        print("%-8s %-8s %8d %-10s %-12.3e %-12.3e %-9.0e %s / %s" % (model, NAMES[dtype], len(state), "ok", abs_dev,
                                                                     rel_dev, TOL[dtype], "same" if same_bytes else "DIFFERENT", result))
        with open(os.path.join(OUT, "torch_check_%s.txt" % name), "w", encoding="utf-8") as f:
            f.write("# written by tools/golden/torch_roundtrip.py --check with PyTorch %s\n" % torch.__version__)
            f.write("weights tapegrad_written_%s.safetensors sha256 %s\n" % (name, sha256(weights)))
            f.write("outputs tapegrad_outputs_%s.txt sha256 %s\n" % (name, sha256(outputs)))
            f.write("load_state_dict strict=True ok %d tensors\n" % len(state))
            f.write("rewritten_by_script_writer %s\n" % ("identical" if same_bytes else "different"))
            f.write("max_abs_dev %r\nmax_rel_dev %r\ntolerance %r\n" % (abs_dev, rel_dev, TOL[dtype]))
            f.write("result %s\n" % result)
    return 1 if failed else 0


if __name__ == "__main__":
    assert struct.pack("=I", 1) == struct.pack("<I", 1), "this script assumes a little-endian machine"
    sys.exit(check() if sys.argv[1:] == ["--check"] else generate())
