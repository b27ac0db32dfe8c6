#!/usr/bin/env python3
"""Generates the golden fixture that ScheduleGoldenTest compares dev.tapegrad.optim.Schedules against.

Run with a Python that has PyTorch (the committed fixture came from torch 1.13.0a0, the system Python's;
the working directory does not matter):

    /usr/bin/python3 tools/golden/generate_schedules.py

It (re)writes optim/src/test/resources/golden/schedules.txt. Commit the result: the Java build never runs
Python. Re-running with the same torch version reproduces the file byte for byte.

Every case steps a *real* torch.optim.lr_scheduler object attached to a one-parameter SGD optimizer, the way
a training loop does: value 0 is the learning rate after construction (used by the first optimizer step),
value k the learning rate after k calls of scheduler.step(). The schedulers use their recursive ("chainable")
update, so the fixture also checks that tapegrad's closed forms agree with torch's recursions. Where torch
has no class (inverse square root, warm-up-stable-decay) the formula is written here as a LambdaLR
multiplier, independently of the Java code.

Each case is a record of lines (tokens separated by single spaces, '#' starts a comment line):

    case <name>                  unique name, also the JUnit display name
    schedule <kind>              which Schedules factory the Java test calls (see ScheduleGoldenTest)
    param <key> <value>...       the factory's arguments (ints, floats, or words)
    values <v0> <v1> ...         the schedule at steps 0, 1, 2, ...
    end

Floats are printed with repr(), which round-trips exactly.
"""

import math
import os
import warnings

import torch
from torch.optim import lr_scheduler as S

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "optim", "src", "test", "resources", "golden", "schedules.txt")

# SequentialLR passes an epoch to step(), which torch deprecates with a warning; the values are what we want.
warnings.filterwarnings("ignore", category=UserWarning)


def optimizer(lr, momentum=0.0):
    return torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=lr, momentum=momentum)


def run(opt, sched, n, key="lr"):
    """The value of param_groups[0][key] at steps 0..n-1 (scheduler.step() between values)."""
    out = []
    for k in range(n):
        if k > 0:
            opt.step()
            sched.step()
        out.append(float(opt.param_groups[0][key]))
    return out


CASES = []


def case(name, kind, params, values):
    CASES.append((name, kind, params, values))


def fmt(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


# ---- StepLR, MultiStepLR, ExponentialLR -------------------------------------------------------------
for lr, step_size, gamma, n in [(1.0, 3, 0.5, 12), (0.1, 4, 0.3, 25), (0.05, 1, 0.9, 15)]:
    o = optimizer(lr)
    case(f"StepLR_lr{lr}_size{step_size}_g{gamma}", "step",
         [("base", lr), ("stepSize", step_size), ("gamma", gamma)],
         run(o, S.StepLR(o, step_size=step_size, gamma=gamma), n))

for lr, milestones, gamma, n in [(1.0, [2, 5, 9], 0.1, 14), (0.3, [0, 3, 3, 7], 0.5, 12)]:
    o = optimizer(lr)
    case(f"MultiStepLR_lr{lr}_m{'-'.join(map(str, milestones))}_g{gamma}", "multiStep",
         [("base", lr), ("gamma", gamma), ("milestones", *milestones)],
         run(o, S.MultiStepLR(o, milestones=milestones, gamma=gamma), n))

for lr, gamma, n in [(1.0, 0.9, 20), (0.02, 0.5, 12)]:
    o = optimizer(lr)
    case(f"ExponentialLR_lr{lr}_g{gamma}", "exponential", [("base", lr), ("gamma", gamma)],
         run(o, S.ExponentialLR(o, gamma=gamma), n))

# ---- LinearLR ---------------------------------------------------------------------------------------
for lr, start, end, total, n in [(1.0, 0.25, 1.0, 4, 8), (0.4, 1.0, 0.1, 6, 10), (0.3, 0.5, 0.75, 5, 9)]:
    o = optimizer(lr)
    case(f"LinearLR_lr{lr}_s{start}_e{end}_T{total}", "linear",
         [("base", lr), ("startFactor", start), ("endFactor", end), ("totalSteps", total)],
         run(o, S.LinearLR(o, start_factor=start, end_factor=end, total_iters=total), n))

# ---- CosineAnnealingLR (periodic after T_max) ---------------------------------------------------------
for lr, t_max, eta_min, n in [(1.0, 5, 0.0, 21), (0.1, 7, 0.01, 36), (2.0, 1, 0.5, 6)]:
    o = optimizer(lr)
    case(f"CosineAnnealingLR_lr{lr}_T{t_max}_min{eta_min}", "cosinePeriodic",
         [("base", lr), ("tMax", t_max), ("etaMin", eta_min)],
         run(o, S.CosineAnnealingLR(o, T_max=t_max, eta_min=eta_min), n))

# ---- CosineAnnealingWarmRestarts (SGDR), stepped once per step ----------------------------------------
for lr, t0, t_mult, eta_min, n in [(1.0, 3, 2, 0.1, 40), (0.5, 4, 1, 0.0, 17), (1.0, 1, 1, 0.2, 5),
                                   (0.2, 2, 3, 0.01, 60), (1.0, 1, 2, 0.0, 34)]:
    o = optimizer(lr)
    case(f"CosineAnnealingWarmRestarts_lr{lr}_T0{t0}_Tm{t_mult}_min{eta_min}", "cosineWarmRestarts",
         [("base", lr), ("t0", t0), ("tMult", t_mult), ("etaMin", eta_min)],
         run(o, S.CosineAnnealingWarmRestarts(o, T_0=t0, T_mult=t_mult, eta_min=eta_min), n))

# ---- OneCycleLR (cos, two phases): learning rate and momentum -----------------------------------------
for max_lr, total, pct, div, final_div, base_m, max_m in [
        (1.0, 10, 0.3, 25.0, 1e4, 0.85, 0.95),
        (0.3, 25, 0.3, 25.0, 1e4, 0.85, 0.95),
        (0.1, 17, 0.25, 10.0, 100.0, 0.8, 0.9),
        (2.0, 7, 0.5, 4.0, 3.0, 0.5, 0.99),
        (1.0, 1, 0.3, 25.0, 1e4, 0.85, 0.95)]:
    o = optimizer(0.123, momentum=0.9)   # OneCycleLR overwrites both
    s = S.OneCycleLR(o, max_lr=max_lr, total_steps=total, pct_start=pct, div_factor=div,
                     final_div_factor=final_div, base_momentum=base_m, max_momentum=max_m)
    lrs, moms = [], []
    for k in range(total):
        if k > 0:
            o.step()
            s.step()
        lrs.append(float(o.param_groups[0]["lr"]))
        moms.append(float(o.param_groups[0]["momentum"]))
    tag = f"T{total}_pct{pct}_div{div}_fdiv{final_div}"
    case(f"OneCycleLR_lr_max{max_lr}_{tag}", "oneCycle",
         [("maxLr", max_lr), ("totalSteps", total), ("pctStart", pct), ("divFactor", div),
          ("finalDivFactor", final_div)], lrs)
    case(f"OneCycleLR_momentum_{tag}_m{base_m}-{max_m}", "oneCycleMomentum",
         [("totalSteps", total), ("pctStart", pct), ("baseMomentum", base_m), ("maxMomentum", max_m)], moms)

# ---- PolynomialLR -------------------------------------------------------------------------------------
for lr, total, power, n in [(1.0, 4, 2.0, 7), (0.2, 10, 0.5, 14), (0.7, 6, 1.0, 9), (1.0, 8, 3.0, 11)]:
    o = optimizer(lr)
    case(f"PolynomialLR_lr{lr}_T{total}_p{power}", "polynomial",
         [("base", lr), ("totalSteps", total), ("power", power)],
         run(o, S.PolynomialLR(o, total_iters=total, power=power), n))

# ---- LinearLR warm-up + SequentialLR: the schedule after the warm-up sees the shifted step ------------
def seq_cases():
    lr = 0.5
    for w, start, after_name, make_after, after_params, n in [
            (4, 0.1, "cosinePeriodic", lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.01),
             [("tMax", 10), ("etaMin", 0.01)], 20),
            (3, 0.2, "step", lambda o: S.StepLR(o, step_size=2, gamma=0.5),
             [("stepSize", 2), ("gamma", 0.5)], 12),
            (5, 0.5, "exponential", lambda o: S.ExponentialLR(o, gamma=0.9), [("gamma", 0.9)], 15),
            (2, 0.25, "polynomial", lambda o: S.PolynomialLR(o, total_iters=5, power=2.0),
             [("totalSteps", 5), ("power", 2.0)], 10)]:
        o = optimizer(lr)
        warm = S.LinearLR(o, start_factor=start, end_factor=1.0, total_iters=w)
        after = make_after(o)
        s = S.SequentialLR(o, schedulers=[warm, after], milestones=[w])
        case(f"SequentialLR_LinearLR{w}_s{start}_then_{after_name}", "warmup",
             [("warmupSteps", w), ("startFactor", start), ("after", after_name), ("base", lr)] + after_params,
             run(o, s, n))


seq_cases()


# ---- LambdaLR: inverse square root with warm-up (Vaswani et al. 2017, eq. 3, peak normalised to 1) -----
def inv_sqrt(w):
    return lambda k: min((k + 1) / w, math.sqrt(w / (k + 1)))


for lr, w, n in [(0.01, 4, 16), (1.0, 1, 8), (0.5, 10, 30)]:
    o = optimizer(lr)
    case(f"LambdaLR_inverseSqrt_lr{lr}_W{w}", "inverseSqrt", [("base", lr), ("warmupSteps", w)],
         run(o, S.LambdaLR(o, inv_sqrt(w)), n))


# ---- LambdaLR: warm-up, stable, decay (cooldown to min_ratio) -----------------------------------------
COOLDOWNS = {
    "LINEAR": lambda p: 1.0 - p,
    "COSINE": lambda p: 0.5 * (1.0 + math.cos(math.pi * p)),
    "ONE_MINUS_SQRT": lambda p: 1.0 - math.sqrt(p),
    "ONE_MINUS_SQUARE": lambda p: 1.0 - p * p,
}


def wsd(w, stable, decay, min_ratio, shape):
    def f(k):
        if k < w:
            return k / w
        if k < w + stable:
            return 1.0
        if k < w + stable + decay:
            p = (k - w - stable) / decay
            return min_ratio + (1.0 - min_ratio) * shape(p)
        return min_ratio
    return f


for lr, w, stable, decay, min_ratio, n in [(1.0, 2, 3, 3, 0.1, 10), (0.3, 4, 5, 8, 0.0, 20),
                                          (0.2, 0, 2, 5, 0.25, 9)]:
    for cd, shape in COOLDOWNS.items():
        o = optimizer(lr)
        case(f"LambdaLR_wsd_lr{lr}_W{w}_S{stable}_D{decay}_min{min_ratio}_{cd}", "wsd",
             [("base", lr), ("warmupSteps", w), ("stableSteps", stable), ("decaySteps", decay),
              ("minRatio", min_ratio), ("cooldown", cd)],
             run(o, S.LambdaLR(o, wsd(w, stable, decay, min_ratio, shape)), n))


def main():
    lines = [f"# Generated by tools/golden/generate_schedules.py with torch {torch.__version__}. Do not edit."]
    for name, kind, params, values in CASES:
        lines.append(f"case {name}")
        lines.append(f"schedule {kind}")
        for key, *vals in params:
            lines.append("param " + key + " " + " ".join(fmt(v) for v in vals))
        lines.append("values " + " ".join(repr(v) for v in values))
        lines.append("end")
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print(f"wrote {len(CASES)} cases to {OUT}")


if __name__ == "__main__":
    main()
