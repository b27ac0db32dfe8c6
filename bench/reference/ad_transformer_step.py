# A reference workload of tapegrad's benchmarks (described in bench/README.md); run by bench/compare.py.
"""Autodiff reference workload (c): one small transformer block, forward+backward, in torch.

Workload (explicit ops, re-implement in the Java engine for side-by-side ratios):
  B=16 sequences, T=64 tokens, C=64 embedding, H=4 heads (head dim 16), V=256 vocabulary, MLP hidden 4C=256.
  tokens  idx[B,T] ~ randint(0,V), targets tgt[B,T] ~ randint(0,V)  (torch.Generator().manual_seed(1), idx first)
  params  (torch.manual_seed(0), creation order as listed; N(0,0.02) for weights/embeddings, zeros for biases,
           LayerNorm gamma=1, beta=0):
          wte[V,C], wpe[T,C], ln1_g[C], ln1_b[C], w_qkv[C,3C], b_qkv[3C], w_o[C,C], b_o[C],
          ln2_g[C], ln2_b[C], w_fc[C,4C], b_fc[4C], w_pr[4C,C], b_pr[C], lnf_g[C], lnf_b[C], w_head[C,V] (no bias)
  forward x = wte[idx] + wpe                                   [B,T,C]
          h = layernorm(x; ln1, eps=1e-5); qkv = h @ w_qkv + b_qkv; split q,k,v -> [B,H,T,16]
          att = (q @ k^T) * (1/sqrt(16)); causal mask (j>i -> -inf); softmax over last dim; y = att @ v
          y -> [B,T,C]; x = x + (y @ w_o + b_o)
          h = layernorm(x; ln2); x = x + (gelu(h @ w_fc + b_fc) @ w_pr + b_pr)      (exact erf GELU)
          logits = layernorm(x; lnf) @ w_head                  [B,T,V]
          loss = cross_entropy(logits.view(-1,V), tgt.view(-1)) (mean)
  step = zero grads + forward + backward (reported as fwd_bwd); also reported: +Adam(lr=3e-4) update, and forward only.
  Matmul FLOPs fwd ~ 2*B*T*(C*3C + C*C + 2*C*4C + C*V) + 2*2*B*H*T*T*16 = 151.0 MFLOP; fwd+bwd ~ 3x; 86,976 parameters.
usage: python3 ad_transformer_step.py THREADS [--out FILE] [--tag TAG]
"""
import argparse, math, sys
from benchutil import time_fn, emit, env_info, openblas_info

ap = argparse.ArgumentParser(); ap.add_argument("threads", type=int); ap.add_argument("--out"); ap.add_argument("--tag", default="")
a = ap.parse_args()
import torch, torch.nn.functional as F
torch.set_num_threads(a.threads)
B, T, C, H, V = 16, 64, 64, 4, 256
D = C // H
torch.manual_seed(0)
def w(*s): return (torch.randn(*s) * 0.02).requires_grad_()
def z(*s): return torch.zeros(*s).requires_grad_()
def o(*s): return torch.ones(*s).requires_grad_()
P = dict(wte=w(V, C), wpe=w(T, C), ln1_g=o(C), ln1_b=z(C), w_qkv=w(C, 3 * C), b_qkv=z(3 * C), w_o=w(C, C), b_o=z(C),
         ln2_g=o(C), ln2_b=z(C), w_fc=w(C, 4 * C), b_fc=z(4 * C), w_pr=w(4 * C, C), b_pr=z(C), lnf_g=o(C), lnf_b=z(C),
         w_head=w(C, V))
g = torch.Generator().manual_seed(1)
idx = torch.randint(0, V, (B, T), generator=g)
tgt = torch.randint(0, V, (B, T), generator=g)
mask = torch.triu(torch.ones(T, T, dtype=torch.bool), diagonal=1)
opt = torch.optim.Adam(list(P.values()), lr=3e-4)

def forward():
    x = P["wte"][idx] + P["wpe"]
    h = F.layer_norm(x, (C,), P["ln1_g"], P["ln1_b"], 1e-5)
    qkv = h @ P["w_qkv"] + P["b_qkv"]
    q, k, v = qkv.split(C, dim=2)
    q = q.view(B, T, H, D).transpose(1, 2); k = k.view(B, T, H, D).transpose(1, 2); v = v.view(B, T, H, D).transpose(1, 2)
    att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(D))
    att = att.masked_fill(mask, float("-inf")).softmax(dim=-1)
    y = (att @ v).transpose(1, 2).reshape(B, T, C)
    x = x + (y @ P["w_o"] + P["b_o"])
    h = F.layer_norm(x, (C,), P["ln2_g"], P["ln2_b"], 1e-5)
    x = x + (F.gelu(h @ P["w_fc"] + P["b_fc"]) @ P["w_pr"] + P["b_pr"])
    logits = F.layer_norm(x, (C,), P["lnf_g"], P["lnf_b"], 1e-5) @ P["w_head"]
    return F.cross_entropy(logits.view(-1, V), tgt.view(-1))

def fwd_bwd():
    for p in P.values(): p.grad = None
    loss = forward(); loss.backward(); return loss
def train_step():
    loss = fwd_bwd(); opt.step(); return loss
def fwd_only():
    with torch.no_grad(): return forward()

l0 = fwd_bwd().item()
r = time_fn(fwd_bwd, target_s=0.3, samples=9, warmup=5)
rt = time_fn(train_step, target_s=0.3, samples=7, warmup=3)
rf = time_fn(fwd_only, target_s=0.2, samples=7)
FLOP_F = 2 * B * T * (C * 3 * C + C * C + 2 * C * 4 * C + C * V) + 2 * 2 * B * H * T * T * D
ver = f"torch {torch.__version__} threads={torch.get_num_threads()}"
blas = [(i.get("corename"), i.get("lib")) for i in openblas_info()]
print("#", ver, blas, f"loss0={l0:.6f} params={sum(p.numel() for p in P.values())}", file=sys.stderr)
emit({"bench": "ad_transformer_step", "backend": "torch", "tag": a.tag, "threads": a.threads,
      "fwd_bwd_ms_median": r["median_s"] * 1e3, "fwd_bwd_ms_min": r["min_s"] * 1e3, "fwd_bwd_ms_max": r["max_s"] * 1e3,
      "train_step_ms": rt["median_s"] * 1e3, "fwd_ms": rf["median_s"] * 1e3, "fwd_mflop": FLOP_F / 1e6,
      "loss0": l0, "version": ver, "blas": blas, "env": env_info()}, a.out)
