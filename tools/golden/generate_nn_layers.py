#!/usr/bin/env python3
"""Generates nn/src/test/resources/golden/layers.txt, which LayersGoldenTest compares tapegrad's
dev.tapegrad.nn.Layers against.

Run with the system Python, which has PyTorch (the committed fixture came from torch 1.13.0a0):

    /usr/bin/python3 tools/golden/generate_nn_layers.py

Everything is float64 (indices int32), drawn in a fixed order after torch.manual_seed(SEED); re-running
with the same torch version reproduces the file byte for byte. Commit the result: the Java build never
runs Python.

torch 1.13 has no RMSNorm, so rms_norm's reference is its formula, y = x / sqrt(mean(x^2) + eps) * w,
evaluated here in float64 (mean over the normalised trailing axes).

Format: records of lines, tokens separated by single spaces, '#' starts a comment line:

    case <name>                 unique name, the JUnit display name
    op <op>                     linear, bilinear, layer_norm, rms_norm, batch_norm, embedding, dropout_eval
    param <key> <v> <v> ...     ints, floats (repr), true/false
    in <name> <tensor>          an argument
    out <name> <tensor>         an expected result
    end

where <tensor> is `<dtype> <size> ... : <value> ...` (row-major; dtype f64 or i32).
"""

import os

import torch
import torch.nn.functional as F

SEED = 20240612
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "nn", "src", "test", "resources", "golden", "layers.txt")

torch.manual_seed(SEED)
torch.set_default_dtype(torch.float64)

records = []


def tensor(t):
    dtype = {torch.float64: "f64", torch.int32: "i32", torch.int64: "i32"}[t.dtype]
    sizes = " ".join(str(s) for s in t.shape)
    values = " ".join(repr(float(v)) if dtype == "f64" else str(int(v)) for v in t.reshape(-1).tolist())
    return f"{dtype} {sizes} : {values}".replace("  ", " ")


def case(name, op, params, inputs, outputs):
    lines = [f"case {name}", f"op {op}"]
    for k, v in params.items():
        vs = v if isinstance(v, (list, tuple)) else [v]
        lines.append("param " + k + " " + " ".join(
            ("true" if x else "false") if isinstance(x, bool) else repr(x) for x in vs))
    for k, t in inputs.items():
        lines.append(f"in {k} {tensor(t)}")
    for k, t in outputs.items():
        lines.append(f"out {k} {tensor(t)}")
    lines.append("end")
    records.append("\n".join(lines))


randn = torch.randn

# ------------------------------------------------------------------------------------------ linear

for name, xs, inp, out, bias in [("linear_2d", (3, 4), 4, 5, True), ("linear_3d", (2, 3, 4), 4, 2, True),
                                 ("linear_nobias", (3, 6), 6, 3, False), ("linear_1d", (4,), 4, 3, True)]:
    x, w = randn(*xs), randn(out, inp)
    b = randn(out) if bias else None
    ins = {"x": x, "weight": w}
    if bias:
        ins["bias"] = b
    case(name, "linear", {}, ins, {"y": F.linear(x, w, b)})

# ------------------------------------------------------------------------------------------ bilinear

for name, lead, in1, in2, out, bias in [("bilinear_2d", (3,), 4, 5, 2, True), ("bilinear_3d", (2, 3), 3, 2, 4, True),
                                        ("bilinear_nobias", (5,), 2, 3, 3, False)]:
    x1, x2, w = randn(*lead, in1), randn(*lead, in2), randn(out, in1, in2)
    b = randn(out) if bias else None
    ins = {"x1": x1, "x2": x2, "weight": w}
    if bias:
        ins["bias"] = b
    case(name, "bilinear", {}, ins, {"y": F.bilinear(x1, x2, w, b)})

# ------------------------------------------------------------------------------------------ layer norm

for name, xs, k, affine, eps in [("layer_norm_last", (2, 3, 4), 1, True, 1e-5), ("layer_norm_two_axes", (2, 3, 4), 2, True, 1e-5),
                                 ("layer_norm_plain", (3, 5), 1, False, 1e-5), ("layer_norm_eps", (4, 3), 1, True, 0.1)]:
    x = randn(*xs) * 2 + 0.5
    ns = list(xs[-k:])
    ins = {"x": x}
    w = b = None
    if affine:
        w, b = randn(*ns), randn(*ns)
        ins["weight"], ins["bias"] = w, b
    case(name, "layer_norm", {"normalized_shape": ns, "eps": eps}, ins, {"y": F.layer_norm(x, ns, w, b, eps)})

# ------------------------------------------------------------------------------------------ RMS norm (by formula)

for name, xs, k, affine, eps in [("rms_norm_last", (2, 3, 4), 1, True, 1e-6), ("rms_norm_two_axes", (2, 3, 4), 2, True, 1e-5),
                                 ("rms_norm_plain", (3, 5), 1, False, 0.1)]:
    x = randn(*xs)
    ns = list(xs[-k:])
    dims = tuple(range(-k, 0))
    y = x / torch.sqrt(x.pow(2).mean(dim=dims, keepdim=True) + eps)
    ins = {"x": x}
    if affine:
        w = randn(*ns)
        ins["weight"] = w
        y = y * w
    case(name, "rms_norm", {"normalized_shape": ns, "eps": eps}, ins, {"y": y})

# ------------------------------------------------------------------------------------------ batch norm

# Two training steps from given running statistics, then one evaluation step with the updated ones.
for name, shape in [("batch_norm_2d", (5, 3)), ("batch_norm_3d", (4, 3, 6))]:
    c = shape[1]
    x1, x2, xe = randn(*shape) * 1.5 + 0.3, randn(*shape) - 0.7, randn(*shape)
    w, b = randn(c), randn(c)
    rm0, rv0 = randn(c), torch.rand(c) + 0.5
    rm, rv = rm0.clone(), rv0.clone()
    y1 = F.batch_norm(x1, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5)
    y2 = F.batch_norm(x2, rm, rv, w, b, training=True, momentum=0.1, eps=1e-5)
    ye = F.batch_norm(xe, rm, rv, w, b, training=False, momentum=0.1, eps=1e-5)
    case(name, "batch_norm", {"momentum": 0.1, "eps": 1e-5},
         {"x1": x1, "x2": x2, "x_eval": xe, "weight": w, "bias": b, "running_mean": rm0, "running_var": rv0},
         {"y1": y1, "y2": y2, "running_mean": rm, "running_var": rv, "y_eval": ye})

# ------------------------------------------------------------------------------------------ embedding

for name, num, dim, idx_shape, pad in [("embedding", 6, 3, (2, 4), None), ("embedding_padding", 5, 4, (3, 3), 1),
                                       ("embedding_padding_negative", 5, 2, (7,), -1)]:
    w = randn(num, dim)
    idx = torch.randint(0, num, idx_shape)
    idx.view(-1)[0] = pad % num if pad is not None else 0  # the padding row is used at least once
    leaf = w.clone().requires_grad_(True)
    y = F.embedding(idx, leaf, padding_idx=pad)
    cot = randn(*y.shape)
    (y * cot).sum().backward()
    params = {} if pad is None else {"padding_idx": pad}
    case(name, "embedding", params, {"weight": w, "indices": idx.to(torch.int32), "cotangent": cot},
         {"y": y.detach(), "grad_weight": leaf.grad})

# ------------------------------------------------------------------------------------------ dropout in eval mode

x = randn(3, 4)
case("dropout_eval", "dropout_eval", {"p": 0.5}, {"x": x}, {"y": F.dropout(x, 0.5, training=False)})

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    f.write(f"# Generated by tools/golden/generate_nn_layers.py with torch {torch.__version__}, seed {SEED}. Do not edit.\n")
    f.write("\n\n".join(records) + "\n")
print(f"wrote {len(records)} cases to {OUT}")
