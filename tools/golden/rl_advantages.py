#!/usr/bin/env python3
"""Golden fixtures for dev.tapegrad.rl.Advantages, OverlongPenalty and Copo (AdvantagesGoldenTest).

An independent float64 PyTorch implementation of the formulas documented in the Java javadoc, written from
the formulas (group loops with torch.mean / torch.std), not from the Java code. Run with the system Python
(torch 1.13):

    /usr/bin/python3 tools/golden/rl_advantages.py

It (re)writes rl/src/test/resources/golden/rl_advantages.json; the Java build never runs Python. Everything
is drawn after torch.manual_seed(SEED) in a fixed order, so re-running reproduces the file.

Layout: {"advantages": [case...], "overlong": [case...], "copo": [case...]}; every number is printed with
repr() (round-trips exactly).
"""

import json
import math
import os

import torch

SEED = 20261122
ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT = os.path.join(ROOT, "rl", "src", "test", "resources", "golden", "rl_advantages.json")

torch.manual_seed(SEED)
torch.set_default_dtype(torch.float64)


# ----------------------------------------------------------------------------------------- estimators

def groups_of(ids):
    out = {}
    for i, g in enumerate(ids):
        out.setdefault(g, []).append(i)
    return list(out.values())


def all_equal(vals):
    return bool((vals == vals[0]).all())


def centred_scaled(x, w, ids, correction, scale):
    """Per group: (x - mean_w) * scale(n, std_w) over members with w > 0; degenerate groups give 0."""
    a = torch.zeros_like(x)
    for members in groups_of(ids):
        m = [i for i in members if w is None or w[i] > 0]
        if len(m) < 2:
            continue
        xs = x[m]
        ws = torch.ones(len(m)) if w is None else w[m]
        sw = ws.sum()
        if sw <= correction or all_equal(xs):
            continue
        mean = (ws * xs).sum() / sw
        std = torch.sqrt((ws * (xs - mean) ** 2).sum() / (sw - correction))
        a[m] = (xs - mean) * scale(len(m), std)
    return a


def grpo(x, ids, eps):
    # the plain textbook form, via torch.std (Bessel), as a cross-check of the weighted mechanism above
    a = torch.zeros_like(x)
    for m in groups_of(ids):
        xs = x[m]
        if len(m) < 2 or all_equal(xs):
            continue
        a[m] = (xs - xs.mean()) / (xs.std(unbiased=True) + eps)
    return a


def dr_grpo(x, ids):
    a = torch.zeros_like(x)
    for m in groups_of(ids):
        xs = x[m]
        if len(m) >= 2 and not all_equal(xs):
            a[m] = xs - xs.mean()
    return a


def batch_std(x, ids, eps):
    c = dr_grpo(x, ids)
    s = x.std(unbiased=True) if len(x) > 1 and not all_equal(x) else torch.tensor(0.0)
    d = s + eps
    return c / d if d != 0 else torch.zeros_like(x)


def rloo(x, ids):
    a = torch.zeros_like(x)
    for m in groups_of(ids):
        xs = x[m]
        n = len(m)
        if n >= 2 and not all_equal(xs):
            # leave-one-out baseline written directly
            a[m] = torch.stack([xs[j] - (xs.sum() - xs[j]) / (n - 1) for j in range(n)])
    return a


def reinforce_pp(x, ids, lengths, group_baseline, eps):
    v = dr_grpo(x, ids) if group_baseline else x.clone()
    # token-level whitening: repeat each sequence's value over its tokens
    w = torch.ones_like(x) if lengths is None else lengths
    keep = [i for i in range(len(x)) if w[i] > 0]
    a = torch.zeros_like(x)
    if len(keep) < 2 or all_equal(v[keep]) or w[keep].sum() <= 1:
        return a
    tokens = torch.cat([v[i].repeat(int(w[i])) for i in keep])
    mean = tokens.mean()
    var = tokens.var(unbiased=True)
    a[keep] = (v[keep] - mean) / torch.sqrt(var + eps)
    return a


def stratified(x, ids, strata, alpha, eps):
    gn = grpo(x, ids, eps)
    cell_ids = [(ids[i], strata[i]) for i in range(len(x))]
    san = grpo(x, cell_ids, eps)
    size = {c: cell_ids.count(c) for c in set(cell_ids)}
    a = torch.zeros_like(x)
    for i in range(len(x)):
        s = gn[i] if size[cell_ids[i]] == 1 else san[i]
        a[i] = alpha * s + (1 - alpha) * gn[i]
    return a


def hapo(x, ids, lengths, eps):
    a = torch.zeros_like(x)
    fallback = grpo(x, ids, eps)
    for m in groups_of(ids):
        nz = [i for i in m if lengths[i] > 0]
        if len(nz) >= 2 and not all_equal(x[nz]):
            tokens = torch.cat([x[i].repeat(int(lengths[i])) for i in nz])
            mean = tokens.mean()
            std = tokens.std(unbiased=False)
            a[nz] = (x[nz] - mean) / (std + eps)
        if (a[m].abs() >= 5).any():
            a[m] = fallback[m]
    return a


def opo(x, ids, lengths):
    a = torch.zeros_like(x)
    for m in groups_of(ids):
        nz = [i for i in m if lengths[i] > 0]
        if len(nz) >= 2 and not all_equal(x[nz]):
            base = (lengths[nz] * x[nz]).sum() / lengths[nz].sum()
            a[nz] = x[nz] - base
    return a


# --------------------------------------------------------------------------------------------- batches

def shuffled_groups(sizes):
    """Group ids for groups of the given sizes, relabelled with arbitrary ids and shuffled."""
    ids = []
    labels = (torch.randperm(50) * 3 + 7).tolist()
    for g, s in enumerate(sizes):
        ids += [labels[g]] * s
    perm = torch.randperm(len(ids)).tolist()
    return [ids[p] for p in perm]


def reward_batch(kind, sizes):
    ids = shuffled_groups(sizes)
    b = len(ids)
    if kind == "binary":
        r = (torch.rand(b) < 0.4).double()
    elif kind == "normal":
        r = torch.randn(b) * 2.0 + 0.5
    else:  # "ties": few distinct non-dyadic values, one group forced all-equal at 0.1
        r = torch.tensor([0.1, 0.3, 0.7])[torch.randint(0, 3, (b,))]
        first = ids[0]
        for i in range(b):
            if ids[i] == first:
                r[i] = 0.1
    lengths = torch.randint(0, 12, (b,)).double()
    return r, ids, lengths


def advantage_cases():
    cases = []
    layouts = [("binary", [4, 4, 4, 1, 3]), ("normal", [8, 5, 2, 1]), ("ties", [6, 6, 3, 2])]
    for kind, sizes in layouts:
        r, ids, lengths = reward_batch(kind, sizes)
        strata = torch.randint(0, 3, (len(ids),)).tolist()
        x = r

        def case(name, expected, **params):
            c = {"name": kind + "/" + name, "rewards": x.tolist(), "groups": ids,
                 "lengths": lengths.tolist(), "strata": strata, "expected": expected.tolist()}
            c.update(params)
            cases.append(c)

        for eps in (1e-6, 0.0, 1e-4):
            case("grpo", grpo(x, ids, eps), estimator="grpo", eps=eps)
            w = centred_scaled(x, None, ids, 1, lambda n, s, e=eps: 1 / (s + e))
            assert torch.allclose(w, grpo(x, ids, eps), rtol=1e-12, atol=1e-14)
        case("drGrpo", dr_grpo(x, ids), estimator="drGrpo")
        case("batchStd", batch_std(x, ids, 1e-4), estimator="batchStd", eps=1e-4)
        case("rloo", rloo(x, ids), estimator="rloo")
        for gb in (False, True):
            case("rpp-seq", reinforce_pp(x, ids, None, gb, 1e-8), estimator="reinforcePlusPlus",
                 groupBaseline=gb, eps=1e-8, useLengths=False)
            case("rpp-tok", reinforce_pp(x, ids, lengths, gb, 1e-8), estimator="reinforcePlusPlus",
                 groupBaseline=gb, eps=1e-8, useLengths=True)
        for alpha in (0.0, 0.35, 1.0):
            case("stratified", stratified(x, ids, strata, alpha, 1e-6), estimator="stratified", alpha=alpha, eps=1e-6)
        case("hapo", hapo(x, ids, lengths, 1e-6), estimator="hapo", eps=1e-6)
        case("opo", opo(x, ids, lengths), estimator="opo")
    # HAPO's fallback: one short success among long failures gives |A| >= 5 under token weighting
    x = torch.tensor([1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0])
    ids = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1]
    lengths = torch.tensor([1.0, 40, 40, 40, 40, 40, 3, 5, 7, 2])
    expected = hapo(x, ids, lengths, 1e-6)
    assert torch.equal(expected[:6], grpo(x, ids, 1e-6)[:6])
    cases.append({"name": "hapo-fallback", "estimator": "hapo", "eps": 1e-6, "rewards": x.tolist(), "groups": ids,
                  "lengths": lengths.tolist(), "strata": [0] * 10, "expected": expected.tolist()})
    return cases


def overlong_penalty(length, l_max, l_cache):
    if length <= l_max - l_cache:
        return 0.0
    if length <= l_max:
        return ((l_max - l_cache) - length) / l_cache
    return -1.0


def overlong_cases():
    out = []
    for l_max, l_cache in ((20480.0, 4096.0), (16.0, 5.0), (10.0, 10.0)):
        lengths = torch.cat([torch.tensor([0.0, l_max - l_cache, l_max, l_max + 1]),
                             torch.randint(0, int(l_max * 1.3) + 1, (8,)).double()])
        out.append({"maxLength": l_max, "cache": l_cache, "lengths": lengths.tolist(),
                    "expected": [overlong_penalty(float(v), l_max, l_cache) for v in lengths]})
    return out


# --------------------------------------------------------------------------------------------------- COPO

def copo_signals(x, ids, answers, k, b, coef, eps):
    groups = groups_of(ids)
    n = len(x)
    ent = torch.zeros(n)
    wts = torch.zeros(n)
    rglob = []
    for m in groups:
        size = len(m)
        vals = [answers[i] for i in m]
        h = 0.0
        for a in set(vals):
            p = vals.count(a) / size
            h -= p * math.log2(p)
        c = 1.0 if (not coef or size == 1) else 1 - (1 - 1 / size) / math.log2(size) * h
        rglob.append(c * float(x[m].mean()))
        ent[m] = h
        wts[m] = torch.sigmoid(torch.tensor(k * (h - b)))
    rg = torch.tensor(rglob)
    ga = torch.zeros(len(groups)) if len(groups) < 2 or all_equal(rg) else (rg - rg.mean()) / (rg.std() + eps)
    glob = torch.zeros(n)
    for g, m in enumerate(groups):
        glob[m] = ga[g]
    return ent, glob, grpo(x, ids, eps), wts


def inner_per_token(lp, old, mask, adv):
    d = torch.where(mask > 0.5, lp - old, torch.zeros_like(lp))
    return -adv[:, None] * torch.exp(d)


def aggregate(per_token, mask, mode):
    masked = torch.where(mask > 0.5, per_token, torch.zeros_like(per_token))
    if mode == "token-mean":
        return masked.sum() / max(float(mask.sum()), 1.0)
    lens = mask.sum(1)
    seq = masked.sum(1) / lens.clamp(min=1.0)
    keep = lens > 0
    return seq[keep].sum() / max(int(keep.sum()), 1)


def copo_cases():
    out = []
    for mode, sizes, coef in (("token-mean", [4, 4, 4], True), ("seq-mean-token-mean", [5, 3, 4, 2], True),
                              ("token-mean", [3, 3, 3, 3], False)):
        ids = shuffled_groups(sizes)
        bsz, t = len(ids), 6
        x = (torch.rand(bsz) < 0.5).double()
        answers = torch.randint(0, 3, (bsz,)).tolist()
        first = ids[0]  # one group that agrees on its answer
        for i in range(bsz):
            if ids[i] == first:
                answers[i] = 9
        mask = (torch.rand(bsz, t) < 0.75).double()
        mask[1] = 0.0  # an empty sequence
        old = -torch.rand(bsz, t) * 2
        lp = (old + 0.3 * torch.randn(bsz, t)).requires_grad_(True)
        k, b, eps = 4.0, 0.8, 1e-6
        ent, glob, loc, w = copo_signals(x, ids, answers, k, b, coef, eps)
        per_token = (1 - w[:, None]) * inner_per_token(lp, old, mask, glob) \
            + w[:, None] * inner_per_token(lp, old, mask, loc)
        loss = aggregate(per_token, mask, mode)
        loss.backward()
        out.append({"aggregation": mode, "k": k, "b": b, "coef": coef, "eps": eps, "rewards": x.tolist(),
                    "groups": ids, "answers": answers, "logProbs": lp.detach().reshape(-1).tolist(),
                    "oldLogProbs": old.reshape(-1).tolist(), "mask": mask.reshape(-1).tolist(), "shape": [bsz, t],
                    "entropy": ent.tolist(), "global": glob.tolist(), "local": loc.tolist(), "weights": w.tolist(),
                    "loss": float(loss), "grad": lp.grad.reshape(-1).tolist()})
    return out


def main():
    data = {"advantages": advantage_cases(), "overlong": overlong_cases(), "copo": copo_cases()}
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")
    print("wrote", OUT, os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
