#!/usr/bin/env python3
"""Generates the golden fixtures that GoldenTest compares tapegrad against.

Run with a Python that has PyTorch (the committed fixtures came from torch 1.13.0a0, the system Python's;
the working directory does not matter):

    /usr/bin/python3 tools/golden/generate_golden.py

It (re)writes engine/src/test/resources/golden/<family>.txt. Commit the result: the Java build never runs
Python. Everything is float64, drawn in a fixed order after torch.manual_seed(SEED), SEED = 20240611;
re-running with the same torch version reproduces the files byte for byte. A new op needs a case here and
a row in GoldenTest.OPS (a case whose op has no row fails).

Each case is a record of lines (tokens separated by single spaces, '#' starts a comment line):

    case <name>                      unique name, also the JUnit display name
    op <op>                          the tapegrad method name (Tensor.<op>)
    param <key> <v> <v> ...          zero or more values (ints, floats, true/false, inf)
    input <name> <tensor>            in the order of the Java call; f64 inputs with a grad line are variables
    output <tensor>                  op(inputs)
    cotangent <tensor>               c, of the output's shape
    grad <name> <tensor>             d/d<name> of sum(output * c)
    tangent <name> <tensor>          v_<name>, a direction for each input that has a grad line (optional)
    jvp <tensor>                     J·v = sum over those inputs of d output/d<name> · v_<name> (with tangents)
    jvpsource <how>                  how the jvp was computed: forward_ad or transposed_vjp (with tangents)
    end

where <tensor> is `<dtype> <size> <size> ... : <value> <value> ...` (row-major; a scalar has no sizes) and
dtype is f64, i32 or bool (0/1). Floats are printed with repr(), which round-trips exactly.

Forward mode (the tangent, jvp and jvpsource lines). The tangents are drawn from their own torch.Generator
(seed TANGENT_SEED), after each case's cotangent, so adding them changed none of the other values. Each JVP is
computed twice, independently of tapegrad:
  forward_ad      PyTorch's forward-mode AD (torch.autograd.forward_ad: dual_level, make_dual, unpack_dual);
  transposed_vjp  the transpose of PyTorch's reverse mode: u -> Jᵀu is linear, so J·v = d/du <Jᵀu, v>
                  exactly (double backward), the same construction as torch.autograd.functional.jvp.
The two must agree to JVP_AGREEMENT (times 1 + the JVP's largest |entry|) or the generation fails; in the
committed fixtures they agree to a few ulps on every case. The forward_ad value is recorded; transposed_vjp is
recorded only where torch has no forward-mode formula (NotImplementedError). With torch 1.13 that is no case
of these files: every op here has a forward-mode formula, and the script prints any case that falls back.
When torch has neither (no forward formula and no double backward, e.g. cdist, grid_sample, ctc_loss in
1.13), the generation fails rather than record an approximate JVP.
Where torch 1.13's forward mode is weak (found by comparing the two ways; none of it is hit by these cases,
which stay away from such points): on an input outside the domain it expects, forward mode does not see the
projection its own VJP applies. linalg.cholesky and linalg.eigh use the tangent as given while their VJPs
take the symmetric part, so with a non-symmetric tangent the JVPs disagree (eigenvectors by O(1)); give them
symmetric tangents. At non-differentiable points the two pick different values: std of a constant
tensor has JVP 0 in forward mode and NaN by the VJP.

Inputs are kept away from kinks and ties (|x| small for abs/relu/norm-1, near-equal values for max/min and
maximum/minimum, clamp bounds) so that PyTorch's choice of subgradient never matters.
"""

import math
import os

import torch
import torch.autograd.forward_ad as fwAD
import torch.nn.functional as F

SEED = 20240611
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT_DIR = os.path.join(ROOT, "engine", "src", "test", "resources", "golden")
MARGIN = 0.1  # minimum distance of an input from a kink

torch.manual_seed(SEED)
torch.set_default_dtype(torch.float64)
TANGENT_SEED = 20261208
TANGENTS = torch.Generator().manual_seed(TANGENT_SEED)  # its own stream: the SEED stream is not disturbed
JVP_AGREEMENT = 1e-12  # max |forward-mode JVP - transposed VJP| / (1 + max |JVP|) allowed for a case
FORWARD_AD_MISSING = {}  # case name -> torch's message, for the cases whose JVP is the transposed VJP

FAMILIES = {}  # family -> list of record strings


# ------------------------------------------------------------------------------------------- inputs

def randn(*shape):
    return torch.randn(shape)


def uniform(lo, hi, *shape):
    return lo + (hi - lo) * torch.rand(shape)


def away_from_zero(*shape):
    """Normal samples with |x| >= MARGIN (small ones are pushed outwards)."""
    x = torch.randn(shape)
    return torch.where(x.abs() < MARGIN, torch.sign(x) * MARGIN + x, x)


def randint(hi, *shape):
    return torch.randint(0, hi, shape)


def require_gap(values, what, gap=1e-3):
    """Fails the generation if two of the given values are closer than gap (a tie would be ambiguous)."""
    v = torch.sort(values.flatten()).values
    if v.numel() > 1 and torch.min(v[1:] - v[:-1]).item() < gap:
        raise AssertionError("near tie in " + what)


# ------------------------------------------------------------------------------------------- forward mode

def forward_ad_jvp(fn, names, tensors, tangents):
    """J·v by PyTorch's forward-mode AD: fn on dual numbers (primal, tangent) for the inputs with a tangent."""
    with fwAD.dual_level():
        args = [fwAD.make_dual(t.detach(), tangents[n]) if n in tangents else t.detach()
                for n, t in zip(names, tensors)]
        primal, tangent = fwAD.unpack_dual(fn(*args))
        return torch.zeros_like(primal) if tangent is None else tangent.detach().clone()


def transposed_vjp_jvp(fn, names, tensors, tangents):
    """J·v as the transpose of PyTorch's reverse mode: the VJP u ↦ Jᵀu is linear in u, so
    d/du ⟨Jᵀu, v⟩ = J·v exactly, whatever u is (the double-backward trick; u = 0 here)."""
    args = [t.detach().requires_grad_(n in tangents) for n, t in zip(names, tensors)]
    out = fn(*args)
    u = torch.zeros(out.shape, requires_grad=True)
    wrt = [a for n, a in zip(names, args) if n in tangents]
    vjps = torch.autograd.grad(out, wrt, u, create_graph=True, allow_unused=True)
    inner = sum((g * tangents[n]).sum() for n, g in zip(tangents, vjps) if g is not None)
    # A VJP that does not depend on u (pow with exponent 0: Jᵀu = 0) leaves nothing to differentiate.
    jvp = torch.autograd.grad(inner, u, allow_unused=True)[0] if torch.is_tensor(inner) and inner.requires_grad else None
    return torch.zeros(out.shape) if jvp is None else jvp.detach()


def reference_jvp(name, fn, names, tensors, tangents):
    """The JVP to record and how it was made: forward-mode AD where torch has a formula for the op, else the
    transposed VJP. Both are computed for every case and must agree (within JVP_AGREEMENT), so each is a check
    of the other."""
    transposed = transposed_vjp_jvp(fn, names, tensors, tangents)
    try:
        forward = forward_ad_jvp(fn, names, tensors, tangents)
    except NotImplementedError as e:
        FORWARD_AD_MISSING.setdefault(name, str(e).splitlines()[0])
        return transposed, "transposed_vjp"
    scale = 1.0 + transposed.abs().max().item() if transposed.numel() else 1.0
    gap = (forward - transposed).abs().max().item() if transposed.numel() else 0.0
    if forward.shape != transposed.shape or not gap <= JVP_AGREEMENT * scale:
        raise AssertionError("%s: forward-mode JVP and transposed VJP differ by %r (scale %r)" % (name, gap, scale))
    return forward, "forward_ad"


# ------------------------------------------------------------------------------------------- records

def fmt_tensor(t):
    if t.dtype == torch.bool:
        dtype, vals = "bool", [str(int(v)) for v in t.flatten().tolist()]
    elif t.dtype in (torch.int32, torch.int64):
        dtype, vals = "i32", [str(int(v)) for v in t.flatten().tolist()]
    else:
        assert t.dtype == torch.float64, t.dtype
        dtype, vals = "f64", [repr(float(v)) for v in t.flatten().tolist()]
    return " ".join([dtype] + [str(s) for s in t.shape] + [":"] + vals)


def fmt_param(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return "inf" if v == math.inf else "-inf" if v == -math.inf else repr(v)
    return str(v)


def case(family, name, op, fn, inputs, params=None, diff=None):
    """Records one case: out = fn(*inputs); grads of sum(out * c) w.r.t. the float inputs (or `diff`); the JVP
    of fn at the inputs along tangents (one per differentiable input) drawn from TANGENTS."""
    names = list(inputs)
    tensors = [inputs[n].detach().clone() for n in names]
    if diff is None:
        diff = [n for n, t in zip(names, tensors) if t.dtype == torch.float64]
    for n, t in zip(names, tensors):
        t.requires_grad_(n in diff)
    out = fn(*tensors)
    cot = torch.randn(out.shape)
    wrt = [t for n, t in zip(names, tensors) if n in diff]
    grads = torch.autograd.grad(out, wrt, cot, allow_unused=False) if wrt else []
    tangents = {n: torch.randn(t.shape, generator=TANGENTS) for n, t in zip(names, tensors) if n in diff}
    jvp, source = reference_jvp(name, fn, names, tensors, tangents) if tangents else (None, None)
    lines = ["case " + name, "op " + op]
    for k, v in (params or {}).items():
        vs = v if isinstance(v, (list, tuple)) else [v]
        lines.append(" ".join(["param", k] + [fmt_param(x) for x in vs]))
    lines += ["input %s %s" % (n, fmt_tensor(t.detach())) for n, t in zip(names, tensors)]
    lines.append("output " + fmt_tensor(out.detach()))
    lines.append("cotangent " + fmt_tensor(cot))
    lines += ["grad %s %s" % (n, fmt_tensor(g)) for n, g in zip(diff, grads)]
    if jvp is not None:
        lines += ["tangent %s %s" % (n, fmt_tensor(v)) for n, v in tangents.items()]
        lines.append("jvp " + fmt_tensor(jvp))
        lines.append("jvpsource " + source)
    lines.append("end")
    FAMILIES.setdefault(family, []).append("\n".join(lines))


# ------------------------------------------------------------------------------------------- unary

def unary_cases():
    pos = lambda *s: uniform(0.2, 3.0, *s)
    specs = [  # op, torch function, input
        ("neg", torch.neg, randn(3, 4)),
        ("abs", torch.abs, away_from_zero(3, 4)),
        ("exp", torch.exp, randn(3, 4)),
        ("expm1", torch.expm1, randn(3, 4)),
        ("log", torch.log, pos(3, 4)),
        ("log1p", torch.log1p, uniform(-0.7, 2.0, 3, 4)),
        ("sqrt", torch.sqrt, pos(3, 4)),
        ("rsqrt", torch.rsqrt, pos(3, 4)),
        ("square", torch.square, randn(3, 4)),
        ("reciprocal", torch.reciprocal, away_from_zero(3, 4)),
        ("sin", torch.sin, 2 * randn(3, 4)),
        ("cos", torch.cos, 2 * randn(3, 4)),
        ("tanh", torch.tanh, randn(3, 4)),
        ("sigmoid", torch.sigmoid, randn(3, 4)),
        ("logSigmoid", F.logsigmoid, randn(3, 4)),
        ("relu", torch.relu, away_from_zero(3, 4)),
        ("softplus", F.softplus, randn(3, 4)),
        ("erf", torch.erf, randn(3, 4)),
    ]
    for op, fn, x in specs:
        case("unary", op + ".3x4", op, fn, {"x": x})
    # Other shapes and regimes: a scalar, a 1-D tensor, large |x| where naive formulas overflow.
    wide = torch.tensor([-40.0, -25.0, -3.5, 0.25, 3.5, 25.0, 40.0])
    case("unary", "exp.scalar", "exp", torch.exp, {"x": torch.tensor(0.75)})
    case("unary", "tanh.wide", "tanh", torch.tanh, {"x": wide / 4})
    case("unary", "sigmoid.wide", "sigmoid", torch.sigmoid, {"x": wide})
    case("unary", "logSigmoid.wide", "logSigmoid", F.logsigmoid, {"x": wide})
    case("unary", "softplus.wide", "softplus", F.softplus, {"x": wide[1:-1]})  # torch switches to x above 20
    case("unary", "erf.wide", "erf", torch.erf, {"x": torch.tensor([-3.0, -2.6, -1.2, 0.05, 1.7, 2.4, 2.6, 4.0])})
    case("unary", "log1p.tiny", "log1p", torch.log1p, {"x": torch.tensor([1e-10, -3e-9, 2e-5])})
    case("unary", "expm1.tiny", "expm1", torch.expm1, {"x": torch.tensor([1e-10, -3e-9, 2e-5])})
    # pow with a constant exponent.
    for p, x, tag in [(3.0, randn(2, 3), "3.negative_base"), (0.5, pos(2, 3), "0.5"),
                      (-1.5, pos(2, 3), "-1.5"), (0.0, randn(4), "0"), (1.0, randn(4), "1")]:
        case("unary", "pow.scalar_" + tag, "pow", lambda t, p=p: torch.pow(t, p), {"x": x}, {"exponent": p})
    # clamp: inputs kept away from the bounds.
    for low, high, tag in [(-0.5, 0.7, "both"), (-0.3, math.inf, "low_only"), (-math.inf, 0.4, "high_only")]:
        x = randn(3, 5)
        x = torch.where((x - low).abs() < MARGIN, x + 2 * MARGIN, x)
        x = torch.where((x - high).abs() < MARGIN, x + 2 * MARGIN, x)
        assert min((x - low).abs().min().item(), (x - high).abs().min().item()) >= MARGIN / 2, "near a clamp bound"
        fn = lambda t, low=low, high=high: torch.clamp(t, None if low == -math.inf else low,
                                                       None if high == math.inf else high)
        case("unary", "clamp." + tag, "clamp", fn, {"x": x}, {"low": low, "high": high})


# ------------------------------------------------------------------------------------------- binary

def binary_cases():
    shapes = {
        "same": ((2, 3), (2, 3)),
        "3x1x4_2x4": ((3, 1, 4), (2, 4)),
        "5_2x3x5": ((5,), (2, 3, 5)),
        "scalar_2x3": ((), (2, 3)),
        "2x3_scalar": ((2, 3), ()),
        "4x1_1x3": ((4, 1), (1, 3)),
    }
    plan = {
        "add": ["same", "3x1x4_2x4", "scalar_2x3"],
        "sub": ["3x1x4_2x4", "2x3_scalar", "4x1_1x3"],
        "mul": ["same", "3x1x4_2x4", "5_2x3x5"],
        "div": ["3x1x4_2x4", "scalar_2x3", "4x1_1x3"],
        "pow": ["same", "3x1x4_2x4", "5_2x3x5", "2x3_scalar"],
        "maximum": ["same", "3x1x4_2x4", "4x1_1x3"],
        "minimum": ["same", "5_2x3x5", "scalar_2x3"],
    }
    fns = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "pow": torch.pow,
           "maximum": torch.maximum, "minimum": torch.minimum}
    for op, tags in plan.items():
        for tag in tags:
            sa, sb = shapes[tag]
            a = uniform(0.3, 2.5, *sa) if op == "pow" else randn(*sa)
            b = away_from_zero(*sb) if op == "div" else randn(*sb)
            if op in ("maximum", "minimum"):
                while (a - b).abs().min().item() < MARGIN:  # no ties once broadcast
                    b = randn(*sb)
            case("binary", "%s.%s" % (op, tag), op, fns[op], {"a": a, "b": b})
    # The Java-number overloads (x.add(2.5) etc.).
    for op, s in [("add", 2.5), ("sub", -1.25), ("mul", 3.0), ("div", -0.4)]:
        case("binary", op + ".java_double", op, lambda t, op=op, s=s: fns[op](t, s), {"a": randn(2, 3)},
             {"scalar": s})
    # where(mask, a, b), broadcasting all three.
    for tag, sm, sa, sb in [("3x1_3x4_4", (3, 1), (3, 4), (4,)), ("2x3_scalar_2x3", (2, 3), (), (2, 3)),
                            ("4_2x1x4_3x1", (4,), (2, 1, 4), (3, 1))]:
        mask = torch.rand(sm) > 0.5
        mask.view(-1)[0], mask.view(-1)[-1] = True, False  # both branches are used
        case("binary", "where." + tag, "where", torch.where, {"mask": mask, "a": randn(*sa), "b": randn(*sb)})


# ------------------------------------------------------------------------------------------- reductions

def all_axes(x, axes):
    return tuple(range(x.dim())) if len(axes) == 0 else tuple(axes)


def prod_over(x, axes, keepdim):
    """torch.prod takes one axis: reduce the axes one by one, highest first so lower indices stay valid."""
    for a in sorted({a % x.dim() for a in axes}, reverse=True):
        x = torch.prod(x, a, keepdim=keepdim)
    return x


def reduce_cases():
    # (axes, keepdim, shape): axes () means all axes.
    layouts = [((), False, (3, 4)), ((1,), False, (3, 4)), ((0, 2), True, (2, 3, 4)), ((-1,), False, (2, 3, 4)),
               ((0,), True, (3, 4)), ((1, 2), False, (2, 3, 4))]

    def run(op, fn, idx, make, extra=None, suffix=""):
        for i in idx:
            axes, keep, shape = layouts[i]
            x = make(*shape)
            params = dict(extra or {})
            params.update({"axes": list(axes), "keepdim": keep})
            tag = "%s.%s.axes%s%s" % (op, "x".join(map(str, shape)), "_".join(map(str, axes)) or "All",
                                      ".keep" if keep else "")
            for k, v in (extra or {}).items():
                tag += ".%s%s" % (k, fmt_param(v))
            tag += suffix
            case("reduce", tag, op, lambda t: fn(t, all_axes(t, axes), keep, **(extra or {})), {"x": x}, params)

    run("sum", lambda t, ax, k: torch.sum(t, ax, keepdim=k), [0, 2, 3, 4], randn)
    run("mean", lambda t, ax, k: torch.mean(t, ax, keepdim=k), [0, 2, 5], randn)
    run("prod", prod_over, [0, 1, 2], lambda *s: away_from_zero(*s) * 1.3)

    def no_ties(*s):
        x = randn(*s)
        require_gap(x, "max/min input")
        return x
    run("max", lambda t, ax, k: torch.amax(t, ax, keepdim=k), [0, 2, 5], no_ties)
    run("min", lambda t, ax, k: torch.amin(t, ax, keepdim=k), [1, 2, 5], no_ties)

    var = lambda t, ax, k, correction: torch.var(t, ax, unbiased=correction == 1, keepdim=k)
    std = lambda t, ax, k, correction: torch.std(t, ax, unbiased=correction == 1, keepdim=k)
    for c in (0, 1):
        run("var", var, [0, 2] if c == 1 else [1, 4, 5], randn, {"correction": c})
        run("std", std, [0, 2] if c == 1 else [1, 3], randn, {"correction": c})
    run("logsumexp", lambda t, ax, k: torch.logsumexp(t, ax, keepdim=k), [0, 1, 2, 3], randn)
    run("logsumexp", lambda t, ax, k: torch.logsumexp(t, ax, keepdim=k), [3], lambda *s: randn(*s) * 1e3,
        suffix=".large")

    def norm(t, ax, k, p):
        return torch.linalg.vector_norm(t, p, ax, keepdim=k)

    def abs_no_ties(*s):
        x = away_from_zero(*s)
        require_gap(x.abs(), "norm input")
        return x
    for p, idx in [(1.0, [0, 2]), (2.0, [0, 1, 2]), (math.inf, [1, 3])]:
        run("norm", norm, idx, abs_no_ties, {"p": p})
    for axis, shape in [(0, (4, 3)), (1, (2, 5)), (-1, (2, 3, 4))]:
        case("reduce", "cumsum.%s.axis%d" % ("x".join(map(str, shape)), axis), "cumsum",
             lambda t, axis=axis: torch.cumsum(t, axis), {"x": randn(*shape)}, {"axis": axis})


# ------------------------------------------------------------------------------------------- softmax

def softmax_cases():
    large = torch.tensor([[1000.0, -1000.0, 999.5, 0.0], [-1000.0, -999.0, -1001.0, -1000.5],
                          [1000.0, 1000.0, 1000.0, -3.0]])
    for op, fn in [("softmax", torch.softmax), ("logSoftmax", torch.log_softmax)]:
        for tag, axis, x in [("3x4", -1, randn(3, 4)), ("2x3x4", 1, randn(2, 3, 4)), ("2x3x4", 0, randn(2, 3, 4)),
                             ("large_logits", -1, large), ("large_random", 0, randn(3, 5) * 1e3)]:
            case("softmax", "%s.%s.axis%d" % (op, tag, axis), op, lambda t, axis=axis: fn(t, axis), {"x": x},
                 {"axis": axis})


# ------------------------------------------------------------------------------------------- matmul

def matmul_cases():
    for sa, sb in [((4,), (4,)), ((3,), (3, 4)), ((2, 3), (3,)), ((3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)),
                   ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 3)), ((2, 3, 4), (4,)), ((3, 4), (2, 4, 5))]:
        tag = "x".join(map(str, sa)) + "@" + "x".join(map(str, sb))
        case("linalg", "matmul." + tag, "matmul", torch.matmul, {"a": randn(*sa), "b": randn(*sb)})


# ------------------------------------------------------------------------------------------- indexing

def index_cases():
    g = lambda t, idx, axis: torch.gather(t, axis, idx.long())
    for tag, axis, sx, si, hi in [("3x4.axis1", 1, (3, 4), (3, 2), 4), ("3x4.axis0_repeats", 0, (3, 4), (5, 4), 3),
                                  ("2x3x4.axis-1", -1, (2, 3, 4), (2, 3, 6), 4)]:
        case("index", "gather." + tag, "gather", lambda t, idx, axis=axis: g(t, idx, axis),
             {"x": randn(*sx), "index": randint(hi, *si)}, {"axis": axis})
    for tag, axis, sx, idx in [("4x3.axis0", 0, (4, 3), [2, 0, 2]), ("2x5x3.axis1", 1, (2, 5, 3), [4, 1, 1, 0])]:
        case("index", "indexSelect." + tag, "indexSelect",
             lambda t, i, axis=axis: torch.index_select(t, axis, i.long()),
             {"x": randn(*sx), "index": torch.tensor(idx, dtype=torch.int32)}, {"axis": axis})
    for tag, axis, sx, si, hi in [("3x4.axis0", 0, (3, 4), (5, 4), 3), ("2x5.axis1", 1, (2, 5), (2, 7), 5)]:
        case("index", "scatterAdd." + tag, "scatterAdd",
             lambda t, i, s, axis=axis: torch.scatter_add(t, axis, i.long(), s),
             {"x": randn(*sx), "index": randint(hi, *si), "src": randn(*si)}, {"axis": axis})
    for tag, si in [("5x3.idx4", (4,)), ("5x3.idx2x3", (2, 3))]:
        case("index", "embedding." + tag, "embedding", lambda w, i: F.embedding(i.long(), w),
             {"weight": randn(5, 3), "indices": randint(5, *si)})
    for tag, axis, shapes in [("axis0", 0, [(2, 3), (1, 3), (3, 3)]), ("axis-1", -1, [(2, 2, 1), (2, 2, 3)])]:
        case("index", "concat." + tag, "concat", lambda *ts, axis=axis: torch.cat(ts, axis),
             {"t%d" % i: randn(*s) for i, s in enumerate(shapes)}, {"axis": axis})
    for tag, axis, shape, n in [("axis0", 0, (2, 3), 3), ("axis2", 2, (2, 3), 2), ("axis-1", -1, (4,), 2)]:
        case("index", "stack." + tag, "stack", lambda *ts, axis=axis: torch.stack(ts, axis),
             {"t%d" % i: randn(*shape) for i in range(n)}, {"axis": axis})


# ------------------------------------------------------------------------------------------- movement

def slice_along(t, axis, start, end, step):
    index = [slice(None)] * t.dim()
    index[axis] = slice(start, end, step)
    return t[tuple(index)]


def movement_cases():
    for tag, sx, shape in [("2x3x4_to_4x-1", (2, 3, 4), [4, -1]), ("6_to_2x1x3", (6,), [2, 1, 3]),
                           ("scalar_to_1x1", (), [1, 1])]:
        case("movement", "reshape." + tag, "reshape", lambda t, shape=shape: t.reshape(shape), {"x": randn(*sx)},
             {"shape": shape})
    for order in ([2, 0, 1],):
        sx = (2, 3, 4)[:len(order)]
        case("movement", "permute." + "_".join(map(str, order)), "permute",
             lambda t, order=order: t.permute(order), {"x": randn(*sx)}, {"order": order})
    for dims in ([0, 2], [-1, -2]):
        case("movement", "transpose.%d_%d" % tuple(dims), "transpose", lambda t, d=dims: t.transpose(*d),
             {"x": randn(2, 3, 4)}, {"dims": dims})
    for tag, sx, axis, start, end, step in [("3x7.axis1_1_6_2", (3, 7), 1, 1, 6, 2),
                                            ("5x2.axis0_-4_5_3", (5, 2), 0, -4, 5, 3),
                                            ("2x3x4.axis-1_0_99_1", (2, 3, 4), -1, 0, 99, 1),
                                            ("2x6.axis1_-5_-1_2", (2, 6), 1, -5, -1, 2)]:
        case("movement", "slice." + tag, "slice",
             lambda t, a=axis, s=start, e=end, st=step: slice_along(t, a, s, e, st), {"x": randn(*sx)},
             {"axis": axis, "start": start, "end": end, "step": step})
    for tag, sx, shape in [("3x1_to_2x3x4", (3, 1), [2, 3, 4]), ("4_to_3x4", (4,), [3, 4]),
                           ("scalar_to_2x2", (), [2, 2])]:
        case("movement", "expand." + tag, "expand", lambda t, shape=shape: t.expand(shape), {"x": randn(*sx)},
             {"shape": shape})
    case("movement", "flatten.2x3x4_1_2", "flatten", lambda t: t.flatten(1, 2), {"x": randn(2, 3, 4)},
         {"start": 1, "end": 2})
    case("movement", "select.2x3x4_axis1_-1", "select", lambda t: t.select(1, -1), {"x": randn(2, 3, 4)},
         {"axis": 1, "index": -1})
    case("movement", "unsqueeze.2x3_axis1", "unsqueeze", lambda t: t.unsqueeze(1), {"x": randn(2, 3)}, {"axis": 1})
    case("movement", "squeeze.1x3x1_axis2", "squeeze", lambda t: t.squeeze(2), {"x": randn(1, 3, 1)}, {"axis": 2})


def main():
    for make in (unary_cases, binary_cases, reduce_cases, softmax_cases, matmul_cases, index_cases, movement_cases):
        make()
    os.makedirs(OUT_DIR, exist_ok=True)
    total = 0
    for family, records in FAMILIES.items():
        path = os.path.join(OUT_DIR, family + ".txt")
        with open(path, "w") as f:
            f.write("# Golden values for tapegrad, family '%s': %d cases.\n" % (family, len(records)))
            f.write("# Generated by tools/golden/generate_golden.py with torch %s, seed %d, float64.\n"
                    % (torch.__version__, SEED))
            f.write("# Tangents (forward mode) from a separate generator, seed %d.\n" % TANGENT_SEED)
            f.write("# Do not edit by hand; re-run the generator.\n\n")
            f.write("\n\n".join(records) + "\n")
        total += len(records)
        print("%-45s %3d cases %7d bytes" % (os.path.relpath(path, ROOT), len(records), os.path.getsize(path)))
    print("total", total, "cases")
    for name, why in FORWARD_AD_MISSING.items():
        print("JVP of %s is the transposed VJP: %s" % (name, why))


if __name__ == "__main__":
    main()
