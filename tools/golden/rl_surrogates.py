#!/usr/bin/env python3
"""Golden values and gradients for the rl clipped-surrogate family, KL terms and the entropy bonus.

An independent float64 PyTorch implementation of the objectives' formulas as their papers state them (the PPO/GRPO
clipped surrogate with its aggregations, GSPO, GMPO, SAPO, CISPO, the k1/k2/k3 KL estimators, the entropy bonus), written from the formulas, not
from the Java code. Run:

    /usr/bin/python3 tools/golden/rl_surrogates.py     # writes rl/src/test/resources/golden/rl_surrogates.json

Each case is a random masked batch (B sequences padded to T tokens, random lengths, one empty sequence in
some cases, garbage log-probabilities of size ~50 at masked positions) and records the loss and its
gradient with respect to the current log-probabilities (for the entropy cases: to the logits).
RlSurrogatesGoldenTest rebuilds each objective by name and compares at rtol 1e-10.
"""
import json
import math
import os

import torch

torch.set_default_dtype(torch.float64)
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "rl", "src", "test", "resources", "golden", "rl_surrogates.json")


# ------------------------------------------------------------------ aggregation (objective-independent)
def aggregate(loss, mask, mode, L=None):
    lens = mask.sum(1)
    nonempty = (lens > 0).double()
    nseq = max(nonempty.sum().item(), 1.0)
    tok = torch.where(mask > 0.5, loss, torch.zeros_like(loss))
    if mode == "token-mean":
        return tok.sum() / max(mask.sum().item(), 1.0)
    if mode == "seq-mean-token-mean":
        return (tok.sum(1) / lens.clamp(min=1.0) * nonempty).sum() / nseq
    if mode == "seq-mean-token-sum":
        return (tok.sum(1) * nonempty).sum() / nseq
    if mode == "constant":
        return (tok.sum(1) * nonempty).sum() / nseq / L
    raise ValueError(mode)


def seq_mean(values, mask):
    nonempty = (mask.sum(1) > 0).double()
    return (values * nonempty).sum() / max(nonempty.sum().item(), 1.0)


def masked_mean(x, mask):
    return torch.where(mask > 0.5, x, torch.zeros_like(x)).sum(1) / mask.sum(1).clamp(min=1.0)


def log_ratio(lp, old, mask):
    return torch.where(mask > 0.5, lp - old, torch.zeros_like(lp))


def tok_adv(adv, lp):
    return adv[:, None].expand_as(lp) if adv.dim() == 1 else adv


def seq_adv(adv, mask):
    return adv if adv.dim() == 1 else masked_mean(adv, mask)


# ------------------------------------------------------------------ objectives (objective J, loss = -J)
def clipped(lp, old, mask, adv, lo, hi, c, mode, L=None):
    r = torch.exp(log_ratio(lp, old, mask))
    A = tok_adv(adv, lp)
    j = torch.min(r * A, torch.clamp(r, 1 - lo, 1 + hi) * A)
    if c is not None:
        j = torch.where(A < 0, torch.max(j, c * A), j)
    return aggregate(-j, mask, mode, L)


def gspo(lp, old, mask, adv, lo, hi):
    s = torch.exp(masked_mean(log_ratio(lp, old, mask), mask))
    A = seq_adv(adv, mask)
    j = torch.min(s * A, torch.clamp(s, 1 - lo, 1 + hi) * A)
    return seq_mean(-j, mask)


def gspo_token(lp, old, mask, adv, lo, hi):
    logs = masked_mean(log_ratio(lp, old, mask), mask).detach()
    lpm = torch.where(mask > 0.5, lp, torch.zeros_like(lp))
    s = torch.exp(logs)[:, None] * torch.exp(lpm) / torch.exp(lpm).detach()
    A = tok_adv(adv, lp)
    j = torch.min(s * A, torch.clamp(s, 1 - lo, 1 + hi) * A)
    return aggregate(-j, mask, "seq-mean-token-mean")


def gmpo(lp, old, mask, adv, lo, hi):
    d = log_ratio(lp, old, mask)
    A = seq_adv(adv, mask)
    sgn = torch.where(A > 0, torch.ones_like(A), -torch.ones_like(A))[:, None]
    c = sgn * torch.min(sgn * d, sgn * torch.clamp(d, -lo, hi))
    rho = torch.exp(masked_mean(c, mask))
    return seq_mean(-A * rho, mask)


def sapo(lp, old, mask, adv, tpos, tneg, mode):
    r = torch.exp(log_ratio(lp, old, mask))
    A = tok_adv(adv, lp)
    tau = torch.where(A > 0, torch.full_like(A, tpos), torch.full_like(A, tneg))
    f = torch.sigmoid(tau * (r - 1)) * 4 / tau
    return aggregate(-f * A, mask, mode)


def cispo(lp, old, mask, adv, rmin, rmax, mode):
    r = torch.exp(log_ratio(lp, old, mask))
    w = torch.clamp(r, rmin, rmax).detach()
    lpm = torch.where(mask > 0.5, lp, torch.zeros_like(lp))
    return aggregate(-w * tok_adv(adv, lp) * lpm, mask, mode)


def kl(lp, ref, mask, kind):
    x = torch.where(mask > 0.5, lp - ref, torch.zeros_like(lp))  # log pi - log pi_ref = -u
    k1 = x
    k2 = 0.5 * x * x
    k3 = torch.exp(-x) + x - 1
    return {"k1": k1, "k2": k2, "k3": k3, "k3+": k2 - k2.detach() + k3.detach()}[kind]


def with_kl(lp, old, ref, mask, adv, beta, kind):
    r = torch.exp(log_ratio(lp, old, mask))
    A = tok_adv(adv, lp)
    j = torch.min(r * A, torch.clamp(r, 0.8, 1.2) * A)
    return aggregate(-j + beta * kl(lp, ref, mask, kind), mask, "seq-mean-token-mean")


def entropy_bonus(logits, mask, coef, mode):
    p = torch.softmax(logits, -1)
    logp = torch.log_softmax(logits, -1)
    h = -(p * torch.where(p > 0, logp, torch.zeros_like(logp))).sum(-1)
    return -coef * aggregate(h, mask, mode)


# name -> (function of (lp, old, ref, mask, adv), per-token advantages?)
OBJECTIVES = {
    "ppo": (lambda lp, o, rf, m, a: clipped(lp, o, m, a, 0.2, 0.2, None, "token-mean"), False),
    "grpo": (lambda lp, o, rf, m, a: clipped(lp, o, m, a, 0.2, 0.2, None, "seq-mean-token-mean"), False),
    "dapo": (lambda lp, o, rf, m, a: clipped(lp, o, m, a, 0.2, 0.28, None, "token-mean"), True),
    "drgrpo8": (lambda lp, o, rf, m, a: clipped(lp, o, m, a, 0.2, 0.2, None, "constant", 8.0), False),
    "dualclip3": (lambda lp, o, rf, m, a: clipped(lp, o, m, a, 0.2, 0.28, 3.0, "seq-mean-token-sum"), False),
    "gspo": (lambda lp, o, rf, m, a: gspo(lp, o, m, a, 0.1, 0.15), False),
    "gspo-paper": (lambda lp, o, rf, m, a: gspo(lp, o, m, a, 3e-4, 4e-4), False),
    "gspo-token": (lambda lp, o, rf, m, a: gspo_token(lp, o, m, a, 0.1, 0.15), True),
    "gmpo": (lambda lp, o, rf, m, a: gmpo(lp, o, m, a, 0.4, 0.4), False),
    "gmpo-tokenadv": (lambda lp, o, rf, m, a: gmpo(lp, o, m, a, 0.3, 0.5), True),
    "sapo": (lambda lp, o, rf, m, a: sapo(lp, o, m, a, 1.0, 1.05, "seq-mean-token-mean"), True),
    "cispo-two-sided": (lambda lp, o, rf, m, a: cispo(lp, o, m, a, 0.8, 1.28, "token-mean"), False),
    "cispo-capped": (lambda lp, o, rf, m, a: cispo(lp, o, m, a, 0.0, 1.5, "token-mean"), True),
    "grpo+k1": (lambda lp, o, rf, m, a: with_kl(lp, o, rf, m, a, 0.1, "k1"), False),
    "grpo+k2": (lambda lp, o, rf, m, a: with_kl(lp, o, rf, m, a, 0.1, "k2"), False),
    "grpo+k3": (lambda lp, o, rf, m, a: with_kl(lp, o, rf, m, a, 0.1, "k3"), False),
    "grpo+k3+": (lambda lp, o, rf, m, a: with_kl(lp, o, rf, m, a, 0.1, "k3+"), False),
}


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def batch(gen, B, T, per_token, empty):
    lens = torch.randint(1, T + 1, (B,), generator=gen)
    if empty:
        lens[B - 1] = 0
    mask = (torch.arange(T)[None, :] < lens[:, None]).double()
    lp = -torch.rand(B, T, generator=gen) * 3 - 0.05
    d = (torch.rand(B, T, generator=gen) * 2 - 1) * 0.7          # ratios in about [0.5, 2]
    old = lp - d
    ref = lp + torch.randn(B, T, generator=gen) * 0.5
    garbage = torch.randn(B, T, generator=gen) * 50             # padding: anything, huge differences
    old = torch.where(mask > 0.5, old, garbage)
    ref = torch.where(mask > 0.5, ref, -garbage)
    lp = torch.where(mask > 0.5, lp, garbage * 0.7 + 20)
    adv = torch.randn(B, T, generator=gen) if per_token else torch.randn(B, generator=gen)
    return lp, old, ref, mask, adv


def main():
    gen = torch.Generator().manual_seed(20261122)
    cases = []
    for name, (fn, per_token) in OBJECTIVES.items():
        for k, (B, T) in enumerate([(3, 5), (4, 7)]):
            lp, old, ref, mask, adv = batch(gen, B, T, per_token and k == 1, empty=(k == 1))
            x = lp.clone().requires_grad_(True)
            loss = fn(x, old, ref, mask, adv)
            loss.backward()
            assert torch.isfinite(loss) and torch.isfinite(x.grad).all(), name
            cases.append({"objective": name, "B": B, "T": T, "logp": flat(lp), "old": flat(old), "ref": flat(ref),
                          "mask": flat(mask), "adv": flat(adv), "advPerToken": adv.dim() == 2,
                          "loss": loss.item(), "grad": flat(x.grad)})
    for k, (B, T, V, mode) in enumerate([(2, 3, 5, "token-mean"), (3, 4, 6, "seq-mean-token-mean")]):
        lens = torch.randint(0, T + 1, (B,), generator=gen)
        mask = (torch.arange(T)[None, :] < lens[:, None]).double()
        logits = torch.randn(B, T, V, generator=gen) * 2
        if k == 1:
            logits[0, 0, 1] = -math.inf   # a masked vocabulary entry: 0 log 0 = 0
        x = logits.clone().requires_grad_(True)
        loss = entropy_bonus(x, mask, 0.01, mode)
        loss.backward()
        assert torch.isfinite(x.grad).all()
        cases.append({"objective": "entropy:" + mode, "B": B, "T": T, "V": V,
                      "logits": flat(logits),
                      "mask": flat(mask), "loss": loss.item(), "grad": flat(x.grad)})
    text = json.dumps({"generator": "tools/golden/rl_surrogates.py", "torch": torch.__version__, "cases": cases})
    with open(OUT, "w") as f:
        f.write(text)
    print("wrote", len(cases), "cases,", len(text), "bytes to", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
