#!/usr/bin/env python3
"""Golden values for tapegrad's activations, straight-through estimators and losses (nn module).

Run with the system Python, which has PyTorch 1.13 (the working directory does not matter):

    /usr/bin/python3 tools/golden/generate_nn_act_loss.py

It (re)writes nn/src/test/resources/golden/act_loss.txt, which ActivationLossGoldenTest reads; commit it (the
Java build never runs Python). Everything is float64, drawn in a fixed order after torch.manual_seed(SEED).

Built-in functions are PyTorch's (torch.nn.functional). GoLU, xGELU, xSiLU and xATLU have no PyTorch
function, so their references are their formulas differentiated by PyTorch's autograd. The straight-through
estimators (sign, round, ReSTE, HeLU) have a forward from PyTorch and a backward written here from the
definition (the surrogate derivative times the cotangent).

Format: records of lines, tokens separated by single spaces, '#' starts a comment line:

    case <name>                  unique name
    op <op>                      a key of ActivationLossGoldenTest.OPS
    param <key> <v> ...          numbers (inf, -inf allowed) or true/false or words
    input <name> <tensor>        in order; f64 inputs with a grad line are differentiated
    output <tensor>
    cotangent <tensor>           c, of the output's shape
    grad <name> <tensor>         d/d<name> of sum(output * c)
    end

with <tensor> = `<dtype> <size> ... : <value> ...` (row-major; a scalar has no sizes; dtype f64 or i32).
"""

import math
import os

import torch
import torch.nn.functional as F

SEED = 20250301
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "nn", "src", "test", "resources", "golden", "act_loss.txt")

torch.manual_seed(SEED)
torch.set_default_dtype(torch.float64)
RECORDS = []


def fmt_tensor(t):
    t = t.detach()
    dtype = "i32" if t.dtype in (torch.int32, torch.int64) else "f64"
    sizes = " ".join(str(s) for s in t.shape)
    values = [str(int(v)) for v in t.reshape(-1).tolist()] if dtype == "i32" else \
        [repr(float(v)) for v in t.reshape(-1).tolist()]
    head = dtype + (" " + sizes if sizes else "")
    return head + " : " + " ".join(values)


def fmt_param(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def case(name, op, params, inputs, fn, grads=(), grad_fn=None):
    """inputs: list of (name, tensor); grads: names of inputs to differentiate.
    fn(*inputs) -> output; grad_fn(c, *inputs) -> dict name -> grad, for custom backwards (else autograd)."""
    leaves = []
    for n, t in inputs:
        t = t.detach().clone()
        if n in grads and grad_fn is None:
            t.requires_grad_(True)
        leaves.append((n, t))
    out = fn(*[t for _, t in leaves])
    lines = ["case " + name, "op " + op]
    for k, v in params.items():
        vs = v if isinstance(v, (list, tuple)) else [v]
        lines.append("param " + k + " " + " ".join(fmt_param(x) for x in vs))
    for n, t in leaves:
        lines.append("input " + n + " " + fmt_tensor(t))
    lines.append("output " + fmt_tensor(out))
    if grads:
        c = torch.randn(out.shape)
        lines.append("cotangent " + fmt_tensor(c))
        if grad_fn is None:
            gs = torch.autograd.grad(out, [t for n, t in leaves if n in grads], c)
            gmap = dict(zip([n for n, _ in leaves if n in grads], gs))
        else:
            gmap = grad_fn(c, *[t for _, t in leaves])
        for n in grads:
            lines.append("grad " + n + " " + fmt_tensor(gmap[n]))
    lines.append("end")
    RECORDS.append("\n".join(lines))


def away(t, kinks, margin=0.1):
    """Moves entries closer than margin to a kink out to kink ± margin."""
    for k in kinks:
        d = t - k
        close = d.abs() < margin
        t = torch.where(close, k + margin * torch.where(d >= 0, 1.0, -1.0), t)
    return t


# ------------------------------------------------------------------------------------------- activations

x = away(torch.empty(3, 8).uniform_(-5, 5), [0.0, -0.5, 2.0, 2.5])
wide = torch.tensor([-40.0, -12.0, -7.5, -6.9, -3.0, -0.7, 0.3, 1.1, 4.0, 9.0, 25.0, 60.0])

SQ2 = math.sqrt(2.0)


def golu(v):
    return v * torch.exp(-torch.exp(-v))


ACTS = [
    ("relu", {}, F.relu),
    ("leaky_relu", {"slope": 0.07}, lambda v: F.leaky_relu(v, 0.07)),
    ("elu", {"alpha": 1.3}, lambda v: F.elu(v, 1.3)),
    ("selu", {}, F.selu),
    ("gelu", {}, F.gelu),
    ("gelu_tanh", {}, lambda v: F.gelu(v, approximate="tanh")),
    ("silu", {}, F.silu),
    ("mish", {}, F.mish),
    ("softplus", {"beta": 1.0, "threshold": 20.0}, F.softplus),
    ("softplus", {"beta": 2.0, "threshold": 5.0}, lambda v: F.softplus(v, 2.0, 5.0)),
    ("tanh", {}, torch.tanh),
    ("sigmoid", {}, torch.sigmoid),
    ("hardtanh", {"min": -0.5, "max": 2.0}, lambda v: F.hardtanh(v, -0.5, 2.0)),
    ("golu", {}, golu),
]
for op, params, fn in ACTS:
    suffix = "" if not params else "." + "_".join(f"{k}{v}" for k, v in params.items())
    case(op + suffix + ".3x8", op, params, [("x", x)], fn, grads=("x",))
    if op not in ("hardtanh",):  # hardtanh's wide values would sit on flat parts only
        case(op + suffix + ".wide", op, params, [("x", wide)], fn, grads=("x",))

GATES = {
    "xgelu": lambda v, a: v * (0.5 + (0.5 + a) * torch.erf(v / SQ2)),
    "xsilu": lambda v, a: v * ((1 + 2 * a) * torch.sigmoid(v) - a),
    "xatlu": lambda v, a: v * ((1 + 2 * a) * (torch.atan(v) / math.pi + 0.5) - a),
}
for op, fn in GATES.items():
    for a in (0.0, 0.35, -0.2):
        case(f"{op}.alpha{a}", op, {}, [("x", x), ("alpha", torch.tensor([a]))], fn, grads=("x", "alpha"))
    case(f"{op}.wide", op, {}, [("x", wide), ("alpha", torch.tensor([0.6]))], fn, grads=("x", "alpha"))

# ------------------------------------------------------------------------------------------- straight-through

ste_x = torch.tensor([-2.5, -1.5, -1.2, -1.0, -0.5, -0.3, -0.05, 0.0, 0.04, 0.2, 0.5, 0.9, 1.4, 1.5, 1.7, 2.5, 3.49])


def surrogate_case(name, op, params, forward, derivative):
    case(name, op, params, [("x", ste_x)], forward, grads=("x",),
         grad_fn=lambda c, v: {"x": c * derivative(v)})


surrogate_case("ste_sign", "ste_sign", {}, torch.sign, lambda v: torch.ones_like(v))
surrogate_case("ste_sign.clip1", "ste_sign_clipped", {"clip": 1.0}, torch.sign, lambda v: (v.abs() <= 1.0).double())
surrogate_case("ste_round", "ste_round", {}, torch.round, lambda v: torch.ones_like(v))


def reste_derivative(o, t, m=0.1):
    def d(v):
        a = v.abs()
        inner = torch.full_like(v, m ** (1.0 / o) / m)
        outer = (1.0 / o) * a.clamp(min=m) ** ((1.0 - o) / o)
        return torch.where(a <= m, inner, torch.where(a <= t, outer, torch.zeros_like(v)))
    return d


for o, t in ((1.0, 1.5), (2.0, 1.5), (3.0, 1.2)):
    surrogate_case(f"reste.o{o}.t{t}", "reste", {"o": o, "t": t}, torch.sign, reste_derivative(o, t))
surrogate_case("helu.0.05", "helu", {"alpha": 0.05}, F.relu, lambda v: (v > -0.05).double())
surrogate_case("helu.0.3", "helu", {"alpha": 0.3}, F.relu, lambda v: (v > -0.3).double())

# ------------------------------------------------------------------------------------------- regression losses

a = torch.randn(4, 5) * 1.5
b = torch.randn(4, 5) * 1.5
b = torch.where((a - b).abs() < 0.05, b + 0.2, b)  # no |a - b| near 0 (abs kink)
# keep |a - b| away from the Huber/smooth-L1 thresholds 0.7 and 0.6
d = (a - b).abs()
b = torch.where(((d - 0.7).abs() < 0.03) | ((d - 0.6).abs() < 0.03), b + 0.1, b)

REG = [
    ("mse", {}, lambda r: (lambda u, v: F.mse_loss(u, v, reduction=r))),
    ("l1", {}, lambda r: (lambda u, v: F.l1_loss(u, v, reduction=r))),
    ("huber", {"delta": 0.7}, lambda r: (lambda u, v: F.huber_loss(u, v, reduction=r, delta=0.7))),
    ("smooth_l1", {"beta": 0.6}, lambda r: (lambda u, v: F.smooth_l1_loss(u, v, reduction=r, beta=0.6))),
    ("smooth_l1", {"beta": 0.0}, lambda r: (lambda u, v: F.smooth_l1_loss(u, v, reduction=r, beta=0.0))),
]
for op, params, make in REG:
    for r in ("none", "mean", "sum"):
        p = dict(params, reduction=r)
        suffix = "".join(f".{k}{v}" for k, v in params.items())
        case(f"{op}{suffix}.{r}", op, p, [("input", a), ("target", b)], make(r), grads=("input", "target"))

# ------------------------------------------------------------------------------------------- classification


def ce(r, weight=None, ignore=-100, smoothing=0.0):
    return lambda z, y, *w: F.cross_entropy(z, y.long(), weight=w[0] if w else None, ignore_index=ignore,
                                            reduction=r, label_smoothing=smoothing)


logits = torch.randn(6, 4) * 2
labels = torch.tensor([0, 3, 1, 2, 3, 1], dtype=torch.int32)
labels_ign = torch.tensor([0, -100, 1, 2, -100, 1], dtype=torch.int32)
labels_ign2 = torch.tensor([0, 3, 2, 2, 3, 1], dtype=torch.int32)  # class 2 ignored via ignore_index=2
cw = torch.tensor([0.5, 2.0, 1.0, 3.0])

for r in ("none", "mean", "sum"):
    case(f"ce.index.{r}", "cross_entropy", {"reduction": r}, [("logits", logits), ("target", labels)],
         ce(r), grads=("logits",))
    case(f"ce.index.weight.{r}", "cross_entropy", {"reduction": r},
         [("logits", logits), ("target", labels), ("weight", cw)], ce(r), grads=("logits",))
    case(f"ce.index.ignore.{r}", "cross_entropy", {"reduction": r}, [("logits", logits), ("target", labels_ign)],
         ce(r), grads=("logits",))
    case(f"ce.index.smooth.{r}", "cross_entropy", {"reduction": r, "smoothing": 0.2},
         [("logits", logits), ("target", labels)], ce(r, smoothing=0.2), grads=("logits",))
    case(f"ce.index.all.{r}", "cross_entropy", {"reduction": r, "smoothing": 0.15, "ignore": 2},
         [("logits", logits), ("target", labels_ign2), ("weight", cw)], ce(r, ignore=2, smoothing=0.15),
         grads=("logits",))

# [N, C, d] logits with [N, d] targets, and one unbatched sample
logits3 = torch.randn(3, 4, 2) * 2
labels3 = torch.tensor([[0, 3], [2, -100], [1, 1]], dtype=torch.int32)
case("ce.index.kdim.weight.smooth.mean", "cross_entropy", {"reduction": "mean", "smoothing": 0.1},
     [("logits", logits3), ("target", labels3), ("weight", cw)], ce("mean", smoothing=0.1), grads=("logits",))
case("ce.index.kdim.none", "cross_entropy", {"reduction": "none"}, [("logits", logits3), ("target", labels3)],
     ce("none"), grads=("logits",))
case("ce.index.unbatched", "cross_entropy", {"reduction": "mean"},
     [("logits", torch.randn(5)), ("target", torch.tensor(3, dtype=torch.int32))], ce("mean"), grads=("logits",))

# probability targets (soft labels); the target is differentiated too
probs = torch.softmax(torch.randn(6, 4), dim=1)


def ce_prob(r, smoothing=0.0):
    return lambda z, t, *w: F.cross_entropy(z, t, weight=w[0] if w else None, reduction=r, label_smoothing=smoothing)


for r in ("none", "mean", "sum"):
    case(f"ce.prob.{r}", "cross_entropy", {"reduction": r}, [("logits", logits), ("target", probs)], ce_prob(r),
         grads=("logits", "target"))
    case(f"ce.prob.weight.smooth.{r}", "cross_entropy", {"reduction": r, "smoothing": 0.25},
         [("logits", logits), ("target", probs), ("weight", cw)], ce_prob(r, 0.25), grads=("logits", "target"))

logp = torch.log_softmax(torch.randn(6, 4), dim=1)
for r in ("none", "mean", "sum"):
    case(f"nll.{r}", "nll", {"reduction": r, "ignore": -100}, [("input", logp), ("target", labels_ign)],
         lambda s, y: F.nll_loss(s, y.long(), reduction=r), grads=("input",))
    case(f"nll.weight.ignore2.{r}", "nll", {"reduction": r, "ignore": 2},
         [("input", logp), ("target", labels_ign2), ("weight", cw)],
         lambda s, y, w: F.nll_loss(s, y.long(), weight=w, ignore_index=2, reduction=r), grads=("input",))

# binary cross-entropy with logits
bz = torch.randn(4, 3) * 3
bt = torch.rand(4, 3)
bw = torch.tensor([0.3, 1.0, 2.5])
bpw = torch.tensor([2.0, 0.5, 1.0])
for r in ("none", "mean", "sum"):
    case(f"bce.{r}", "bce_with_logits", {"reduction": r}, [("logits", bz), ("target", bt)],
         lambda z, t: F.binary_cross_entropy_with_logits(z, t, reduction=r), grads=("logits", "target"))
    case(f"bce.weight.pos.{r}", "bce_with_logits", {"reduction": r},
         [("logits", bz), ("target", bt), ("weight", bw), ("pos_weight", bpw)],
         lambda z, t, w, pw: F.binary_cross_entropy_with_logits(z, t, weight=w, pos_weight=pw, reduction=r),
         grads=("logits", "target"))

# KL divergence: input log q, target p (one p exactly 0) or log p
kq = torch.log_softmax(torch.randn(4, 5), dim=1)
kp = torch.softmax(torch.randn(4, 5), dim=1)
kp[1, 2] = 0.0
kp[1] = kp[1] / kp[1].sum()
for r in ("none", "mean", "sum", "batchmean"):
    case(f"kl.{r}", "kl_div", {"reduction": r, "log_target": False}, [("input", kq), ("target", kp)],
         lambda u, v: F.kl_div(u, v, reduction=r), grads=("input",))
    case(f"kl.logtarget.{r}", "kl_div", {"reduction": r, "log_target": True},
         [("input", kq), ("target", torch.log_softmax(torch.randn(4, 5), dim=1))],
         lambda u, v: F.kl_div(u, v, reduction=r, log_target=True), grads=("input", "target"))

# cosine embedding
c1 = torch.randn(5, 6)
c2 = torch.randn(5, 6)
c2[1] = c1[1] * 0.8 + 0.3 * torch.randn(6)  # a similar pair, so that cos - margin > 0 for a -1 label
cy = torch.tensor([1.0, -1.0, -1.0, 1.0, -1.0])
for r in ("none", "mean", "sum"):
    case(f"cosine.{r}", "cosine_embedding", {"reduction": r, "margin": 0.1},
         [("x1", c1), ("x2", c2), ("y", cy)],
         lambda u, v, y: F.cosine_embedding_loss(u, v, y, margin=0.1, reduction=r), grads=("x1", "x2"))
case("cosine.unbatched", "cosine_embedding", {"reduction": "mean", "margin": -0.2},
     [("x1", c1[2]), ("x2", c2[2]), ("y", torch.tensor(-1.0))],
     lambda u, v, y: F.cosine_embedding_loss(u, v, y, margin=-0.2), grads=("x1", "x2"))

with open(OUT, "w") as f:
    f.write(f"# Golden values for tapegrad nn activations, straight-through estimators and losses: {len(RECORDS)} cases.\n")
    f.write(f"# Generated by tools/golden/generate_nn_act_loss.py with torch {torch.__version__}, seed {SEED}, float64.\n")
    f.write("# Do not edit by hand; re-run the generator.\n\n")
    f.write("\n\n".join(RECORDS) + "\n")
print(f"wrote {len(RECORDS)} cases to {OUT}")
