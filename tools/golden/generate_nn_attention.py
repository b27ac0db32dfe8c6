#!/usr/bin/env python3
"""Generates nn/src/test/resources/golden/attention.txt, which AttentionGoldenTest compares tapegrad's
attention, transformer block and GPT decoder against.

Run with the system Python, which has PyTorch 1.13 (the working directory does not matter):

    /usr/bin/python3 tools/golden/generate_nn_attention.py

Commit the result: the Java build never runs Python. Everything is float64, drawn after
torch.manual_seed(SEED); re-running with the same torch version reproduces the file byte for byte.

torch 1.13 has no F.scaled_dot_product_attention, so the references are
  * explicit ops (matmul, masked_fill, softmax) for scaled dot-product attention,
  * torch.nn.MultiheadAttention for ungated multi-head attention (its in_proj_weight/in_proj_bias and
    out_proj map onto tapegrad's qkv and proj unchanged); the explicit multi-head reference used for the
    gated variant, the block and the GPT is first checked against it here,
  * small torch modules with tapegrad's parameter names for the block and the decoder.

File format: records of lines, tokens separated by single spaces:

    case <name>
    kind <sdpa | mha | block | gpt>
    param <key> <value> ...          ints or true/false
    tensor <name> <tensor>           inputs, parameters ("param.<state-dict name>"), outputs and gradients
    end

where <tensor> is `<dtype> <size> ... : <value> ...` (row-major), dtype f64, i32 or bool (0/1), and floats
are printed with repr() (exact round trip). Gradients ("grad.<name>") are of sum(out * cot) for cot the
"cot" tensor, or of the loss for kind gpt.

Fully masked rows: tapegrad defines a query row that may attend to no key to give zero weights (so a zero
output row) where PyTorch gives NaN; the case "sdpa_left_padding_causal" has such rows, and its reference
replaces PyTorch's NaN rows by zeros (its gradients are not recorded).
"""

import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 20250517
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "nn", "src", "test", "resources", "golden", "attention.txt")

torch.manual_seed(SEED)
torch.set_default_dtype(torch.float64)

records = []


def fmt(t):
    t = t.detach()
    if t.dtype == torch.bool:
        dtype, vals = "bool", [str(int(x)) for x in t.reshape(-1).tolist()]
    elif t.dtype in (torch.int32, torch.int64):
        dtype, vals = "i32", [str(int(x)) for x in t.reshape(-1).tolist()]
    else:
        dtype, vals = "f64", [repr(float(x)) for x in t.reshape(-1).tolist()]
    return " ".join([dtype] + [str(s) for s in t.shape] + [":"] + vals)


class Record:
    def __init__(self, name, kind):
        self.lines = [f"case {name}", f"kind {kind}"]

    def param(self, key, *values):
        self.lines.append(" ".join(["param", key] + [str(v).lower() for v in values]))

    def tensor(self, name, t):
        self.lines.append(f"tensor {name} {fmt(t)}")

    def done(self):
        self.lines.append("end")
        records.append("\n".join(self.lines))


# ------------------------------------------------------------------------------------------- references


def sdpa(q, k, v, keep=None, additive=None, causal=False):
    """softmax(QKᵀ/√d + mask) V with bool keep-masks (True = attend) and/or an additive float mask."""
    s = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if keep is not None:
        s = s.masked_fill(~keep, float("-inf"))
    if additive is not None:
        s = s + additive
    if causal:
        tq, tk = s.shape[-2], s.shape[-1]
        s = s.masked_fill(~torch.ones(tq, tk, dtype=torch.bool).tril(), float("-inf"))
    return torch.softmax(s, -1) @ v


def self_attention(x, heads, p, prefix, keep=None, causal=False):
    """tapegrad's selfAttention with explicit ops; p maps state-dict names to tensors."""
    *lead, t, c = x.shape
    d = c // heads
    qkv = x @ p[prefix + "qkv.weight"].t() + p[prefix + "qkv.bias"]
    q, k, v = (z.reshape(*lead, t, heads, d).transpose(-3, -2) for z in qkv.chunk(3, -1))
    y = sdpa(q, k, v, keep=keep, causal=causal).transpose(-3, -2).reshape(*lead, t, c)
    if prefix + "gate.weight" in p:
        y = y * torch.sigmoid(x @ p[prefix + "gate.weight"].t())
    return y @ p[prefix + "proj.weight"].t() + p[prefix + "proj.bias"]


def layer_norm(x, p, prefix):
    return F.layer_norm(x, x.shape[-1:], p[prefix + "weight"], p[prefix + "bias"], 1e-5)


def block(x, heads, p, prefix):
    h = x + self_attention(layer_norm(x, p, prefix + "ln1."), heads, p, prefix + "attn.", causal=True)
    z = layer_norm(h, p, prefix + "ln2.")
    z = F.gelu(z @ p[prefix + "mlp.0.weight"].t() + p[prefix + "mlp.0.bias"])
    return h + z @ p[prefix + "mlp.2.weight"].t() + p[prefix + "mlp.2.bias"]


def gpt_logits(tokens, layers, heads, p, tied):
    t = tokens.shape[1]
    h = p["wte.weight"][tokens] + p["wpe.weight"][torch.arange(t)]
    for l in range(layers):
        h = block(h, heads, p, f"blocks.{l}.")
    h = layer_norm(h, p, "ln_f.")
    return h @ (p["wte.weight"] if tied else p["head.weight"]).t()


def block_params(prefix, c, gated):
    p = {}
    for ln in ("ln1.", "ln2."):
        p[prefix + ln + "weight"] = 1 + 0.1 * torch.randn(c)
        p[prefix + ln + "bias"] = 0.1 * torch.randn(c)
    p.update(attention_params(prefix + "attn.", c, gated))
    p[prefix + "mlp.0.weight"] = torch.randn(4 * c, c) / math.sqrt(c)
    p[prefix + "mlp.0.bias"] = 0.1 * torch.randn(4 * c)
    p[prefix + "mlp.2.weight"] = torch.randn(c, 4 * c) / math.sqrt(4 * c)
    p[prefix + "mlp.2.bias"] = 0.1 * torch.randn(c)
    return p


def attention_params(prefix, c, gated):
    p = {prefix + "qkv.weight": torch.randn(3 * c, c) / math.sqrt(c), prefix + "qkv.bias": 0.1 * torch.randn(3 * c),
         prefix + "proj.weight": torch.randn(c, c) / math.sqrt(c), prefix + "proj.bias": 0.1 * torch.randn(c)}
    if gated:
        p[prefix + "gate.weight"] = torch.randn(c, c) / math.sqrt(c)
    return p


def leaves(d):
    return {k: v.clone().requires_grad_(True) for k, v in d.items()}


def with_grads(rec, out, cot, inputs):
    """Records out, cot and d sum(out·cot)/d input for each named input."""
    rec.tensor("out", out)
    rec.tensor("cot", cot)
    grads = torch.autograd.grad((out * cot).sum(), list(inputs.values()))
    for name, g in zip(inputs.keys(), grads):
        rec.tensor("grad." + name, g)


# ------------------------------------------------------------------------------------------- sdpa


def sdpa_case(name, qs, ks, vs, causal=False, keep=None, additive=None, grads=True):
    rec = Record(name, "sdpa")
    rec.param("causal", causal)
    x = leaves({"q": torch.randn(*qs), "k": torch.randn(*ks), "v": torch.randn(*vs)})
    for n, t in x.items():
        rec.tensor(n, t)
    mask = keep if keep is not None else additive
    if mask is not None:
        rec.tensor("mask", mask)
    out = sdpa(x["q"], x["k"], x["v"], keep=keep, additive=additive, causal=causal)
    if grads:
        with_grads(rec, out, torch.randn(out.shape), x)
    else:
        rec.tensor("out", torch.nan_to_num(out.detach(), nan=0.0))
    rec.done()


sdpa_case("sdpa_plain", (2, 3, 4), (2, 5, 4), (2, 5, 3))
sdpa_case("sdpa_broadcast_batch", (2, 1, 3, 4), (1, 3, 5, 4), (1, 3, 5, 2))
sdpa_case("sdpa_causal", (2, 2, 4, 3), (2, 2, 4, 3), (2, 2, 4, 3), causal=True)
bool_mask = torch.rand(4, 5) < 0.6
bool_mask[:, 0] = True  # every query keeps at least one key
sdpa_case("sdpa_bool_mask", (2, 4, 3), (2, 5, 3), (2, 5, 3), keep=bool_mask)
additive = torch.randn(1, 4, 5)
additive[0, 1, 2] = float("-inf")
sdpa_case("sdpa_float_mask", (2, 4, 3), (2, 5, 3), (2, 5, 3), additive=additive)
right_pad = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.int32)
sdpa_case("sdpa_right_padding_causal", (2, 2, 5, 3), (2, 2, 5, 3), (2, 2, 5, 3), causal=True,
          keep=right_pad.bool().reshape(2, 1, 1, 5))
left_pad = torch.tensor([[1, 1, 1, 1, 1], [0, 0, 1, 1, 1]], dtype=torch.int32)
sdpa_case("sdpa_left_padding_causal", (2, 2, 5, 3), (2, 2, 5, 3), (2, 2, 5, 3), causal=True,
          keep=left_pad.bool().reshape(2, 1, 1, 5), grads=False)

# ------------------------------------------------------------------------------------------- mha


def mha_torch_case(name, heads, kpm=None, causal=False):
    """Ungated attention against torch.nn.MultiheadAttention, with weights mapped onto qkv/proj."""
    c, b, t = 8, 2, 5
    m = nn.MultiheadAttention(c, heads, batch_first=True)
    with torch.no_grad():
        m.in_proj_bias.copy_(0.1 * torch.randn(3 * c))
        m.out_proj.bias.copy_(0.1 * torch.randn(c))
    x = torch.randn(b, t, c, requires_grad=True)
    attn_mask = ~torch.ones(t, t, dtype=torch.bool).tril() if causal else None
    key_padding = None if kpm is None else ~kpm.bool()
    out, _ = m(x, x, x, key_padding_mask=key_padding, attn_mask=attn_mask, need_weights=False)
    p = {"qkv.weight": m.in_proj_weight, "qkv.bias": m.in_proj_bias, "proj.weight": m.out_proj.weight,
         "proj.bias": m.out_proj.bias}
    keep = None if kpm is None else kpm.bool().reshape(b, 1, 1, t)
    explicit = self_attention(x, heads, p, "", keep=keep, causal=causal)
    assert torch.allclose(out, explicit, rtol=0, atol=1e-13), "explicit multi-head reference disagrees with torch"
    rec = Record(name, "mha")
    rec.param("heads", heads)
    rec.param("causal", causal)
    rec.param("gated", False)
    rec.tensor("x", x)
    if kpm is not None:
        rec.tensor("valid", kpm)
    for n, w in p.items():
        rec.tensor("param." + n, w)
    with_grads(rec, out, torch.randn(out.shape), {"x": x, **{"param." + n: w for n, w in p.items()}})
    rec.done()


mha_torch_case("mha_torch", 2)
mha_torch_case("mha_torch_causal", 4, causal=True)
mha_torch_case("mha_torch_padding", 2, kpm=torch.tensor([[1, 1, 1, 1, 0], [1, 1, 0, 0, 0]], dtype=torch.int32))


def mha_gated_case(name, heads, causal):
    c = 8
    p = leaves(attention_params("", c, gated=True))
    x = torch.randn(2, 5, c, requires_grad=True)
    out = self_attention(x, heads, p, "", causal=causal)
    rec = Record(name, "mha")
    rec.param("heads", heads)
    rec.param("causal", causal)
    rec.param("gated", True)
    rec.tensor("x", x)
    for n, w in p.items():
        rec.tensor("param." + n, w)
    with_grads(rec, out, torch.randn(out.shape), {"x": x, **{"param." + n: w for n, w in p.items()}})
    rec.done()


mha_gated_case("mha_gated", 2, False)
mha_gated_case("mha_gated_causal", 4, True)

# ------------------------------------------------------------------------------------------- block and gpt


def block_case(name, gated):
    c, heads = 8, 2
    p = leaves(block_params("", c, gated))
    x = torch.randn(2, 5, c, requires_grad=True)
    out = block(x, heads, p, "")
    rec = Record(name, "block")
    rec.param("heads", heads)
    rec.param("gated", gated)
    rec.tensor("x", x)
    for n, w in p.items():
        rec.tensor("param." + n, w)
    with_grads(rec, out, torch.randn(out.shape), {"x": x, **{"param." + n: w for n, w in p.items()}})
    rec.done()


block_case("block", False)
block_case("block_gated", True)


def gpt_case(name, gated, tied):
    v, ctx, layers, heads, c = 11, 6, 2, 2, 8
    p = {"wte.weight": torch.randn(v, c) * 0.5, "wpe.weight": torch.randn(ctx, c) * 0.5}
    for l in range(layers):
        p.update(block_params(f"blocks.{l}.", c, gated))
    p["ln_f.weight"] = 1 + 0.1 * torch.randn(c)
    p["ln_f.bias"] = 0.1 * torch.randn(c)
    if not tied:
        p["head.weight"] = torch.randn(v, c) / math.sqrt(c)
    p = leaves(p)
    tokens = torch.randint(0, v, (2, ctx), dtype=torch.int32)
    targets = torch.randint(0, v, (2, ctx), dtype=torch.int32)
    logits = gpt_logits(tokens.long(), layers, heads, p, tied)
    loss = F.cross_entropy(logits.reshape(-1, v), targets.long().reshape(-1))
    rec = Record(name, "gpt")
    for key, val in (("vocab", v), ("context", ctx), ("layers", layers), ("heads", heads), ("embed", c),
                     ("gated", gated), ("tied", tied)):
        rec.param(key, val)
    rec.tensor("tokens", tokens)
    rec.tensor("targets", targets)
    for n, w in p.items():
        rec.tensor("param." + n, w)
    rec.tensor("logits", logits)
    rec.tensor("loss", loss)
    for n, g in zip(p.keys(), torch.autograd.grad(loss, list(p.values()))):
        rec.tensor("grad.param." + n, g)
    rec.done()


gpt_case("gpt", gated=False, tied=False)
gpt_case("gpt_gated_tied", gated=True, tied=True)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    f.write("# Generated by tools/golden/generate_nn_attention.py (torch " + torch.__version__ + ", seed "
            + str(SEED) + "); do not edit.\n")
    f.write("\n".join(records) + "\n")
print(f"wrote {len(records)} cases to {OUT}")
