#!/usr/bin/env python3
"""Generates nn/src/test/resources/golden/conv.txt, the PyTorch reference for ConvGoldenTest.

Run with the system Python, which has torch 1.13 (the working directory does not matter):

    /usr/bin/python3 tools/golden/generate_nn_conv.py

Commit the result: the Java build never runs Python. Everything is float64 and drawn in a fixed order after
torch.manual_seed(SEED), so re-running with the same torch reproduces the file byte for byte.

Each case is a record of lines, tokens separated by single spaces:

    case <name>                 unique name
    op <op>                     conv1d, conv2d, max_pool1d, max_pool2d, avg_pool1d or avg_pool2d
    param <key> <int> ...       stride, padding, dilation, groups (conv); kernel, stride, padding (pooling)
    input <name> <tensor>       x, weight, bias (bias may be absent)
    output <tensor>             op(inputs)
    cotangent <tensor>          c, of the output's shape
    grad <name> <tensor>        d/d<name> of sum(output * c), for every input
    end

where <tensor> is `<size> <size> ... : <value> <value> ...` (row-major float64, printed with repr()).
"""

import os

import torch
import torch.nn.functional as F

SEED = 20240917
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "nn", "src", "test", "resources", "golden", "conv.txt")

torch.manual_seed(SEED)
torch.set_default_dtype(torch.float64)
records = []


def tensor(t):
    return " ".join(str(s) for s in t.shape) + " : " + " ".join(repr(float(v)) for v in t.reshape(-1).tolist())


def record(name, op, params, inputs, fn):
    leaves = {k: v.clone().requires_grad_(True) for k, v in inputs.items()}
    out = fn(**leaves)
    c = torch.randn(out.shape)
    grads = torch.autograd.grad(out, list(leaves.values()), c)
    lines = ["case " + name, "op " + op]
    lines += ["param %s %s" % (k, " ".join(str(v) for v in vs)) for k, vs in params.items()]
    lines += ["input %s %s" % (k, tensor(v)) for k, v in inputs.items()]
    lines += ["output " + tensor(out.detach()), "cotangent " + tensor(c)]
    lines += ["grad %s %s" % (k, tensor(g)) for k, g in zip(leaves, grads)]
    records.append("\n".join(lines + ["end"]))


def conv(name, d, x_shape, out_ch, kernel, stride=1, padding=0, dilation=1, groups=1, bias=True):
    k = kernel if isinstance(kernel, tuple) else (kernel,) * d
    fix = lambda v: list(v) if isinstance(v, tuple) else [v] * d
    inputs = {"x": torch.randn(x_shape), "weight": torch.randn((out_ch, x_shape[-d - 1] // groups) + k)}
    if bias:
        inputs["bias"] = torch.randn(out_ch)
    params = {"stride": fix(stride), "padding": fix(padding), "dilation": fix(dilation), "groups": [groups]}
    f = F.conv1d if d == 1 else F.conv2d
    record(name, "conv%dd" % d, params, inputs,
           lambda x, weight, bias=None: f(x, weight, bias, tuple(params["stride"]), tuple(params["padding"]),
                                          tuple(params["dilation"]), groups))


def pool(name, kind, d, x, kernel, stride=None, padding=0):
    fix = lambda v: list(v) if isinstance(v, tuple) else [v] * d
    params = {"kernel": fix(kernel), "stride": fix(kernel if stride is None else stride), "padding": fix(padding)}
    f = {("max", 1): F.max_pool1d, ("max", 2): F.max_pool2d, ("avg", 1): F.avg_pool1d, ("avg", 2): F.avg_pool2d}[kind, d]
    record(name, "%s_pool%dd" % (kind, d), params, {"x": x},
           lambda x: f(x, tuple(params["kernel"]), tuple(params["stride"]), tuple(params["padding"])))


# conv1d
conv("conv1d_basic", 1, (2, 3, 7), 4, 3)
conv("conv1d_stride2_pad1", 1, (2, 3, 8), 5, 3, stride=2, padding=1)
conv("conv1d_dilation2", 1, (1, 2, 9), 3, 3, dilation=2, padding=2)
conv("conv1d_groups2_nobias", 1, (3, 4, 6), 6, 2, groups=2, bias=False)
conv("conv1d_unbatched", 1, (3, 5), 2, 2, stride=3, padding=2)
# conv2d
conv("conv2d_basic", 2, (2, 3, 6, 5), 4, 3)
conv("conv2d_stride2_pad1", 2, (2, 3, 7, 6), 4, 3, stride=2, padding=1)
conv("conv2d_dilation2", 2, (1, 2, 7, 7), 3, 3, dilation=2, padding=1)
conv("conv2d_groups2", 2, (2, 4, 5, 5), 6, 3, groups=2, padding=1)
conv("conv2d_depthwise", 2, (1, 3, 5, 4), 3, 2, groups=3)
conv("conv2d_rect_mixed", 2, (3, 2, 6, 7), 3, (2, 3), stride=(2, 1), padding=(1, 0), dilation=(1, 2))
conv("conv2d_pointwise_nobias", 2, (2, 5, 3, 4), 2, 1, bias=False)
conv("conv2d_unbatched", 2, (2, 5, 5), 3, (3, 2), stride=(1, 2), padding=(0, 1))
# pooling: random values (no ties) ...
pool("max_pool1d_basic", "max", 1, torch.randn(2, 3, 8), 2)
pool("max_pool1d_overlap_pad", "max", 1, torch.randn(2, 2, 9), 3, stride=2, padding=1)
pool("max_pool2d_basic", "max", 2, torch.randn(2, 3, 6, 6), 2)
pool("max_pool2d_overlap_pad", "max", 2, torch.randn(1, 2, 7, 6), 3, stride=2, padding=1)
pool("max_pool2d_rect", "max", 2, torch.randn(2, 2, 5, 7), (2, 3), stride=(1, 2), padding=(1, 0))
pool("avg_pool1d_pad", "avg", 1, torch.randn(2, 3, 9), 3, stride=2, padding=1)
pool("avg_pool2d_basic", "avg", 2, torch.randn(2, 2, 6, 4), 2)
pool("avg_pool2d_rect_pad", "avg", 2, torch.randn(1, 3, 7, 6), (3, 2), stride=(2, 1), padding=(1, 1))
# ... and small integers, so windows hold ties: the gradient must go to the same element as PyTorch's
pool("max_pool1d_ties", "max", 1, torch.randint(0, 3, (2, 2, 10)).double(), 3, stride=2, padding=1)
pool("max_pool2d_ties", "max", 2, torch.randint(0, 2, (2, 2, 6, 6)).double(), 3, stride=1, padding=1)

with open(OUT, "w") as f:
    f.write("# generated by tools/golden/generate_nn_conv.py with torch %s; do not edit\n" % torch.__version__)
    f.write("\n".join(records) + "\n")
print("wrote %d cases to %s" % (len(records), OUT))
