#!/usr/bin/env python3
"""Golden fixtures for HölderPO (dev.tapegrad.rl.PowerMean, HolderPo, PSchedule), checked by HolderPoGoldenTest.

Run with the system Python (torch 1.13 + numpy; the working directory does not matter):

    /usr/bin/python3 tools/golden/rl_holder.py

It (re)writes rl/src/test/resources/golden/rl_holder.json; commit the result (the Java build never runs
Python). The seed is fixed, so re-running reproduces the file.

Independent implementations (none shares code or structure with the Java side):
- power means: exact decimal arithmetic (60 significant digits, Python's decimal module) of
  M_p = ((1/n) sum_t exp(p d_t))^(1/p), its p = 0 limit exp(mean d), and the gradient weights
  d log M_p / d d_t = exp(p d_t) / sum_s exp(p d_s); tiny p (1e-7) and large |p| (1e3) included.
- losses: the direct formulas of the official HolderPO code (train_zero_math_holder.py), in torch float64 with
  autograd for the gradient w.r.t. the current log-probabilities: ratio^p summed under the mask, then
  pow(1/p); PPO max of two with torch.clamp; token variant with torch.min/max of r and clip(r). Unlike the
  official code there is no +1e-8 in the denominators, empty sequences are left out of the batch mean, and
  per-token advantages are reduced by their masked mean.
- p schedules: the official code's mid/amp formulas.

Batches keep every token ratio and every sequence ratio at least 0.02 away from a clip boundary, so the
gradients are well defined. Masked positions of the log-probabilities hold large junk values that a correct
implementation never reads.
"""

import json
import math
import os
import random
from decimal import Decimal, getcontext

import torch

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "rl", "src", "test", "resources", "golden", "rl_holder.json")
getcontext().prec = 60
rng = random.Random(20260522)
torch.set_default_dtype(torch.float64)


def random_mask(b, t, empty_row=True):
    """0/1 rows with random lengths (a prefix of real tokens), one row empty if asked."""
    mask = [[0.0] * t for _ in range(b)]
    for i in range(b):
        n = 0 if (empty_row and i == b - 1) else rng.randint(1, t)
        for j in range(n):
            mask[i][j] = 1.0
    rng.shuffle(mask)
    return mask


# ------------------------------------------------------------------ power means (exact decimal)

def decimal_power_mean(d_row, p):
    """(log M_p, weights) of one row of valid log-values, exactly to ~50 digits."""
    ds = [Decimal(x) for x in d_row]
    n = Decimal(len(ds))
    if p == 0:
        return sum(ds) / n, [1 / n for _ in ds]
    pd = Decimal(p)
    terms = [(pd * x).exp() for x in ds]
    total = sum(terms)
    return (total.ln() - n.ln()) / pd, [e / total for e in terms]


def power_mean_case(name, p, b, t, scale):
    mask = random_mask(b, t)
    d = [[rng.uniform(-scale, scale) if mask[i][j] else rng.uniform(-50, 50) for j in range(t)] for i in range(b)]
    log_mean, weights = [], []
    for i in range(b):
        valid = [d[i][j] for j in range(t) if mask[i][j]]
        if not valid:  # empty row: log M_p = 0, no gradient (the Java convention)
            log_mean.append(0.0)
            weights.extend([0.0] * t)
            continue
        lm, w = decimal_power_mean(valid, p)
        log_mean.append(float(lm))
        it = iter(w)
        weights.extend(float(next(it)) if mask[i][j] else 0.0 for j in range(t))
    return {"name": name, "p": p, "shape": [b, t], "d": flat(d), "mask": flat(mask),
            "logMean": log_mean, "weights": weights}


def flat(rows):
    return [float(x) for r in rows for x in r]


# ------------------------------------------------------------------ losses (torch float64, official formulas)

def holder_ratio(x, mask, p):
    """M_p of positive token values x [B,T] under the mask, the official code's direct formula."""
    n = mask.sum(-1)
    if p == 0:
        return torch.exp((torch.log(x) * mask).sum(-1) / n.clamp(min=1))
    return ((x ** p) * mask).sum(-1).div(n.clamp(min=1)).pow(1.0 / p)


def torch_loss(variant, p, lo, hi, logp, old, mask, adv):
    keep = mask.sum(-1) > 0  # empty sequences are left out (before any pow, so no 0 * inf in backward)
    logp, old, mask, adv = logp[keep], old[keep], mask[keep], adv[keep]
    n = mask.sum(-1)
    a = adv if adv.dim() == 1 else (adv * mask).sum(-1) / n.clamp(min=1)
    diff = torch.where(mask > 0, logp - old, torch.zeros_like(logp))
    if variant == "TOKEN":
        r = torch.exp(diff)
        r_clip = torch.clamp(r, 1 - lo, 1 + hi)
        c = holder_ratio(torch.min(r, r_clip), mask, p)
        dd = holder_ratio(torch.max(r, r_clip), mask, p)
        per_seq = -(c * (a > 0) + dd * (a < 0)) * a
    else:
        if variant == "SEQUENCE_W_CLIP":
            diff = torch.clamp(diff, -math.log(1 + lo), math.log(1 + hi))
        rho = holder_ratio(torch.exp(diff), mask, p)
        per_seq = torch.max(-a * rho, -a * torch.clamp(rho, 1 - lo, 1 + hi))
    return per_seq.mean()


def away(x, kinks, delta=0.02):
    return all(abs(x - k) > delta for k in kinks)


def loss_case(name, variant, p, lo, hi, b, t, per_token_adv=False):
    kinks = [1 - lo, 1 + hi]
    while True:
        mask = random_mask(b, t)
        centres = [rng.choice([-0.45, -0.1, 0.0, 0.1, 0.35]) for _ in range(b)]
        d = []
        for i in range(b):
            row = []
            for j in range(t):
                while True:
                    r = math.exp(centres[i] + rng.uniform(-0.3, 0.3))
                    if away(r, kinks) and away(r, [1 / (1 + lo)]):  # also the SEQUENCE_W_CLIP token clamp
                        break
                row.append(math.log(r))
            d.append(row)
        dt, mt = torch.tensor(d), torch.tensor(mask)
        if variant == "TOKEN":
            break
        diff = dt
        if variant == "SEQUENCE_W_CLIP":
            diff = torch.clamp(dt, -math.log(1 + lo), math.log(1 + hi))
        rho = holder_ratio(torch.exp(diff), mt, p)
        if all(away(float(rho[i]), kinks) for i in range(b) if sum(mask[i]) > 0):
            break
    old = [[rng.uniform(-3.0, -0.1) for _ in range(t)] for _ in range(b)]
    logp = [[old[i][j] + d[i][j] if mask[i][j] else rng.uniform(5, 30) for j in range(t)] for i in range(b)]
    if per_token_adv:
        adv = [[rng.gauss(0, 1) for _ in range(t)] for _ in range(b)]
    else:
        adv = [rng.gauss(0, 1) for _ in range(b)]
        adv[rng.randrange(b)] = 0.0  # a sequence with no signal
    lp = torch.tensor(logp, requires_grad=True)
    at = torch.tensor(adv)
    loss = torch_loss(variant, p, lo, hi, lp, torch.tensor(old), torch.tensor(mask), at)
    loss.backward()
    return {"name": name, "variant": variant, "p": p, "clipLow": lo, "clipHigh": hi, "shape": [b, t],
            "logProbs": flat(logp), "oldLogProbs": flat(old), "mask": flat(mask),
            "advantages": flat(adv) if per_token_adv else [float(x) for x in adv],
            "advantagesShape": [b, t] if per_token_adv else [b],
            "loss": float(loss), "grad": lp.grad.reshape(-1).tolist()}


# ------------------------------------------------------------------ p schedules (official formulas)

def schedule_value(shape, p_min, p_max, steps, power, step):
    x = min(1.0, step / steps)
    mid, amp = (p_min + p_max) / 2.0, (p_max - p_min) / 2.0
    return {
        "LINEAR": p_min + (p_max - p_min) * x,
        "LINEAR_DEC": p_max - (p_max - p_min) * x,
        "SIN": mid - amp * math.cos(math.pi * x),
        "COS": mid + amp * math.cos(math.pi * x),
        "QUAD": p_min + (p_max - p_min) * x ** power,
        "QUAD_DEC": p_max - (p_max - p_min) * x ** power,
        "CUBIC": mid + amp * (2.0 * x - 1.0) ** 3,
        "CUBIC_DEC": mid - amp * (2.0 * x - 1.0) ** 3,
    }[shape]


def main():
    power_means = []
    for p in [1.0, 2.0, -1.0, -2.0, 0.5, 0.0, 1e-7, -1e-7, 3e-4, -3e-4, 1e-2, 50.0, -50.0, 1e3, -1e3]:
        power_means.append(power_mean_case(f"M_p p={p!r}", p, 5, 6, 1.0))
    power_means.append(power_mean_case("M_p p=1e3 wide", 1e3, 4, 5, 5.0))
    power_means.append(power_mean_case("M_p p=-2 wide", -2.0, 4, 5, 5.0))

    losses = []
    for variant in ["SEQUENCE", "SEQUENCE_W_CLIP", "TOKEN"]:
        for p in [-2.0, -0.5, 0.0, 1.0, 2.0]:
            losses.append(loss_case(f"{variant} p={p!r}", variant, p, 0.2, 0.2, 6, 7))
        losses.append(loss_case(f"{variant} p=1.5 clip(0.2,0.28) per-token A", variant, 1.5, 0.2, 0.28, 5, 6,
                                per_token_adv=True))

    schedules = []
    for shape in ["LINEAR", "LINEAR_DEC", "SIN", "COS", "QUAD", "QUAD_DEC", "CUBIC", "CUBIC_DEC"]:
        for (p_min, p_max, steps, power) in [(-2.0, 2.0, 1000, 2.0), (-1.0, 3.0, 7, 3.0)]:
            at = [0, 1, steps // 4, steps // 2, steps - 1, steps, 2 * steps + 5]
            schedules.append({"shape": shape, "pMin": p_min, "pMax": p_max, "steps": steps, "power": power,
                              "at": at, "values": [schedule_value(shape, p_min, p_max, steps, power, s) for s in at]})

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump({"generator": "tools/golden/rl_holder.py", "torch": torch.__version__,
                   "powerMeans": power_means, "losses": losses, "schedules": schedules}, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
