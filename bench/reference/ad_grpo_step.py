# A reference workload of tapegrad's benchmarks (described in bench/README.md); run by bench/compare.py.
"""Autodiff reference workload (d): GRPO-style policy-gradient loss step in torch.

Workload (re-implement in the Java engine for side-by-side ratios):
  vocabulary V=32 (token 0 = BOS), sequence length L=32, group size G=8, embedding E=32, hidden Hd=128.
  policy(prev_token, position) -> logits[V]:
      e = tok_emb[prev] + pos_emb[pos]            tok_emb[V,E], pos_emb[L,E]
      h1 = tanh(e @ W1 + b1)   W1[E,Hd]            h2 = tanh(h1 @ W2 + b2)   W2[Hd,Hd]
      logits = h2 @ W3 + b3    W3[Hd,V]
  params: torch.manual_seed(0), creation order tok_emb, pos_emb, W1, b1, W2, b2, W3, b3; weights N(0, 1/sqrt(fan_in))
          (embeddings N(0,1)), biases 0.  Reference policy = frozen copy of the initial parameters.
  rollout (no grad): G sequences, token_0 sampled given prev=BOS at pos 0, token_t given prev=token_{t-1} at pos t,
          torch.multinomial(softmax(logits)) with torch.Generator().manual_seed(1234 + step); old_logp recorded.
  reward: r_g = (# of tokens in sequence g that are < V/2 and even) / L   (toy verifiable reward)
  advantage: A_g = (r_g - mean(r)) / (std(r, unbiased) + 1e-4), broadcast to all tokens of sequence g.
  loss (teacher-forced, batched over all G*L=256 positions):
      logp = log_softmax(policy(prev, pos))[token];  ratio = exp(logp - old_logp)
      surr = min(ratio*A, clamp(ratio, 1-0.2, 1+0.2)*A)
      kl   = exp(ref_logp - logp) - (ref_logp - logp) - 1      (k3 estimator; ref_logp from frozen ref policy, no grad)
      loss = -mean_g( mean_t( surr - 0.04*kl ) )
  step = rollout + loss forward + backward + Adam(lr=1e-3).  Reported separately: rollout_ms, loss_fwd_bwd_ms
  (ref forward + policy forward + loss + backward, the "loss step"), and full_step_ms (rollout + loss step + Adam).
usage: python3 ad_grpo_step.py THREADS [--out FILE] [--tag TAG]
"""
import argparse, math, sys
from benchutil import time_fn, emit, env_info, openblas_info

ap = argparse.ArgumentParser(); ap.add_argument("threads", type=int); ap.add_argument("--out"); ap.add_argument("--tag", default="")
a = ap.parse_args()
import torch, torch.nn.functional as F
torch.set_num_threads(a.threads)
V, L, G, E, Hd = 32, 32, 8, 32, 128
EPS, BETA = 0.2, 0.04
torch.manual_seed(0)
def mk(*s, std): return (torch.randn(*s) * std).requires_grad_()
P = dict(tok_emb=mk(V, E, std=1.0), pos_emb=mk(L, E, std=1.0), W1=mk(E, Hd, std=1 / math.sqrt(E)), b1=torch.zeros(Hd, requires_grad=True),
         W2=mk(Hd, Hd, std=1 / math.sqrt(Hd)), b2=torch.zeros(Hd, requires_grad=True), W3=mk(Hd, V, std=1 / math.sqrt(Hd)),
         b3=torch.zeros(V, requires_grad=True))
REF = {k: v.detach().clone() for k, v in P.items()}
opt = torch.optim.Adam(list(P.values()), lr=1e-3)

def policy(p, prev, pos):
    e = p["tok_emb"][prev] + p["pos_emb"][pos]
    h1 = torch.tanh(e @ p["W1"] + p["b1"])
    h2 = torch.tanh(h1 @ p["W2"] + p["b2"])
    return h2 @ p["W3"] + p["b3"]

step_no = [0]
def rollout():
    gen = torch.Generator().manual_seed(1234 + step_no[0])
    toks = torch.empty(G, L, dtype=torch.long); old = torch.empty(G, L)
    prev = torch.zeros(G, dtype=torch.long)
    with torch.no_grad():
        for t in range(L):
            lp = F.log_softmax(policy(P, prev, torch.full((G,), t, dtype=torch.long)), dim=-1)
            nxt = torch.multinomial(lp.exp(), 1, generator=gen).squeeze(1)
            toks[:, t] = nxt; old[:, t] = lp.gather(1, nxt[:, None]).squeeze(1); prev = nxt
    r = ((toks < V // 2) & (toks % 2 == 0)).float().mean(dim=1)
    adv = (r - r.mean()) / (r.std() + 1e-4)
    return toks, old, adv

POS = torch.arange(L).repeat(G, 1)                         # [G,L]
def loss_fwd_bwd(toks, old, adv):
    for p in P.values(): p.grad = None
    prev = torch.cat([torch.zeros(G, 1, dtype=torch.long), toks[:, :-1]], dim=1)
    with torch.no_grad():
        ref_lp = F.log_softmax(policy(REF, prev, POS), dim=-1).gather(2, toks[..., None]).squeeze(2)
    logp = F.log_softmax(policy(P, prev, POS), dim=-1).gather(2, toks[..., None]).squeeze(2)   # [G,L]
    ratio = torch.exp(logp - old)
    A = adv[:, None]
    surr = torch.min(ratio * A, torch.clamp(ratio, 1 - EPS, 1 + EPS) * A)
    d = ref_lp - logp
    kl = torch.exp(d) - d - 1
    loss = -((surr - BETA * kl).mean(dim=1)).mean()
    loss.backward()
    return loss

def full_step():
    toks, old, adv = rollout(); loss = loss_fwd_bwd(toks, old, adv); opt.step(); step_no[0] += 1; return loss

batch = rollout()
l0 = loss_fwd_bwd(*batch).item()
gn0 = math.sqrt(sum(float((p.grad ** 2).sum()) for p in P.values()))
r_roll = time_fn(rollout, target_s=0.3, samples=7, warmup=3)
r_loss = time_fn(lambda: loss_fwd_bwd(*batch), target_s=0.3, samples=9, warmup=3)
r_full = time_fn(full_step, target_s=0.3, samples=7, warmup=3)
ver = f"torch {torch.__version__} threads={torch.get_num_threads()}"
blas = [(i.get("corename"), i.get("lib")) for i in openblas_info()]
print("#", ver, blas, f"loss0={l0:.6f} grad_norm0={gn0:.6f} params={sum(p.numel() for p in P.values())}", file=sys.stderr)
emit({"bench": "ad_grpo_step", "backend": "torch", "tag": a.tag, "threads": a.threads,
      "loss_fwd_bwd_ms_median": r_loss["median_s"] * 1e3, "loss_fwd_bwd_ms_min": r_loss["min_s"] * 1e3, "loss_fwd_bwd_ms_max": r_loss["max_s"] * 1e3,
      "rollout_ms": r_roll["median_s"] * 1e3, "full_step_ms": r_full["median_s"] * 1e3, "loss0": l0, "grad_norm0": gn0,
      "version": ver, "blas": blas, "env": env_info()}, a.out)
