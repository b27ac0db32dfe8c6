#!/usr/bin/env python3
"""Golden values for tapegrad's Tsallis loss continuum (rl: Tsallis, Garl, Paft, ColdStart), from an
independent float64 PyTorch implementation of the Tsallis q-logarithm objectives (formulas derived from the
abstract of arXiv 2604.25907; the paper's exact estimators were not available).

    /usr/bin/python3 tools/golden/rl_tsallis.py     # writes rl/src/test/resources/golden/rl_tsallis.json

Independence from the Java code: ln_q is the textbook (x^(1-q) - 1)/(1-q), ln x at q = 1, and its Taylor
series in a = 1-q near q = 1 (the Java code uses expm1); gradients come from torch autograd; the GARL/PAFT
weights are written per group with explicit loops; the cold start is plain torch SGD ascent.

Fixture format: one flat JSON object, key -> number or list of numbers (row-major), keys "<family>/<case>/<name>".
"""

import json
import math
import os
import random

import torch

torch.set_default_dtype(torch.float64)
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "rl", "src", "test", "resources", "golden", "rl_tsallis.json")
rng = random.Random(20260428)
fx = {}


def lnq(x, q):
    a = 1.0 - q
    if a == 0.0:
        return torch.log(x)
    if abs(a) < 1e-4:                     # series: ln x + a ln²x/2 + a² ln³x/6 + a³ ln⁴x/24
        l = torch.log(x)
        return l + a * l ** 2 / 2 + a * a * l ** 3 / 6 + a ** 3 * l ** 4 / 24
    return (x ** a - 1.0) / a


# ------------------------------------------------------------------------------------------------ ln_q
XS = [1e-8, 1e-3, 0.02, 0.3, 0.7, 0.93, 1.08, 1.7, 4.0, 25.0]
QS = [0.0, 0.25, 0.5, 0.75, 1.0, 1.0 - 1e-7, 1.0 + 1e-7, 1.5, 2.0]
for i, q in enumerate(QS):
    x = torch.tensor(XS, requires_grad=True)
    y = lnq(x, q)
    y.sum().backward()
    fx[f"lnq/{i}/q"] = q
    fx[f"lnq/{i}/x"] = XS
    fx[f"lnq/{i}/value"] = y.tolist()
    fx[f"lnq/{i}/grad"] = x.grad.tolist()
fx["lnq/count"] = len(QS)


# ----------------------------------------------------------------------------------- GARL, PAFT, loss
def random_rewards(groups, size, fractional):
    ids, r = [], []
    for g in range(groups):
        kind = rng.random()
        for _ in range(size):
            ids.append(g * 3 + 1)                     # non-contiguous ids
            if kind < 0.2:
                r.append(0.0)                         # a group without success
            elif fractional and rng.random() < 0.5:
                r.append(round(rng.random(), 6))
            else:
                r.append(1.0 if rng.random() < 0.4 else 0.0)
    order = list(range(len(r)))
    rng.shuffle(order)                                # groups interleaved
    return [ids[k] for k in order], [r[k] for k in order]


def garl(ids, r, q, baseline):
    out = []
    for i in range(len(r)):
        members = [j for j in range(len(r)) if ids[j] == ids[i]]
        total = sum(r[j] for j in members)
        if total == 0.0:
            out.append(0.0)
            continue
        p = total / len(members)
        b = p if baseline else 0.0
        out.append(p ** (-q) * (r[i] - b))
    return out


def paft_exact(ids, r, q):
    out = []
    for i in range(len(r)):
        members = [j for j in range(len(r)) if ids[j] == ids[i]]
        total = sum(r[j] for j in members)
        m = len(members)
        out.append(0.0 if total == 0.0 else m * (total / m) ** (1 - q) * r[i] / total)
    return out


def surrogate(lp, mask, adv):
    per_seq = (lp * mask).sum(1) * adv
    nonempty = (mask.sum(1) > 0).double()
    return -(per_seq * nonempty).sum() / max(nonempty.sum().item(), 1.0)


n = 0
for groups, size, fractional in [(3, 4, False), (4, 5, True), (2, 8, False), (5, 3, True)]:
    ids, r = random_rewards(groups, size, fractional)
    b, t = len(r), 5
    lp = (-3.0 * torch.rand(b, t) - 0.05)
    mask = (torch.rand(b, t) < 0.75).double()
    mask[rng.randrange(b)] = 0.0                      # one empty sequence
    for q in [0.0, 0.5, 0.75, 1.0]:
        key = f"est/{n}"
        fx[key + "/ids"] = ids
        fx[key + "/rewards"] = r
        fx[key + "/q"] = q
        fx[key + "/garl"] = garl(ids, r, q, False)
        fx[key + "/garlMean"] = garl(ids, r, q, True)
        fx[key + "/paft"] = paft_exact(ids, r, q)
        x = lp.clone().requires_grad_(True)
        loss = surrogate(x, mask, torch.tensor(fx[key + "/garl"]))
        loss.backward()
        fx[key + "/shape"] = [b, t]
        fx[key + "/logProbs"] = lp.flatten().tolist()
        fx[key + "/mask"] = mask.flatten().tolist()
        fx[key + "/loss"] = loss.item()
        fx[key + "/grad"] = x.grad.flatten().tolist()
        n += 1
fx["est/count"] = n

# --------------------------------------------------------------------------------------- cold start
n = 0
for k, lr, p0, q in [(16, 0.5, 1e-2, 0.0), (16, 0.5, 1e-3, 0.5), (16, 0.5, 1e-3, 1.0), (4, 0.2, 0.05, 0.75),
                     (16, 1.0, 1e-3, 0.25)]:
    theta = torch.zeros(k)
    theta[0] = math.log(p0) + math.log(k - 1) - math.log1p(-p0)
    theta.requires_grad_(True)
    steps = 0
    while torch.softmax(theta.detach(), 0)[0].item() < 0.5:
        j = lnq(torch.exp(torch.log_softmax(theta, 0)[0]), q)
        j.backward()
        with torch.no_grad():
            theta += lr * theta.grad
        theta.grad = None
        steps += 1
    key = f"cold/{n}"
    fx[key + "/config"] = [k, lr, p0, q]
    fx[key + "/steps"] = steps
    fx[key + "/finalP"] = torch.softmax(theta.detach(), 0)[0].item()
    n += 1
fx["cold/count"] = n

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(fx, f, indent=0)
print(f"wrote {OUT}: {os.path.getsize(OUT)} bytes")
