# A reference workload of tapegrad's benchmarks (described in bench/README.md); run by bench/compare.py.
"""Autodiff reference workload (b): MLP training step in torch.

Workload (re-implement in the Java engine for side-by-side ratios):
  * MLP 784 -> 512 -> ReLU -> 512 -> ReLU -> 10, nn.Linear layers with bias (torch default init, torch.manual_seed(0)).
  * Batch 128: X ~ N(0,1) [128,784] float32, labels y ~ randint(0,10) [128]; generated once with
    torch.Generator().manual_seed(1) (X first, then y) and reused every step.
  * loss = cross_entropy(logits, y) (mean over batch).
  * One step = zero_grad(set_to_none=True) + forward + loss.backward() + Adam(lr=1e-3, betas=(0.9,0.999), eps=1e-8) step.
  * FLOPs per step (matmuls only): forward 2*128*(784*512+512*512+512*10) = 171.2 MFLOP; backward dW for 3 layers
    (171.2 MFLOP) + dX for layers 2,3 (68.5 MFLOP) -> ~411 MFLOP/step; parameters 669,706.
Reports steps/s, ms/step (median, min, max), effective GFLOP/s, plus forward-only and forward+backward times.
usage: python3 ad_mlp_step.py THREADS [--out FILE] [--tag TAG]   (set OMP_NUM_THREADS / OPENBLAS_NUM_THREADS = THREADS)
"""
import argparse, sys
from benchutil import time_fn, emit, env_info, openblas_info

ap = argparse.ArgumentParser(); ap.add_argument("threads", type=int); ap.add_argument("--out"); ap.add_argument("--tag", default="")
a = ap.parse_args()
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(a.threads)
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
g = torch.Generator().manual_seed(1)
X = torch.randn(128, 784, generator=g)
y = torch.randint(0, 10, (128,), generator=g)
opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
nparams = sum(p.numel() for p in model.parameters())

def step():
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(X), y)
    loss.backward()
    opt.step()
    return loss

def fwd():
    with torch.no_grad():
        return F.cross_entropy(model(X), y)

def fwd_bwd():
    model.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(X), y)
    loss.backward()

l0 = step().item()
r = time_fn(step, target_s=0.3, samples=9, warmup=5)
rf = time_fn(fwd, target_s=0.2, samples=7)
rb = time_fn(fwd_bwd, target_s=0.2, samples=7)
FLOP = 2 * 128 * (784 * 512 + 512 * 512 + 512 * 10) * 2 + 2 * 128 * (512 * 512 + 512 * 10)
ver = f"torch {torch.__version__} threads={torch.get_num_threads()}"
blas = [(i.get("corename"), i.get("lib")) for i in openblas_info()]
print("#", ver, blas, f"loss_step0={l0:.6f}", file=sys.stderr)
emit({"bench": "ad_mlp_step", "backend": "torch", "tag": a.tag, "threads": a.threads,
      "step_ms_median": r["median_s"] * 1e3, "step_ms_min": r["min_s"] * 1e3, "step_ms_max": r["max_s"] * 1e3,
      "steps_per_s": 1 / r["median_s"], "gflops_eff": FLOP / r["median_s"] / 1e9,
      "fwd_ms": rf["median_s"] * 1e3, "fwd_bwd_ms": rb["median_s"] * 1e3, "params": nparams, "flop_per_step": FLOP,
      "version": ver, "blas": blas, "env": env_info()}, a.out)
